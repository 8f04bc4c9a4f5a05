// `visage synth`: writes rendered faces, sketches, parsing maps and labels to disk.

import Dispatch
import FaceSynth
import Foundation
import Imaging

/// Runs `visage synth --count N --seed S --split train|val|test --size 128 --out DIR
/// [--sheet FILE] [--expressions] [--threads T] [--overwrite]` (or `--bench` instead of
/// `--out`, which only renders in memory and prints the rate) and returns the exit status.
///
/// Writes `DIR/faces/NNNNNN.png` (RGB), `DIR/sketches/NNNNNN.png` (gray),
/// `DIR/parsing/NNNNNN.png` (gray, pixel value = CelebAMask-HQ class index),
/// `DIR/labels.jsonl` (one JSON object per image) and `DIR/meta.json`. With `--expressions`,
/// each of the N identities is rendered under all eight expressions (8·N images).
func runSynthCommand(_ arguments: [String]) -> Int32 {
  let usage = """
    usage: visage synth --count N --seed S --split train|val|test --size 128 --out DIR
                        [--sheet FILE] [--expressions] [--threads T] [--overwrite]
           visage synth --count N --size 128 [--threads T] --bench   (in-memory speed test)
    """
  var options: [String: String] = [:]
  var flags = Set<String>()
  var i = 0
  while i < arguments.count {
    let a = arguments[i]
    if ["--expressions", "--overwrite", "--bench", "--help", "-h"].contains(a) {
      flags.insert(a)
      i += 1
    } else if a.hasPrefix("--"), i + 1 < arguments.count {
      options[String(a.dropFirst(2))] = arguments[i + 1]
      i += 2
    } else {
      synthError("unexpected argument '\(a)'\n\(usage)")
      return 2
    }
  }
  if flags.contains("--help") || flags.contains("-h") {
    print(usage)
    return 0
  }
  let known: Set<String> = ["count", "seed", "split", "size", "out", "sheet", "threads"]
  if let bad = options.keys.first(where: { !known.contains($0) }) {
    synthError("unknown option --\(bad)\n\(usage)")
    return 2
  }
  guard let count = Int(options["count"] ?? ""), count > 0,
    let seed = UInt64(options["seed"] ?? "0"),
    let split = Split(rawValue: options["split"] ?? "train"),
    let size = Int(options["size"] ?? "128"), size >= 16, size <= 2048,
    let threads = Int(options["threads"] ?? "2"), threads >= 1
  else {
    synthError("invalid or missing options\n\(usage)")
    return 2
  }
  if flags.contains("--bench") {
    return synthBench(count: count, seed: seed, split: split, size: size, threads: threads)
  }
  guard let out = options["out"], !out.isEmpty else {
    synthError("missing --out DIR\n\(usage)")
    return 2
  }
  let overwrite = flags.contains("--overwrite")
  let expressionSets = flags.contains("--expressions")
  let fm = FileManager.default
  do {
    for sub in ["faces", "sketches", "parsing"] {
      try fm.createDirectory(
        atPath: "\(out)/\(sub)", withIntermediateDirectories: true, attributes: nil)
    }
  } catch {
    synthError("cannot create \(out): \(error)")
    return 1
  }
  let labelsPath = "\(out)/labels.jsonl"
  if !overwrite && fm.fileExists(atPath: labelsPath) {
    synthError("\(labelsPath) exists (use --overwrite)")
    return 1
  }

  // The jobs: one per image, in output order.
  var jobs: [FaceParams] = []
  for index in 0..<count {
    let p = FaceSynth.params(index: index, seed: seed, split: split)
    if expressionSets {
      for e in FaceExpression.allCases { jobs.append(p.with(e)) }
    } else {
      jobs.append(p)
    }
  }

  let total = jobs.count
  var lines: [String] = []
  lines.reserveCapacity(total)
  var sheetSamples: [FaceSample] = []
  let progress = SynthProgress(total: total)
  let chunk = 64
  var start = 0
  while start < total {
    let end = min(total, start + chunk)
    let samples = FaceSynth.render(Array(jobs[start..<end]), size: size, threads: threads)
    let failures = SynthFailures()
    let base = start
    DispatchQueue.concurrentPerform(iterations: threads) { w in
      var k = w
      while k < samples.count {
        let name = String(format: "%06d.png", base + k)
        let s = samples[k]
        do {
          try PNGCodec.write(s.face, to: "\(out)/faces/\(name)", overwrite: overwrite)
          try PNGCodec.write(s.sketch, to: "\(out)/sketches/\(name)", overwrite: overwrite)
          let parse = ParsingMap.grayImage(s.parsing, width: size, height: size)
          try PNGCodec.write(parse, to: "\(out)/parsing/\(name)", overwrite: overwrite)
        } catch {
          failures.record("\(name): \(error)")
        }
        k += threads
      }
    }
    if let message = failures.first {
      progress.finish()
      synthError("write failed: \(message)")
      return 1
    }
    for (k, s) in samples.enumerated() {
      lines.append(synthJSONLine(s, index: start + k, split: split))
      if sheetSamples.count < 16 { sheetSamples.append(s) }
    }
    start = end
    progress.update(done: start)
  }
  progress.finish()

  do {
    try (lines.joined(separator: "\n") + "\n").write(
      toFile: labelsPath, atomically: true, encoding: .utf8)
    try synthMeta(size: size, split: split, seed: seed, count: total).write(
      toFile: "\(out)/meta.json", atomically: true, encoding: .utf8)
  } catch {
    synthError("cannot write labels: \(error)")
    return 1
  }
  if let sheet = options["sheet"] {
    do {
      try PNGCodec.write(synthSheet(sheetSamples, size: size), to: sheet, overwrite: true)
    } catch {
      synthError("cannot write sheet \(sheet): \(error)")
      return 1
    }
  }
  return 0
}

/// Renders `count` samples in memory (batches of 64) and prints the rate; writes nothing.
func synthBench(count: Int, seed: UInt64, split: Split, size: Int, threads: Int) -> Int32 {
  let start = Date()
  var done = 0
  var checksum: Float = 0
  while done < count {
    let n = min(64, count - done)
    let batch = FaceSynth.batch(
      indices: Array(done..<(done + n)), seed: seed, split: split, size: size, threads: threads)
    checksum += batch.reduce(0) { $0 + $1.face.pixels[0] + $1.sketch.pixels[0] }
    done += n
  }
  let elapsed = Date().timeIntervalSince(start)
  print(
    String(
      format: "%d faces %dx%d (face, sketch, parsing, landmarks) on %d threads: "
        + "%.2f s, %.1f faces/s (checksum %.3f)",
      count, size, size, threads, elapsed, Double(count) / elapsed, checksum))
  return 0
}

/// A contact sheet: rows of up to 8 faces, then their sketches, then their parsing maps.
func synthSheet(_ samples: [FaceSample], size: Int) -> Image {
  var tiles: [Image] = []
  var start = 0
  while start < samples.count {
    let row = samples[start..<min(samples.count, start + 8)]
    let blank = Image(width: size, height: size, channels: 3, value: 1)
    let pad = [Image](repeating: blank, count: 8 - row.count)
    tiles += row.map(\.face) + pad
    tiles += row.map(\.sketch) + pad
    tiles += row.map { ParsingMap.colourize($0.parsing, width: size, height: size) } + pad
    start += 8
  }
  return ContactSheet.grid(tiles, columns: 8, pad: 2)
}

/// One JSON object describing a sample (labels, latents, AUs, landmarks).
func synthJSONLine(_ s: FaceSample, index: Int, split: Split) -> String {
  func num(_ v: Float) -> String { String(format: "%.4f", v) }
  let name = String(format: "%06d.png", index)
  let attrs = Attribute.allCases.map { "\"\($0)\":\(num(s.attributes[$0.rawValue]))" }
  let labels = Attribute.allCases.map { "\"\($0)\":\(s.labels[$0.rawValue])" }
  let aus = zip(ActionUnits.numbers, s.actionUnits).map { "\"AU\($0)\":\(num($1))" }
  let marks = s.landmarks.map { "[\(num($0.x)),\(num($0.y))]" }
  let hair = Attribute.hairColours.first { s.labels[$0.rawValue] }.map { "\"\($0)\"" } ?? "null"
  return "{\"index\":\(index),\"file\":\"\(name)\",\"split\":\"\(split.rawValue)\","
    + "\"identity_seed\":\"\(s.identitySeed)\",\"variant\":\(s.params.variant),"
    + "\"expression\":\"\(s.expression)\",\"expression_id\":\(s.expression.rawValue),"
    + "\"intensity\":\(num(s.intensity)),\"sketch_style\":\"\(s.sketchStyle)\","
    + "\"decorrelated\":\(s.params.decorrelated),\"hair_colour\":\(hair),"
    + "\"attributes\":{\(attrs.joined(separator: ","))},"
    + "\"labels\":{\(labels.joined(separator: ","))},"
    + "\"action_units\":{\(aus.joined(separator: ","))},"
    + "\"landmarks\":[\(marks.joined(separator: ","))]}"
}

/// The data-set description written next to the labels.
func synthMeta(size: Int, split: Split, seed: UInt64, count: Int) -> String {
  let classes = ParsingMap.names.map { "\"\($0)\"" }.joined(separator: ",")
  let attrs = Attribute.allCases.map { "\"\($0)\"" }.joined(separator: ",")
  let exprs = FaceExpression.allCases.map { "\"\($0)\"" }.joined(separator: ",")
  return """
    {"generator":"FaceSynth","size":\(size),"split":"\(split.rawValue)","seed":\(seed),\
    "images":\(count),"parsing_classes":[\(classes)],"attributes":[\(attrs)],\
    "expressions":[\(exprs)],"landmarks":\(Landmarks.count),\
    "label_threshold":\(Attribute.threshold),"left_right":"image side"}

    """
}

func synthError(_ message: String) {
  FileHandle.standardError.write(Data("visage synth: \(message)\n".utf8))
}

/// Collects the first write error from concurrent workers.
final class SynthFailures: @unchecked Sendable {
  private let lock = NSLock()
  private var message: String?

  func record(_ m: String) {
    lock.lock()
    if message == nil { message = m }
    lock.unlock()
  }

  var first: String? {
    lock.lock()
    defer { lock.unlock() }
    return message
  }
}

/// A progress bar on stderr with rate and ETA.
final class SynthProgress {
  let total: Int
  let start = Date()

  init(total: Int) { self.total = total }

  func update(done: Int) {
    let elapsed = max(1e-6, Date().timeIntervalSince(start))
    let rate = Double(done) / elapsed
    let eta = rate > 0 ? Double(total - done) / rate : 0
    let width = 30
    let filled = total > 0 ? width * done / total : width
    let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
    let line = String(
      format: "\r[%@] %d/%d  %.1f img/s  ETA %@ ", bar, done, total, rate, format(eta))
    FileHandle.standardError.write(Data(line.utf8))
  }

  func finish() {
    let elapsed = Date().timeIntervalSince(start)
    FileHandle.standardError.write(Data("\ndone in \(format(elapsed))\n".utf8))
  }

  private func format(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return String(format: "%d:%02d", s / 60, s % 60)
  }
}
