// The visage command: editor, image viewer, data synthesis, training, evaluation, benchmarks.

import Foundation
import Imaging
import Tensor

let usage = """
  visage — a terminal face editor

  usage: visage <command> [options]
    edit [FILE]          open the editor on a sketch or photo
    script FILE          run an editing script without a terminal
    replay IN.png        reproduce a saved edit from its recipe
    view FILE…           show images in the terminal
    synth                render FaceSynth faces, sketches and labels
    train sargan|s2f|judge  train a model (resumable; see visage train --help)
    eval judge|s2f|sargan   measure a model on held-out identities (docs/results.md)
    calibrate s2f        store the S2F sliders' layout gains in the weight file
    bench engine|models|terminal|ui|step   time the engine, networks, terminal, editor, one trainer
    help                 this text
  """

tuneOpenBLASCore()

let argv = Array(CommandLine.arguments.dropFirst())
let command = argv.first ?? "help"
let rest = Array(argv.dropFirst())
do {
  let status: Int32
  switch command {
  case "edit":
    status = runEditCommand(rest)
  case "script":
    status = runScriptCommand(rest)
  case "replay":
    status = runReplayCommand(rest)
  case "view":
    status = runViewCommand(rest)
  case "synth":
    status = runSynthCommand(rest)
  case "train":
    status = try subcommand(rest, usage: trainUsage, runTrainCommand)
  case "eval":
    status = try subcommand(rest, usage: evalUsage, runEvalCommand)
  case "calibrate":
    status = try subcommand(rest, usage: calibrateUsage, runCalibrateCommand)
  case "bench":
    switch rest.first {
    case "engine":
      print(runEngineBenchmark(threads: [1, 2]))
    case "models":
      print(runModelBenchmark(threads: [1, 2], reps: 15))
    case "terminal":
      print(TerminalBench.run())
    case "ui":
      print(runUIBenchmark())
    case "step":
      let args = try Arguments(Array(rest.dropFirst(2)), valued: ["steps", "threads"])
      guard rest.count >= 2, ["sargan", "s2f"].contains(rest[1]) else {
        throw CLIError.usage("usage: visage bench step sargan|s2f [--steps N] [--threads T]")
      }
      print(
        runStepBenchmark(
          model: rest[1], steps: try args.int("steps", default: 5),
          threads: try args.int("threads", default: 1)))
    default:
      throw CLIError.usage("usage: visage bench engine|models|terminal|ui|step")
    }
    status = 0
  case "help", "--help", "-h":
    print(usage)
    status = 0
  default:
    throw CLIError.usage("unknown command '\(command)'\n" + usage)
  }
  exit(status)
} catch let e as CLIError {
  FileHandle.standardError.write("visage: \(e)\n".data(using: .utf8)!)
  if case .usage = e { exit(2) }
  exit(1)
} catch {
  FileHandle.standardError.write("visage: \(error)\n".data(using: .utf8)!)
  exit(1)
}
