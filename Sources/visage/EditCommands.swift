// `visage edit`, `visage script`, `visage replay` and `visage bench ui`.

import Foundation
import Imaging
import Studio
import TUI

/// Prints one error line to stderr.
private func editError(_ text: String) {
  FileHandle.standardError.write(Data("visage: \(text)\n".utf8))
}

/// `visage edit [FILE] [--keys '…'] [--graphics=MODE] [--cell-size=WxH] [--models DIR]`.
func runEditCommand(_ args: [String]) -> Int32 {
  var options = EditorOptions()
  var i = 0
  while i < args.count {
    let a = args[i]
    func value(_ name: String) -> String? {
      if a.hasPrefix("--\(name)=") { return String(a.dropFirst(name.count + 3)) }
      if a == "--\(name)", i + 1 < args.count {
        i += 1
        return args[i]
      }
      return nil
    }
    if let k = value("keys") {
      do {
        options.keys = try KeyNotation.parse(k)
      } catch {
        editError("bad --keys: \(error)")
        return 2
      }
    } else if let g = value("graphics") {
      guard let m = GraphicsMode(argument: g) else {
        editError("--graphics must be sixel, kitty, truecolor, 256 or ascii, got '\(g)'")
        return 2
      }
      options.graphics = m
    } else if let c = value("cell-size") {
      guard let size = CellSize(parsing: c) else {
        editError("--cell-size must look like 10x20, got '\(c)'")
        return 2
      }
      options.cellSize = size
    } else if let m = value("models") {
      options.modelDirectory = m
    } else if a == "--help" || a == "-h" {
      print(
        "usage: visage edit [FILE] [--keys '<Right>:save out.png<CR>q'] "
          + "[--graphics=sixel|truecolor|256|ascii] [--cell-size=WxH] [--models DIR]")
      return 0
    } else if a.hasPrefix("-") {
      editError("unknown option '\(a)' for edit")
      return 2
    } else if options.file == nil {
      options.file = a
    } else {
      editError("edit takes one file, got '\(options.file!)' and '\(a)'")
      return 2
    }
    i += 1
  }
  return EditorApp.run(options)
}

/// `visage script FILE [--models DIR]`: runs editing commands without a terminal.
func runScriptCommand(_ args: [String]) -> Int32 {
  var file: String?
  var models: String?
  var i = 0
  while i < args.count {
    if args[i] == "--models", i + 1 < args.count {
      models = args[i + 1]
      i += 1
    } else if args[i].hasPrefix("--models=") {
      models = String(args[i].dropFirst(9))
    } else if file == nil {
      file = args[i]
    } else {
      editError("usage: visage script FILE [--models DIR]")
      return 2
    }
    i += 1
  }
  guard let file else {
    editError("usage: visage script FILE [--models DIR]   (FILE - reads stdin)")
    return 2
  }
  let renderer = ModelRenderer(directory: models ?? ModelRenderer.defaultDirectory())
  for p in renderer.status.problems { editError("warning: \(p)") }
  let session = Session(renderer: renderer, macros: MacroStore())
  let runner = ScriptRunner(session: session)
  do {
    if file == "-" {
      var text = ""
      while let line = readLine(strippingNewline: false) { text += line }
      try runner.run(text, name: "stdin")
    } else {
      try runner.run(path: file)
    }
    return 0
  } catch {
    editError("\(error)")
    return 1
  }
}

/// `visage replay IN.png [--out OUT.png] [--models DIR]`: re-renders a saved edit.
func runReplayCommand(_ args: [String]) -> Int32 {
  var input: String?
  var output: String?
  var models: String?
  var i = 0
  while i < args.count {
    let a = args[i]
    if (a == "--out" || a == "--models"), i + 1 < args.count {
      if a == "--out" { output = args[i + 1] } else { models = args[i + 1] }
      i += 1
    } else if a.hasPrefix("--out=") {
      output = String(a.dropFirst(6))
    } else if a.hasPrefix("--models=") {
      models = String(a.dropFirst(9))
    } else if input == nil && !a.hasPrefix("-") {
      input = a
    } else {
      editError("usage: visage replay IN.png [--out OUT.png] [--models DIR]")
      return 2
    }
    i += 1
  }
  guard let input else {
    editError("usage: visage replay IN.png [--out OUT.png] [--models DIR]")
    return 2
  }
  let renderer = ModelRenderer(directory: models ?? ModelRenderer.defaultDirectory())
  do {
    let r = try Recipe.reproduce(path: input, renderer: renderer)
    if let output {
      let text = try PNGCodec.readText(path: input)
      try PNGCodec.write(r.image, to: output, text: text, overwrite: false)
      print("wrote \(output)")
    }
    if r.modelsChanged {
      print(
        "note: the weights changed since \(input) was saved (then: \(r.savedModels); now: "
          + "\(renderer.status.summary))")
    }
    for n in r.notes { print("note: \(n)") }
    if r.maxDifference == 0 {
      print("replay: identical to \(input)")
      return 0
    }
    print("replay: differs from \(input) by up to \(r.maxDifference)/255 per sample")
    return r.modelsChanged ? 0 : 1
  } catch {
    editError("\(error)")
    return 1
  }
}

/// `visage bench ui`: median time from a slider key press to the updated preview.
func runUIBenchmark() -> String {
  UIBenchmark.run()
}
