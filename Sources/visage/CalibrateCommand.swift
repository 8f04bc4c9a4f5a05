// `visage calibrate s2f`: stores the layout editor's slider gains in a weight file.

import FaceSynth
import Foundation
import Models
import NN
import Tensor

let calibrateUsage = """
  usage: visage calibrate s2f [--weights PATH] [--faces N] [--max-gain X] [--threads N]
    Measures, on validation faces, how far each attribute's edit moves the layout maps along
    the real change, and stores per-attribute gains (1 to --max-gain, default 3) in the
    weight file's configuration, so that the sliders go the whole way. --max-gain 1 removes
    them. Run it again after every training export (training drops the gains).
    --weights PATH   default assets/models/s2fgan.safetensors
    --faces N        validation identities (default 48)
  """

func runCalibrateCommand(_ words: [String]) throws -> Int32 {
  guard words.first == "s2f" else { throw CLIError.usage(calibrateUsage) }
  let args = try Arguments(
    Array(words.dropFirst()), valued: ["weights", "faces", "max-gain", "threads"])
  Threads.configure(args.string("threads").flatMap(Int.init))
  let path = args.string("weights") ?? "assets/models/s2fgan.safetensors"
  let faces = try args.int("faces", default: 48)
  let maxGain = try args.float("max-gain", default: 3)
  guard faces >= 2, maxGain >= 1, maxGain.isFinite else {
    throw CLIError.usage("--faces is at least 2 and --max-gain at least 1")
  }
  let (m, _) = try ModelStore.loadS2FGAN(path: path)
  guard m.layoutEditor != nil else {
    throw CLIError.usage("\(path) has no layout editor: there is nothing to calibrate")
  }
  let names = Attribute.allCases.map(\.description)
  let bar = ProgressBar(total: m.config.attributeCount, label: "calibrate")
  let rows = LayoutEditCalibration.run(
    model: m, faces: faces, maxGain: maxGain, threads: Threads.count
  ) { bar.update($0) }
  var config = m.config
  config.layoutEditGains = maxGain > 1 ? rows.map(\.gain) : nil
  var table = "| attribute | move | alignment | covered | gain |\n|---|---:|---:|---:|---:|\n"
  for (j, row) in rows.enumerated() {
    table += String(
      format: "| %@ | %.2f | %.2f | %.2f | %.2f |\n", names[j], row.move.ratio,
      row.move.alignment, row.move.ratio * row.move.alignment, row.gain)
  }
  var file = try SafetensorsFile.read(path: path)
  file.metadata["config"] = ModelStore.json(config)
  file.metadata["calibration"] = ModelStore.json(
    ["faces": "\(faces)", "max_gain": "\(maxGain)", "split": "val"])
  try file.write(path: path, dtype: .f16)
  print(table, terminator: "")
  print("wrote the gains into \(path)")
  return 0
}
