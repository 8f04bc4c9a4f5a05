// Deterministic random batches so model tests run without rendering faces.

import Models
import Tensor
import XCTest

/// Random face batches that depend only on the step.
struct FakeFaceSource: FaceBatchSource {
  let size: Int
  let attributes: Int
  var attributeNames: [String] { (0..<attributes).map { "a\($0)" } }

  func batch(step: Int, size n: Int) throws -> FaceBatch {
    var rng = SplitMix64(seed: UInt64(step) &+ 11)
    let photos = Tensor.randomUniform([n, 3, size, size], -1, 1, using: &rng)
    let sketches = Tensor.randomUniform([n, 1, size, size], 0, 1, using: &rng)
    let attrs = Tensor.randomUniform([n, attributes], -1, 1, using: &rng)
    let edited = Tensor.randomUniform([n, 3, size, size], -1, 1, using: &rng)
    // The "person" is the centre square, so the trainers' backdrop weighting runs.
    var mask = [Float](repeating: 0, count: n * size * size)
    for i in 0..<n {
      for y in (size / 4)..<(3 * size / 4) {
        for x in (size / 4)..<(3 * size / 4) { mask[(i * size + y) * size + x] = 1 }
      }
    }
    let masks = Tensor(mask, shape: [n, 1, size, size])
    return FaceBatch(
      photos: photos, sketches: sketches, attributes: attrs, editedPhotos: edited,
      editAttribute: (0..<n).map { $0 % attributes }, editTarget: (0..<n).map { _ in 0.5 },
      personMasks: masks, editedPersonMasks: masks)
  }
}

/// Random expression batches that depend only on the step.
struct FakeExpressionSource: ExpressionBatchSource {
  let size: Int
  let expressions: Int
  var expressionNames: [String] { (0..<expressions).map { "e\($0)" } }

  func batch(step: Int, size n: Int) throws -> ExpressionBatch {
    var rng = SplitMix64(seed: UInt64(step) &+ 23)
    let x = Tensor.randomUniform([n, 3, size, size], -1, 1, using: &rng)
    let y = Tensor.randomUniform([n, 3, size, size], -1, 1, using: &rng)
    let tc = (0..<n).map { $0 % expressions }
    var c = [Float](repeating: 0, count: n * expressions)
    for i in 0..<n { c[i * expressions + tc[i]] = 1 }
    return ExpressionBatch(
      sources: x, conditions: Tensor(c, shape: [n, expressions]), targets: y,
      sourceClass: (0..<n).map { ($0 + 1) % expressions }, targetClass: tc,
      intensity: [Float](repeating: 1, count: n), cycleValid: [Bool](repeating: true, count: n))
  }
}

/// The logged value `key` of the first of `steps + 1` training steps and of the last.
func firstAndLastLog(
  _ key: String, steps: Int = 30, _ step: () -> [String: Double]
) throws -> (first: Double, last: Double) {
  let first = try XCTUnwrap(step()[key], "\(key) is logged")
  var last = first
  for _ in 0..<steps { last = try XCTUnwrap(step()[key]) }
  return (first, last)
}
