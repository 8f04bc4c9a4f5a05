// Editing, undo/redo, saving and replaying through a session with a stub renderer.

import FaceSynth
import Imaging
import Models
import Studio
import XCTest

final class SessionTests: XCTestCase {
  func testUndoRedo() throws {
    let dir = TempDir()
    let s = Session(renderer: StubRenderer())
    try s.run("open \(dir.sketch())")
    try s.run("set smiling 0.6")
    try s.run("set smiling 0.8")
    try s.run("expr happy 0.5")
    XCTAssertEqual(s.state.target(.smiling), 0.8)
    try s.run("undo")
    XCTAssertNil(s.state.expression)
    try s.run("undo")
    XCTAssertEqual(s.state.target(.smiling), 0.6)
    try s.run("redo")
    XCTAssertEqual(s.state.target(.smiling), 0.8)
    try s.run("set male -1")
    XCTAssertThrowsError(try s.run("redo"))  // a new change clears redo
    try s.run("undo")
    try s.run("undo")
    try s.run("undo")
    XCTAssertNil(s.state.target(.smiling))
    XCTAssertNotNil(s.source)  // the first open is where history starts
    XCTAssertThrowsError(try s.run("undo")) { XCTAssertEqual("\($0)", "nothing to undo") }
  }

  func testAddStartsFromTheModelScore() throws {
    let dir = TempDir()
    let s = Session(renderer: StubRenderer())
    try s.run("open \(dir.sketch())")
    try s.run("add smiling 0.05")  // stub scores are 0.2
    XCTAssertEqual(s.state.target(.smiling), 0.25)
    try s.run("add smiling 0.05")
    try s.run("add smiling 0.05")
    XCTAssertEqual(s.state.target(.smiling), 0.35)
    try s.run("add smiling 2")
    XCTAssertEqual(s.state.target(.smiling), 1)
  }

  func testEditsNeedASource() {
    let s = Session(renderer: StubRenderer())
    XCTAssertThrowsError(try s.run("set smiling 0.5")) {
      XCTAssertTrue("\($0)".contains("no source"))
    }
    XCTAssertThrowsError(try s.run("open /nonexistent/x.png")) {
      XCTAssertTrue("\($0)".hasPrefix("cannot open"))
    }
  }

  func testSaveRefusesToOverwriteAndStoresTheRecipe() throws {
    let dir = TempDir()
    let s = Session(renderer: StubRenderer())
    try s.run("open \(dir.photo())")
    XCTAssertEqual(s.source?.kind, .photo)
    try s.run("crop 4 2 30 30")
    try s.run("set smiling 0.5")
    try s.run("expr sad 0.4")
    let out = dir.path + "/out.png"
    try s.run("save \(out)")
    XCTAssertThrowsError(try s.run("save \(out)")) { XCTAssertTrue("\($0)".contains("save!")) }
    try s.run("save! \(out)")
    let text = try PNGCodec.readText(path: out)
    let recipe = try EditState(json: XCTUnwrap(text[Recipe.recipeKey]))
    XCTAssertEqual(recipe, s.state)
    XCTAssertEqual(text[Recipe.modelsKey], "s2f 10 steps · sargan 20 steps")
    XCTAssertTrue(text[Recipe.scriptKey]!.contains("expr sad 0.4"))
    let saved = try PNGCodec.read(path: out)
    XCTAssertEqual(saved.pixels[1], 0.75, accuracy: 0.01)  // green = (0.5 + 1) / 2
    XCTAssertEqual(saved.pixels[2], 0.4, accuracy: 0.01)

    let replay = try Recipe.reproduce(path: out, renderer: StubRenderer())
    XCTAssertEqual(replay.maxDifference, 0)
    XCTAssertFalse(replay.modelsChanged)
  }

  func testReplayWithoutRecipeFails() throws {
    let dir = TempDir()
    XCTAssertThrowsError(try Recipe.reproduce(path: dir.sketch(), renderer: StubRenderer())) {
      XCTAssertTrue("\($0)".contains("no visage recipe"))
    }
  }

  func testFirstOpenIsNotUndoableButLaterOpensAre() throws {
    let dir = TempDir()
    let s = Session(renderer: StubRenderer())
    try s.run("open \(dir.sketch())")
    let first = try XCTUnwrap(s.state.sourcePath)
    XCTAssertEqual(s.undoDepth, 0)
    XCTAssertThrowsError(try s.run("undo")) { XCTAssertTrue("\($0)".contains("nothing to undo")) }
    XCTAssertEqual(s.state.sourcePath, first)
    try s.run("open \(dir.sketch("second.png"))")
    XCTAssertNotEqual(s.state.sourcePath, first)
    XCTAssertEqual(s.undoDepth, 1)
    try s.run("undo")
    XCTAssertEqual(s.state.sourcePath, first)

    // Settings changed before any file is open are not history either.
    let t = Session(renderer: StubRenderer())
    try t.run("variant dec")
    try t.run("open \(dir.sketch("third.png"))")
    XCTAssertEqual(t.undoDepth, 0)
    XCTAssertEqual(t.state.variant, .dec)
    XCTAssertThrowsError(try t.run("undo"))
  }

  func testGestureIsOneUndoStep() throws {
    let dir = TempDir()
    let s = Session(renderer: StubRenderer())
    try s.run("open \(dir.sketch())")
    let start = s.state
    for v in stride(from: Float(0), through: 0.9, by: 0.1) { try s.preview(.set(.young, v)) }
    s.commit(.set(.young, 0.9), from: start)
    XCTAssertEqual(s.undoDepth, 1)
    try s.run("undo")
    XCTAssertNil(s.state.target(.young))
  }

  func testKindGuess() throws {
    let dir = TempDir()
    XCTAssertEqual(try Image.read(dir.sketch()).kindGuess, .sketch)
    XCTAssertEqual(try Image.read(dir.photo()).kindGuess, .photo)
  }
}

extension Image {
  fileprivate static func read(_ p: String) throws -> Image { try ImageIO.read(path: p) }
  fileprivate var kindGuess: SourceKind { SourceKind.guess(self) }
}
