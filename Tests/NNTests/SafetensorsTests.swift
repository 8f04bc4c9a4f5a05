// Safetensors round trips and rejection of corrupt files.

import NN
import Tensor
import TestSupport
import XCTest

final class SafetensorsTests: XCTestCase {
  func header(_ json: String, data: Int) -> [UInt8] {
    var h = Array(json.utf8)
    var out: [UInt8] = []
    let n = UInt64(h.count)
    for k in 0..<8 { out.append(UInt8((n >> (8 * UInt64(k))) & 0xFF)) }
    out += h
    h = []
    return out + [UInt8](repeating: 0, count: data)
  }

  func testRoundTripF32AndF16WithMetadata() throws {
    let a = Tensor([1, -2.5, 3.25, 0], shape: [2, 2])
    let b = Tensor([0.1], shape: [])
    let file = SafetensorsFile(
      tensors: [("a", a), ("b.c", b)], metadata: ["format": "pt", "note": "é\"q"])
    let back = try SafetensorsFile.decode(file.encode())
    XCTAssertEqual(back["a"]?.scalars, a.scalars)
    XCTAssertEqual(back["b.c"]?.shape, [])
    XCTAssertEqual(back.metadata, file.metadata)
    let half = try SafetensorsFile.decode(file.encode(dtype: .f16))
    XCTAssertEqual(half["a"]?.scalars, a.scalars)  // exactly representable in F16
    let bf = try SafetensorsFile.decode(file.encode(dtype: .bf16))
    XCTAssertEqual(bf["a"]?.scalars, a.scalars)
  }

  func testCorruptFilesGiveTypedErrors() {
    let good = SafetensorsFile(tensors: [("w", Tensor([1, 2, 3, 4], shape: [4]))]).encode()
    let cases: [([UInt8], String)] = [
      (Array(good.prefix(5)), "truncated before header length"),
      (Array(good.prefix(good.count - 3)), "truncated data"),
      ([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] + Array(good[8...]), "huge header length"),
      (
        header(
          #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
          data: 12), "overlap"
      ),
      (header(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: 8), "hole"),
      (
        header(
          #"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#, data: 8),
        "overflow"
      ),
      (
        header(
          #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
          data: 8), "duplicate"
      ),
      (header(#"{"a":{"dtype":"I8","shape":[4],"data_offsets":[0,4]}}"#, data: 4), "dtype"),
      (
        header(
          #"{"__metadata__":{"k":1},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: 4
        ), "metadata"
      ),
      (
        header(#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: 4), "negative dim"
      ),
      (header(#"{"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}"#, data: 4), "float dim"),
      (
        header(#" {"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: 4),
        "leading space"
      ),
      (
        header(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, data: 4), "size mismatch"
      ),
      (
        header(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":[]}}"#, data: 4),
        "extra field"
      ),
    ]
    for (bytes, what) in cases {
      XCTAssertThrowsError(try SafetensorsFile.decode(bytes), what) { error in
        XCTAssertTrue(error is SafetensorsError, what)
        XCTAssertFalse(String(describing: error).isEmpty)
      }
    }
  }

  func testRandomByteFlipsNeverTrap() {
    let good = SafetensorsFile(
      tensors: [("w", Tensor([1, 2, 3, 4], shape: [2, 2]))], metadata: ["a": "b"]
    ).encode()
    var rng = SplitMix64(seed: 5)
    for _ in 0..<300 {
      var b = good
      let i = Int(rng.next() % UInt64(b.count))
      b[i] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
      _ = try? SafetensorsFile.decode(b)
    }
  }

  func testStrictLoadReportsEverythingTogether() throws {
    var rng = SplitMix64(seed: 1)
    let layer = Linear(3, 2, rng: &rng)
    let file = SafetensorsFile(tensors: [
      ("weight", Tensor(zeros: [2, 4])), ("extra", Tensor(zeros: [1])),
    ])
    XCTAssertThrowsError(try layer.load(file)) { error in
      let e = error as! ParameterLoadError
      XCTAssertEqual(e.missing, ["bias"])
      XCTAssertEqual(e.unexpected, ["extra"])
      XCTAssertEqual(e.mismatched.count, 1)
    }
    let other = Linear(3, 2, rng: &rng)
    try other.load(layer.stateFile())
    XCTAssertEqual(other.weight.scalars, layer.weight.scalars)
  }
}
