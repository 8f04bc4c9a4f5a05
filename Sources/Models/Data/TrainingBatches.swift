// The batches the trainers consume, whatever their source.

import Tensor

/// One batch for S2FGAN training.
///
/// Layouts: `photos` `[B, 3, S, S]` in [-1, 1]; `sketches` `[B, 1, S, S]` with strokes 1 and
/// paper 0; `attributes` `[B, A]` in [-1, 1]. When the source can render the same person with
/// one attribute changed, `editedPhotos` holds that render, `editAttribute[i]` the attribute
/// index and `editTarget[i]` its new value in [-1, 1]. When the source knows where the person
/// is, `personMasks` (`[B, 1, S, S]`) is 1 on the person (face, hair, neck, clothes) and 0 on the
/// backdrop, and `editedPersonMasks` the same for `editedPhotos`.
public struct FaceBatch {
  public var photos: Tensor
  public var sketches: Tensor
  public var attributes: Tensor
  public var editedPhotos: Tensor?
  public var editAttribute: [Int]
  public var editTarget: [Float]
  public var personMasks: Tensor?
  public var editedPersonMasks: Tensor?

  public init(
    photos: Tensor, sketches: Tensor, attributes: Tensor, editedPhotos: Tensor? = nil,
    editAttribute: [Int] = [], editTarget: [Float] = [], personMasks: Tensor? = nil,
    editedPersonMasks: Tensor? = nil
  ) {
    self.photos = photos
    self.sketches = sketches
    self.attributes = attributes
    self.editedPhotos = editedPhotos
    self.editAttribute = editAttribute
    self.editTarget = editTarget
    self.personMasks = personMasks
    self.editedPersonMasks = editedPersonMasks
  }
}

/// One batch for SARGAN training.
///
/// `sources` `[B, 3, S, S]` in [-1, 1]; `conditions` `[B, E]` (target one-hot × intensity);
/// `targets` the paired ground truth when known; `sourceClass`/`targetClass` expression indices;
/// `cycleValid[i]` when the source is at full intensity and the target intensity is 1 (so the
/// source's own condition maps the edit back).
public struct ExpressionBatch {
  public var sources: Tensor
  public var conditions: Tensor
  public var targets: Tensor?
  public var sourceClass: [Int]
  public var targetClass: [Int]
  public var intensity: [Float]
  public var cycleValid: [Bool]

  public init(
    sources: Tensor, conditions: Tensor, targets: Tensor?, sourceClass: [Int], targetClass: [Int],
    intensity: [Float], cycleValid: [Bool]
  ) {
    self.sources = sources
    self.conditions = conditions
    self.targets = targets
    self.sourceClass = sourceClass
    self.targetClass = targetClass
    self.intensity = intensity
    self.cycleValid = cycleValid
  }
}

/// Produces S2FGAN batches; batch `step` is always the same for a given source (exact resume).
public protocol FaceBatchSource {
  var attributeNames: [String] { get }
  func batch(step: Int, size: Int) throws -> FaceBatch
}

/// Produces SARGAN batches; batch `step` is always the same for a given source (exact resume).
public protocol ExpressionBatchSource {
  var expressionNames: [String] { get }
  func batch(step: Int, size: Int) throws -> ExpressionBatch
}

/// A one-hot matrix `[n, k]` scaled per row.
func oneHot(_ classes: [Int], count k: Int, scale: [Float]? = nil) -> Tensor {
  var v = [Float](repeating: 0, count: classes.count * k)
  for (i, c) in classes.enumerated() { v[i * k + c] = scale?[i] ?? 1 }
  return Tensor(v, shape: [classes.count, k])
}
