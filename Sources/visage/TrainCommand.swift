// `visage train sargan|s2f`: trains a model with progress, logs, samples and exact resume.

import FaceSynth
import Foundation
import Imaging
import Models
import NN
import Tensor

nonisolated(unsafe) private var stopRequested = false

private func installStopHandler() {
  signal(SIGINT) { _ in stopRequested = true }
  signal(SIGTERM) { _ in stopRequested = true }
}

let trainUsage = """
  usage: visage train sargan [options]
         visage train s2f --variant dis|dec|sketch|layout [options]
         visage train judge [options]     (the evaluator network, on FaceSynth only)
  options:
    --steps N            total steps of the run (default 20000)
    --batch N            batch size (sargan 8, s2f 4)
    --threads N          threads for the engine (default: all cores or VISAGE_THREADS)
    --data SOURCE        synth (default), folders:DIR (sargan), celeba:DIR (s2f)
    --run DIR            run folder with the resumable state (default ~/.cache/visage/runs/NAME)
    --fresh              ignore an existing run state (start over or warm-start from --export)
    --export PATH        inference weights written at every checkpoint
                         (default assets/models/sargan.safetensors or s2fgan.safetensors)
    --checkpoint-seconds S   seconds between checkpoints (default 300)
    --sample-every N     steps between sample grids (default 250)
    --lr X               learning rate
    --adv X              adversarial loss weight (0 disables the discriminator for sargan)
    --pair-focus X       sargan: weight of the paired L1 inside the changed region (default 10)
    --pair-edges X       sargan: weight of an L1 on pixel differences inside the changed region
                         (thin lines such as wrinkles; default 0)
    --pair-lines X       sargan: weight of an L1 to the truth on the thin dark lines it draws
                         (frown and forehead lines; default 0)
    --cls X              sargan: expression classification weight (default 1)
    --focus-per-image    sargan: every image weighs the same in the changed-region loss
                         (default: every changed pixel of the batch does, so large changes
                         dominate)
    --canonical-targets  sargan: synthetic targets show each expression's canonical variant
                         (the identity's random variant, such as contempt's side, cannot be seen)
    --classifier         sargan with --adv 0: train the discriminator's expression classifier
                         and give the generator its classification loss (weight --cls)
    --target-weights W   sargan synth: sampling weights of target expressions, as
                         name=weight pairs (angry=3,sad=2); unnamed expressions weigh 1
    --face-weights W     sargan synth: sampling weights of source faces by the attributes
                         they show, as name=weight pairs (Young=2: faces labelled Young are
                         drawn twice as often); a face weighs the product of its attributes'
                         weights
    --blocks N           sargan: attention blocks of a new run (default 1); warm-starting
                         from fewer grows them, the new blocks starting as identity maps
    --skips              sargan: a new run's decoder also reads the encoder's features (U-Net
                         skips); warm-starting from weights without them adds them at zero
    --photo-only         s2f dis: train the backbone without the sketch path (photo encoder,
                         decoder, directions, image discriminator); the sketch encoder follows
                         later with --variant sketch
    --backdrop-weight X  s2f: weight of backdrop pixels in the image losses (default 0.25)
    --layout C           s2f: a spatial layout latent of C channels at 4×4 beside the global
                         latent (default 0, the paper's design; must match a resumed run)
    --layout-size S      s2f: side of the layout maps (4, 8, 16 or 32; default 4), taken from
                         the encoder stage of that size and added to the decoder at that size
    --standardize-sketch s2f: standardise each sketch before its encoder (a new run's config)
    --edit-focus X       s2f: weight of the edit image L1 inside the pixels the attribute
                         changes (default 0)
    --layout-edit W      s2f: a layout editor of hidden width W, so that edits move the layout
                         maps too (it trains with the backbone in --variant dis, or alone on a
                         trained backbone with --variant layout)
    --editor-lr X        s2f: learning rate of the layout editor (default: --lr)
    --layout-sketch X    s2f layout: share of each batch whose editor input is the sketch
                         latent (moved by the photo encoder's move of the real edit; default 0)
    --edit-latent X      s2f: weight of the edit latent loss (the photo latent of the paired
                         edited render against the edited latent; default 0)
    --sketch-structure X s2f: weight of the structure loss on the sketch path (standardised
                         luminance against the paired render; default 0)
    --sketch-image X     s2f sketch: weight of the image loss through the frozen decoder
                         (default 1; 0 = latent regression only)
  Stop with Ctrl-C: the run saves and exits; running the same command again resumes exactly.
  """

func runTrainCommand(_ words: [String]) throws -> Int32 {
  guard let which = words.first, ["sargan", "s2f", "judge"].contains(which) else {
    throw CLIError.usage(trainUsage)
  }
  let args = try Arguments(
    Array(words.dropFirst()),
    valued: [
      "steps", "batch", "threads", "data", "run", "export", "checkpoint-seconds", "sample-every",
      "lr", "adv", "pair-focus", "pair-edges", "pair-lines", "cls", "blocks", "variant", "seed",
      "backdrop-weight",
      "sketch-image", "layout", "layout-size", "edit-focus", "edit-latent", "layout-edit",
      "sketch-structure", "target-weights", "editor-lr", "face-weights", "layout-sketch",
    ],
    flags: [
      "fresh", "photo-only", "standardize-sketch", "focus-per-image", "canonical-targets",
      "classifier", "skips",
    ])
  Threads.configure(args.string("threads").flatMap(Int.init))
  installStopHandler()
  switch which {
  case "sargan": try trainSARGAN(args)
  case "s2f": try trainS2F(args)
  default: try trainJudge(args)
  }
  return 0
}

private func runSettings(_ args: Arguments, name: String) throws -> RunSettings {
  var s = RunSettings(directory: args.string("run") ?? RunSettings.defaultDirectory(name: name))
  s.checkpointSeconds = Double(try args.int("checkpoint-seconds", default: 300))
  s.sampleEvery = try args.int("sample-every", default: 250)
  return s
}

/// Cumulative training record carried from run to run in metadata.
struct TrainingRecord: Codable {
  var steps: Int
  var seconds: Double
  var data: String
  var batch: Int
  var threads: Int
  var updated: String
}

private func timestamp() -> String {
  ISO8601DateFormatter().string(from: Date())
}

/// Parses `--option name=weight,…` into one weight per name (1 for names not given).
func parseWeights(_ spec: String, names: [String], option: String, allowZero: Bool) throws
  -> [Float]
{
  var w = [Float](repeating: 1, count: names.count)
  for pair in spec.split(separator: ",") {
    let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
    guard parts.count == 2, let k = names.firstIndex(of: String(parts[0])),
      let v = Float(parts[1]), v.isFinite, allowZero ? v >= 0 : v > 0
    else {
      throw CLIError.usage(
        "--\(option) takes name=weight pairs (weights \(allowZero ? "≥" : ">") 0) with names "
          + "from: " + names.joined(separator: ", "))
    }
    w[k] = v
  }
  guard w.reduce(0, +) > 0 else { throw CLIError.usage("--\(option): all weights are 0") }
  return w
}

private func trainSARGAN(_ args: Arguments) throws {
  var o = SARGANOptions()
  o.steps = try args.int("steps", default: o.steps)
  o.batch = try args.int("batch", default: o.batch)
  o.learningRateG = try args.float("lr", default: o.learningRateG)
  o.learningRateD = o.learningRateG
  o.lambdaAdversarial = try args.float("adv", default: o.lambdaAdversarial)
  o.lambdaPairFocus = try args.float("pair-focus", default: o.lambdaPairFocus)
  if args.string("pair-edges") != nil {
    o.lambdaPairEdges = try args.float("pair-edges", default: 0)
  }
  if args.string("pair-lines") != nil {
    o.lambdaPairLines = try args.float("pair-lines", default: 0)
  }
  o.lambdaClassification = try args.float("cls", default: o.lambdaClassification)
  o.focusPerImage = args.has("focus-per-image")
  o.canonicalTargets = args.has("canonical-targets")
  if args.has("classifier") { o.classifier = true }
  let names = FaceExpression.allCases.map(\.description)
  if let spec = args.string("target-weights") {
    o.targetWeights = try parseWeights(
      spec, names: names, option: "target-weights", allowZero: true)
  }
  if let spec = args.string("face-weights") {
    o.faceWeights = try parseWeights(
      spec, names: Attribute.allCases.map(\.description), option: "face-weights",
      allowZero: false)
  }
  let dataSpec = args.string("data") ?? "synth"
  let source: ExpressionBatchSource
  if dataSpec == "synth" {
    source = SynthExpressionSource(
      threads: Threads.count, canonicalTargets: o.canonicalTargets, targetWeights: o.targetWeights,
      faceWeights: o.faceWeights)
  } else if dataSpec.hasPrefix("folders:") {
    source = try FolderExpressionSource(
      directory: String(dataSpec.dropFirst(8)), expressionNames: names)
  } else {
    throw CLIError.usage("--data for sargan is synth or folders:DIR")
  }
  let settings = try runSettings(args, name: "sargan")
  var config = SARGANConfig.lite(expressions: names.count)
  // A run continues with the network it was started with (older runs have no condition bias);
  // `--fresh` warm-starts today's network from the exported weights instead.
  if !args.has("fresh"), FileManager.default.fileExists(atPath: settings.statePath),
    let json = try SafetensorsFile.read(path: settings.statePath).metadata["config"],
    let stored = try? JSONDecoder().decode(SARGANConfig.self, from: Data(json.utf8)),
    stored != config
  {
    print("continuing with the run's stored network configuration (\(ModelStore.json(stored)))")
    config = stored
  }
  let export = args.string("export") ?? "assets/models/sargan.safetensors"
  let resumingRun =
    !args.has("fresh") && FileManager.default.fileExists(atPath: settings.statePath)
  // A warm start keeps the exported network's blocks and skips, so that a command without
  // `--blocks`/`--skips` does not start those parts of the shipped weights over.
  if !resumingRun, FileManager.default.fileExists(atPath: export),
    let json = try? SafetensorsFile.read(path: export).metadata["config"],
    let shipped = try? JSONDecoder().decode(SARGANConfig.self, from: Data(json.utf8))
  {
    config.attentionBlocks = max(config.attentionBlocks, shipped.attentionBlocks)
    config.skips = config.skips || shipped.skips
  }
  let blocks = try args.int("blocks", default: config.attentionBlocks)
  guard blocks >= 1 else { throw CLIError.usage("--blocks must be at least 1") }
  if blocks != config.attentionBlocks {
    guard !resumingRun else {
      throw CLIError.usage(
        "--blocks \(blocks) differs from the run's \(config.attentionBlocks) attention block(s); "
          + "start a new run with --fresh or --run DIR")
    }
    config.attentionBlocks = blocks
  }
  if args.has("skips") && !config.skips {
    guard !resumingRun else {
      throw CLIError.usage(
        "--skips: the run at \(settings.statePath) was started without skips; "
          + "start a new run with --fresh or --run DIR")
    }
    config.skips = true
  }
  let trainer = SARGANTrainer(config: config, options: o)
  let fresh = TrainingRecord.start(data: dataSpec, batch: o.batch)
  let keeper = RecordKeeper(
    base: try resumeOrWarmStart(
      args, settings: settings, export: export, fresh: fresh, step: { trainer.step },
      resume: { try trainer.resume(from: $0) },
      warmStart: { path in
        var (g, meta) = try ModelStore.loadSARGAN(path: path)
        var grown = g.config
        grown.attentionBlocks = max(grown.attentionBlocks, config.attentionBlocks)
        grown.skips = grown.skips || config.skips
        if grown != g.config && grown == config {
          var parts: [String] = []
          if g.config.attentionBlocks != config.attentionBlocks {
            parts.append(
              "growing \(g.config.attentionBlocks) attention block(s) to "
                + "\(config.attentionBlocks)")
          }
          if g.config.skips != config.skips { parts.append("adding the encoder skips") }
          print(
            "warm start: " + parts.joined(separator: " and ")
              + " (the new parts start as identity maps)")
          g = SARGANGenerator(growing: g, to: config)
        }
        adopt(g, into: trainer.generator, ema: trainer.ema)
        return meta
      }),
    firstStep: trainer.step)
  let currentRecord = keeper.record(at:)
  let columns = [
    "g_total", "g_pair", "g_focus", "g_edges", "g_lines", "g_adv", "g_cls", "g_cyc", "d_adv",
    "d_cls", "d_gp",
    "mask_mean",
  ]
  try runTraining(
    label: "sargan", from: trainer.step, steps: o.steps, settings: settings, columns: columns,
    train: { step in trainer.train(try source.batch(step: step, size: o.batch)) },
    save: { path, step in
      try trainer.checkpoint.save(
        path: path, step: step,
        metadata: [
          "config": ModelStore.json(config), "options": ModelStore.json(o),
          "record": ModelStore.json(currentRecord(step)),
        ])
    },
    sample: { path, _ in
      try PNGCodec.write(
        SampleGrids.sargan(trainer.averagedGenerator(), size: config.imageSize), to: path,
        overwrite: true)
    },
    onCheckpoint: { step in
      try ModelStore.save(
        trainer.averagedGenerator(), path: export,
        metadata: [
          "model": "sargan", "config": ModelStore.json(config), "options": ModelStore.json(o),
          "training": ModelStore.json(currentRecord(step)), "trained": "true",
        ])
    },
    shouldStop: { stopRequested })
  print("saved \(settings.statePath) and \(export)")
}

private func trainS2F(_ args: Arguments) throws {
  var o = S2FOptions()
  let variantName = args.string("variant") ?? "dis"
  let phase = ["sketch", "layout"].contains(variantName)
  guard let variant = phase ? .dis : EditVariant(rawValue: variantName) else {
    throw CLIError.usage("--variant is dis, dec, sketch or layout")
  }
  o.variant = variant
  o.sketchOnly = variantName == "sketch"
  if variantName == "layout" { o.layoutEditOnly = true }
  o.steps = try args.int("steps", default: o.steps)
  o.batch = try args.int("batch", default: o.batch)
  o.learningRate = try args.float("lr", default: o.learningRate)
  o.lambdaAdversarial = try args.float("adv", default: o.lambdaAdversarial)
  o.photoOnly = args.has("photo-only")
  o.backdropWeight = try args.float("backdrop-weight", default: o.backdropWeight)
  o.lambdaSketchPhaseImage = try args.float("sketch-image", default: o.lambdaSketchPhaseImage)
  o.lambdaSketchStructure = try args.float(
    "sketch-structure", default: o.lambdaSketchStructure)
  if args.string("edit-focus") != nil {
    o.lambdaEditFocus = try args.float("edit-focus", default: 0)
  }
  if args.string("editor-lr") != nil {
    o.layoutEditorLearningRate = try args.float("editor-lr", default: 0)
  }
  if args.string("layout-sketch") != nil {
    o.layoutSketchShare = try args.float("layout-sketch", default: 0)
    guard (0...1).contains(o.layoutSketchShare ?? 0) else {
      throw CLIError.usage("--layout-sketch is a share of the batch in [0, 1]")
    }
  }
  if args.string("edit-latent") != nil {
    o.lambdaEditLatent = try args.float("edit-latent", default: 0)
  }
  if o.photoOnly && (variant != .dis || o.sketchOnly) {
    throw CLIError.usage("--photo-only trains the dis backbone (use it with --variant dis)")
  }
  let names = Attribute.allCases.map(\.description)
  let dataSpec = args.string("data") ?? "synth"
  let source: FaceBatchSource
  if dataSpec == "synth" {
    source = SynthFaceSource(threads: Threads.count)
  } else if dataSpec.hasPrefix("celeba:") {
    source = try CelebASource(directory: String(dataSpec.dropFirst(7)), attributeNames: names)
  } else {
    throw CLIError.usage("--data for s2f is synth or celeba:DIR")
  }
  let config = S2FConfig.small(
    attributes: names.count, layoutChannels: try args.int("layout", default: 0),
    layoutSize: try args.int("layout-size", default: 4),
    standardizeSketch: args.has("standardize-sketch"),
    layoutEditWidth: try args.int("layout-edit", default: 0))
  if o.layoutEditOnly == true && (config.layoutChannels == 0 || config.layoutEditWidth == 0) {
    throw CLIError.usage("--variant layout needs --layout C and --layout-edit W")
  }
  guard config.layoutChannels == 0 || config.layoutSizeIsValid else {
    throw CLIError.usage(
      "--layout-size must be a power of two from 4 to a quarter of the image (4–32 at 128×128)")
  }
  let trainer = S2FTrainer(config: config, options: o)
  let settings = try runSettings(args, name: "s2fgan")
  let export = args.string("export") ?? "assets/models/s2fgan.safetensors"
  let fresh = TrainingRecord.start(data: dataSpec, batch: o.batch)
  let keeper = RecordKeeper(
    base: try resumeOrWarmStart(
      args, settings: settings, export: export, fresh: fresh, step: { trainer.step },
      resume: { try trainer.resume(from: $0) },
      warmStart: { path in
        let (m, meta) = try ModelStore.loadS2FGAN(path: path)
        adopt(m, into: trainer.model, ema: trainer.ema)
        return meta
      }),
    firstStep: trainer.step)
  let currentRecord = keeper.record(at:)
  let columns = [
    "rec_l1", "sketch_l1", "edit_l1", "sketch_lat", "cls_mse", "ortho", "domain", "fm", "g_adv",
    "d_loss", "r1", "edit_score", "lat_cycle", "sketch_mse", "sketch_struct", "edit_focus",
    "edit_lat", "layout_edit", "layout_keep",
  ]
  try runTraining(
    label: "s2f-\(variantName)", from: trainer.step, steps: o.steps, settings: settings,
    columns: columns,
    train: { step in trainer.train(try source.batch(step: step, size: o.batch)) },
    save: { path, step in
      try trainer.checkpoint.save(
        path: path, step: step,
        metadata: [
          "config": ModelStore.json(config), "options": ModelStore.json(o),
          "record": ModelStore.json(currentRecord(step)),
        ])
    },
    sample: { path, _ in
      try PNGCodec.write(
        SampleGrids.s2f(trainer.averagedModel(), size: config.imageSize, variant: variant),
        to: path,
        overwrite: true)
    },
    onCheckpoint: { step in
      try ModelStore.save(
        trainer.averagedModel(), path: export,
        metadata: [
          "model": "s2fgan", "config": ModelStore.json(config), "options": ModelStore.json(o),
          "training": ModelStore.json(currentRecord(step)), "trained": "true",
          "attributes": names.joined(separator: ","),
        ])
    },
    shouldStop: { stopRequested })
  print("saved \(settings.statePath) and \(export)")
}

private func trainJudge(_ args: Arguments) throws {
  var o = JudgeOptions()
  o.steps = try args.int("steps", default: o.steps)
  o.batch = try args.int("batch", default: o.batch)
  o.learningRate = try args.float("lr", default: o.learningRate)
  let trainer = JudgeTrainer(options: o)
  let source = JudgeBatchSource(options: o, threads: Threads.count)
  let settings = try runSettings(args, name: "judge")
  let export = args.string("export") ?? "assets/models/judge.safetensors"
  let fresh = TrainingRecord.start(data: "synth", batch: o.batch)
  let base = try resumeOrWarmStart(
    args, settings: settings, export: export, fresh: fresh, step: { trainer.step },
    resume: { try trainer.resume(from: $0) },
    warmStart: { path in
      let (j, meta) = try ModelStore.loadJudge(path: path)
      guard j.parameters.map(\.shape) == trainer.judge.parameters.map(\.shape) else {
        throw CLIError.usage(
          "\(path) has another number of identity classes; start with --fresh and another --export")
      }
      adopt(j, into: trainer.judge, ema: nil)
      return meta
    })
  let keeper = RecordKeeper(base: base, firstStep: trainer.step)
  let record = keeper.record(at:)
  try runTraining(
    label: "judge", from: trainer.step, steps: o.steps, settings: settings,
    columns: ["attr_bce", "expr_ce", "id_ce"],
    train: { step in trainer.train(source.batch(step: step)) },
    save: { path, step in
      try trainer.checkpoint.save(
        path: path, step: step,
        metadata: ["options": ModelStore.json(o), "record": ModelStore.json(record(step))])
    },
    sample: { _, _ in },
    onCheckpoint: { step in
      try ModelStore.save(
        trainer.judge, path: export,
        metadata: [
          "model": "judge", "options": ModelStore.json(o),
          "training": ModelStore.json(record(step)),
          "trained": "true",
        ])
    },
    shouldStop: { stopRequested })
  print("saved \(settings.statePath) and \(export)")
}

extension TrainingRecord {
  /// The record of a run that starts from nothing.
  static func start(data: String, batch: Int) -> TrainingRecord {
    TrainingRecord(
      steps: 0, seconds: 0, data: data, batch: batch, threads: Threads.count,
      updated: timestamp())
  }
}

/// Copies shipped weights into a trainer's model and its EMA shadow, if any (warm start), by name.
///
/// The EMA shadows follow `target.parameters`. Parameters the file lacks keep their initial
/// values and are listed, so that a model that gained layers can warm-start from older weights;
/// parameters of the file that the configuration lacks are listed as dropped.
/// (Such layers start as initialised, not neutral: SARGAN's condition maps, for one, are random
/// draws, so a generator trained without them changes at the first step.)
private func adopt(_ source: Module, into target: Module, ema: EMA?) {
  let loaded = Dictionary(source.namedParameters, uniquingKeysWith: { a, _ in a })
  var fresh: [String] = []
  for (i, (name, p)) in target.namedParameters.enumerated() {
    guard let w = loaded[name], w.shape == p.shape else {
      fresh.append(name)
      continue
    }
    p.assign(w)
    ema?.shadow[i].assign(w)
  }
  let used = Set(target.namedParameters.map(\.0))
  let dropped = source.namedParameters.map(\.0).filter { !used.contains($0) }
  if !dropped.isEmpty {
    // Say so: the next export overwrites the file without them.
    print(
      "warm start: \(dropped.count) parameter(s) of the file are not in this configuration and "
        + "are dropped (check --layout, --layout-size, --layout-edit): "
        + dropped.joined(separator: ", "))
  }
  if !fresh.isEmpty {
    print(
      "warm start: \(fresh.count) parameter(s) not in the file start fresh: "
        + fresh.joined(separator: ", "))
  }
}

/// The cumulative training record of a run, carried across resumes and warm starts.
struct RecordKeeper {
  let base: TrainingRecord
  let firstStep: Int
  let start = Date()

  /// The record after `step` steps of this process (steps and seconds added to the base).
  func record(at step: Int) -> TrainingRecord {
    var r = base
    r.steps = base.steps + (step - firstStep)
    r.seconds = base.seconds + Date().timeIntervalSince(start)
    r.updated = timestamp()
    return r
  }

  /// `record` with at least `step` steps: a state written without a record (or with a record
  /// that missed earlier phases) cannot have trained for fewer steps than its step counter.
  static func consistent(_ record: TrainingRecord, step: Int) -> TrainingRecord {
    var r = record
    r.steps = max(r.steps, step)
    return r
  }

  /// Decodes a record stored as JSON metadata.
  static func decode(_ json: String?) -> TrainingRecord? {
    json.flatMap { try? JSONDecoder().decode(TrainingRecord.self, from: Data($0.utf8)) }
  }
}

/// Resumes the run folder's state (exact), or warm-starts from the exported weights, or starts
/// fresh; returns the record to continue from.
///
/// `resume(path)` loads a full state; `warmStart(path)` loads inference weights and returns
/// their metadata.
private func resumeOrWarmStart(
  _ args: Arguments, settings: RunSettings, export: String, fresh: TrainingRecord,
  step: () -> Int, resume: (String) throws -> Void,
  warmStart: (String) throws -> [String: String]
) throws -> TrainingRecord {
  let fm = FileManager.default
  if !args.has("fresh"), fm.fileExists(atPath: settings.statePath) {
    try resume(settings.statePath)
    let meta = try SafetensorsFile.read(path: settings.statePath).metadata
    print("resuming \(settings.statePath) at step \(step())")
    return RecordKeeper.consistent(RecordKeeper.decode(meta["record"]) ?? fresh, step: step())
  }
  if fm.fileExists(atPath: export) {
    let record = RecordKeeper.decode(try warmStart(export)["training"]) ?? fresh
    print(
      "warm start from \(export) (\(record.steps) steps trained before); optimizer state is new")
    return record
  }
  return fresh
}
