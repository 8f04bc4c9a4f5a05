// `visage eval judge|s2f|sargan`: measures a model on held-out identities, writes docs/results.md.

import FaceSynth
import Foundation
import Imaging
import Models
import NN
import Tensor

let evalUsage = """
  usage: visage eval judge [--count N]
         visage eval s2f [--variant dis|dec] [--from sketch|photo] [--count N]
         visage eval sargan [--count N]
         visage eval latents [--count N]   what the S2F photo latents respond to
  options:
    --weights PATH   model weights (default assets/models/<model>.safetensors)
    --judge PATH     judge weights (default assets/models/judge.safetensors)
    --results PATH   results document to update (default docs/results.md)
    --figures DIR    where figure PNGs go (default docs/images)
    --threads N
  """

func runEvalCommand(_ words: [String]) throws -> Int32 {
  guard let which = words.first, ["judge", "s2f", "sargan", "latents"].contains(which) else {
    throw CLIError.usage(evalUsage)
  }
  let args = try Arguments(
    Array(words.dropFirst()),
    valued: ["count", "weights", "judge", "results", "figures", "threads", "variant", "from"])
  Threads.configure(args.string("threads").flatMap(Int.init))
  let results = args.string("results") ?? "docs/results.md"
  let figures = args.string("figures") ?? "docs/images"
  try FileManager.default.createDirectory(atPath: figures, withIntermediateDirectories: true)
  if which == "latents" {
    let path = args.string("weights") ?? "assets/models/s2fgan.safetensors"
    let count = try args.int("count", default: 192)
    guard count >= 2 else { throw CLIError.usage("--count for latents is at least 2") }
    let (m, _) = try ModelStore.loadS2FGAN(path: path)
    let r = LatentSensitivity.run(model: m, count: count, threads: Threads.count)
    let md = r.markdown(record: try describe(path))
    try ResultsDocument.update(path: results, section: "s2f-latents", markdown: md)
    print(md)
    return 0
  }
  let judgePath = args.string("judge") ?? "assets/models/judge.safetensors"
  let judge = try loadJudge(judgePath)
  let judgeRecord = try describe(judgePath)
  switch which {
  case "judge":
    let count = try args.int("count", default: 512)
    let bar = ProgressBar(total: count, label: "eval judge")
    let r = JudgeEvaluation.run(judge, count: count, threads: Threads.count) { bar.update($0) }
    try ResultsDocument.update(
      path: results, section: "judge", markdown: r.markdown(record: judgeRecord))
    print(r.markdown(record: judgeRecord))
  case "s2f":
    guard let variant = EditVariant(rawValue: args.string("variant") ?? "dis") else {
      throw CLIError.usage("--variant is dis or dec")
    }
    let from = args.string("from") ?? "sketch"
    guard ["sketch", "photo"].contains(from) else {
      throw CLIError.usage("--from is sketch or photo")
    }
    let photo = from == "photo"
    let path = args.string("weights") ?? "assets/models/s2fgan.safetensors"
    let (m, _) = try ModelStore.loadS2FGAN(path: path)
    let r = S2FEvaluation.run(
      model: m, judge: judge, variant: variant, count: try args.int("count", default: 32),
      editsFromPhotos: photo, threads: Threads.count
    ) { print($0) }
    let suffix = photo ? "_photo" : ""
    var names: [String] = []
    if let f = r.reconstructionFigure, !photo {
      let name = "s2f_reconstruction.jpg"
      try JPEGCodec.write(f, to: figures + "/" + name, quality: 88, overwrite: true)
      names.append("images/" + name)
    }
    if let f = r.sweepFigure {
      let name = "s2f_sweep_\(variant.rawValue)\(suffix).jpg"
      try JPEGCodec.write(f, to: figures + "/" + name, quality: 88, overwrite: true)
      names.append("images/" + name)
    }
    let md = r.markdown(record: try describe(path) + "; judge: " + judgeRecord, figures: names)
    try ResultsDocument.update(
      path: results, section: "s2f-\(variant.rawValue)\(photo ? "-photo" : "")", markdown: md)
    try annotate(path, key: "results_\(variant.rawValue)\(suffix)", value: summary(r))
    print(md)
  default:
    let path = args.string("weights") ?? "assets/models/sargan.safetensors"
    let (g, metadata) = try ModelStore.loadSARGAN(path: path)
    // Weights trained on canonical targets are compared with the variant they learned to draw.
    let trained = metadata["options"].flatMap {
      try? JSONDecoder().decode(SARGANOptions.self, from: Data($0.utf8))
    }
    let r = SARGANEvaluation.run(
      generator: g, judge: judge, count: try args.int("count", default: 24),
      canonicalTruth: trained?.canonicalTargets ?? false, threads: Threads.count
    ) { print($0) }
    var names: [String] = []
    for (name, fig) in [
      ("sargan_expressions.jpg", r.gridFigure), ("sargan_intensity.jpg", r.sweepFigure),
    ] {
      if let fig {
        try JPEGCodec.write(fig, to: figures + "/" + name, quality: 88, overwrite: true)
        names.append("images/" + name)
      }
    }
    let md = r.markdown(record: try describe(path) + "; judge: " + judgeRecord, figures: names)
    try ResultsDocument.update(path: results, section: "sargan", markdown: md)
    let accuracy = r.rows.map(\.accuracy).reduce(0, +) / Double(max(r.rows.count, 1))
    // The neutral target keeps a neutral face, which the judge calls neutral without any edit:
    // the mean over the other targets is what the editor reports.
    let expressive = r.rows.filter { $0.name != FaceExpression.neutral.description }
    let expressiveAccuracy =
      expressive.map(\.accuracy).reduce(0, +) / Double(max(expressive.count, 1))
    let psnr = r.rows.map(\.psnr).reduce(0, +) / Double(max(r.rows.count, 1))
    try annotate(
      path, key: "results",
      value: String(
        format: "{\"judge_accuracy\":%.4f,\"judge_accuracy_expressive\":%.4f,\"psnr\":%.3f}",
        accuracy, expressiveAccuracy, psnr))
    print(md)
  }
  return 0
}

private func loadJudge(_ path: String) throws -> Judge {
  try ModelStore.loadJudge(path: path).0
}

/// "N steps, T of training" from a weight file's metadata.
private func describe(_ path: String) throws -> String {
  let meta = try SafetensorsFile.read(path: path).metadata
  guard let json = meta["training"],
    let r = try? JSONDecoder().decode(TrainingRecord.self, from: Data(json.utf8))
  else {
    return "\(path) (untrained)"
  }
  return
    "\((path as NSString).lastPathComponent), \(r.steps) steps (batch \(r.batch)), \(ProgressBar.duration(r.seconds)) of training, data \(r.data)"
}

private func summary(_ r: S2FEvaluation) -> String {
  let n = Double(max(r.rows.count, 1))
  return String(
    format:
      "{\"sketch_ssim\":%.4f,\"sketch_ssim_person\":%.4f,\"sketch_psnr\":%.3f,\"edit_success\":%.4f,\"preservation\":%.4f,\"monotonic\":%.4f}",
    r.sketchSSIM, r.sketchSSIMPerson, r.sketchPSNR, r.rows.map(\.success).reduce(0, +) / n,
    r.rows.map(\.preservation).reduce(0, +) / n, r.rows.map(\.monotonic).reduce(0, +) / n)
}

/// Adds an evaluation summary to a weight file's metadata (rewritten atomically, same dtype F16).
private func annotate(_ path: String, key: String, value: String) throws {
  var file = try SafetensorsFile.read(path: path)
  file.metadata[key] = value
  try file.write(path: path, dtype: .f16)
}
