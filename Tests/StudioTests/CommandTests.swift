// Parsing and printing editing commands.

import FaceSynth
import Models
import Studio
import XCTest

final class CommandTests: XCTestCase {
  func testParsesEveryForm() throws {
    XCTAssertEqual(try Command.parse("open a b.png"), .open(path: "a b.png", kind: nil))
    XCTAssertEqual(try Command.parse("open --as=photo x.jpg"), .open(path: "x.jpg", kind: .photo))
    XCTAssertEqual(try Command.parse("set smiling 0.6"), .set(.smiling, 0.6))
    XCTAssertEqual(try Command.parse("SET No_Beard -1"), .set(.noBeard, -1))
    XCTAssertEqual(try Command.parse("set nobeard 1"), .set(.noBeard, 1))
    XCTAssertEqual(try Command.parse("set gray-hair 0.5"), .set(.grayHair, 0.5))
    XCTAssertEqual(try Command.parse("add smi 0.05"), .add(.smiling, 0.05))
    XCTAssertEqual(try Command.parse("expr happy 0.8"), .expression(.happy, 0.8))
    XCTAssertEqual(try Command.parse("expr surp"), .expression(.surprised, nil))
    XCTAssertEqual(try Command.parse("expr none"), .noExpression)
    XCTAssertEqual(try Command.parse("intensity 0.25"), .intensity(0.25))
    XCTAssertEqual(try Command.parse("variant dec"), .variant(.dec))
    XCTAssertEqual(try Command.parse("reset"), .resetAll)
    XCTAssertEqual(try Command.parse("reset smiling"), .clear(.smiling))
    XCTAssertEqual(try Command.parse("reset expr"), .noExpression)
    XCTAssertEqual(
      try Command.parse("crop 1 2 30 40"), .crop(CropRect(x: 1, y: 2, width: 30, height: 40)))
    XCTAssertEqual(try Command.parse("crop off"), .uncrop)
    XCTAssertEqual(try Command.parse("save out.png"), .save(path: "out.png", overwrite: false))
    XCTAssertEqual(try Command.parse("save! out.png"), .save(path: "out.png", overwrite: true))
    XCTAssertEqual(try Command.parse("w out.png"), .save(path: "out.png", overwrite: false))
    XCTAssertEqual(try Command.parse("undo"), .undo)
    XCTAssertEqual(try Command.parse("redo"), .redo)
    XCTAssertEqual(try Command.parse("play a 3"), .play(register: "a", count: 3))
    XCTAssertEqual(try Command.parse("quit"), .quit)
    XCTAssertNil(try Command.parse("   "))
    XCTAssertNil(try Command.parse("# comment"))
  }

  func testTextRoundTrips() throws {
    let commands: [Command] = [
      .open(path: "/tmp/a b.png", kind: nil), .open(path: "p.png", kind: .sketch),
      .set(.smiling, 0.6), .set(.bigNose, -0.35), .add(.young, -0.05), .clear(.male), .resetAll,
      .expression(.angry, 0.8), .expression(.sad, nil), .noExpression, .intensity(0.5),
      .variant(.dec), .crop(CropRect(x: 0, y: 5, width: 10, height: 12)), .uncrop,
      .save(path: "o.png", overwrite: true), .undo, .redo, .play(register: "z", count: 2),
      .reload, .quit,
    ]
    for c in commands {
      XCTAssertEqual(try Command.parse(c.text), c, c.text)
    }
  }

  func testErrorsAreOneLine() {
    for bad in [
      "set smiling", "set smiling 2", "set frowning 0.5", "expr grumpy", "variant xyz",
      "crop 1 2 3", "crop -1 0 5 5", "open", "play A", "intensity 1.5", "frobnicate",
    ] {
      XCTAssertThrowsError(try Command.parse(bad), bad) { error in
        let text = "\(error)"
        XCTAssertFalse(text.isEmpty)
        XCTAssertFalse(text.contains("\n"), text)
      }
    }
  }

  func testStateJSONRoundTrip() throws {
    var s = EditState()
    s.sourcePath = "/x/y.png"
    s.sourceKind = .photo
    s.crop = CropRect(x: 1, y: 2, width: 3, height: 4)
    s.targets[Attribute.smiling.rawValue] = 0.6
    s.targets[Attribute.grayHair.rawValue] = -0.25
    s.variant = .dec
    s.expression = .happy
    s.intensity = 0.75
    XCTAssertEqual(try EditState(json: s.json), s)
    XCTAssertTrue(s.json.contains("\"Smiling\":0.6"), s.json)
  }
}
