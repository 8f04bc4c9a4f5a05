// The Tensor value: shape + shared float storage + an optional tape node.

/// A dense, contiguous, row-major `Float` tensor with optional gradient tracking.
///
/// Images and feature maps are NCHW. Every operation returns a new contiguous tensor; storage is
/// shared only by ``reshaped(_:)`` and ``detached()``. A tensor with a ``node`` takes part in
/// automatic differentiation (see `Tape.swift`).
public struct Tensor: @unchecked Sendable {
  /// Dimensions, outermost first.
  public let shape: [Int]
  /// The floats, `Shape.count(shape)` of them.
  public let storage: TensorStorage
  /// The tape node that produced this tensor, or its leaf node.
  public internal(set) var node: Node?

  /// Wraps a storage with a shape.
  public init(shape: [Int], storage: TensorStorage, node: Node? = nil) {
    precondition(
      Shape.count(shape) == storage.count,
      "shape \(shape) needs \(Shape.count(shape)) floats, storage has \(storage.count)")
    self.shape = shape
    self.storage = storage
    self.node = node
  }

  /// A tensor of zeros.
  public init(zeros shape: [Int]) {
    self.init(shape: shape, storage: TensorStorage(count: Shape.count(shape)))
  }

  /// A tensor filled with `value`.
  public init(repeating value: Float, shape: [Int]) {
    let s = TensorStorage(uninitializedCount: Shape.count(shape))
    s.base.initialize(repeating: value, count: s.count)
    self.init(shape: shape, storage: s)
  }

  /// A tensor with the given elements in row-major order.
  public init(_ values: [Float], shape: [Int]) {
    precondition(values.count == Shape.count(shape), "\(values.count) values for shape \(shape)")
    let s = TensorStorage(uninitializedCount: values.count)
    values.withUnsafeBufferPointer { src in
      if let b = src.baseAddress { s.base.initialize(from: b, count: values.count) }
    }
    self.init(shape: shape, storage: s)
  }

  /// A rank-0 tensor.
  public init(scalar: Float) {
    self.init([scalar], shape: [])
  }

  /// A tensor of the given shape whose elements the caller writes through `body`.
  public init(shape: [Int], initializer body: (UnsafeMutableBufferPointer<Float>) -> Void) {
    let s = TensorStorage(uninitializedCount: Shape.count(shape))
    body(s.mutableBuffer)
    self.init(shape: shape, storage: s)
  }

  /// Number of elements.
  @inlinable public var count: Int { storage.count }
  /// Number of dimensions.
  @inlinable public var rank: Int { shape.count }

  /// The elements as an array (a copy).
  public var scalars: [Float] { Array(storage.buffer) }

  /// The single element of a one-element tensor.
  public var item: Float {
    precondition(count == 1, "item needs one element, tensor has shape \(shape)")
    return storage.base[0]
  }

  /// Reads the elements.
  @inlinable public func withUnsafeBufferPointer<R>(
    _ body: (UnsafeBufferPointer<Float>) throws -> R
  ) rethrows -> R {
    try body(storage.buffer)
  }

  /// Writes the elements in place (shared by every tensor on this storage; not recorded).
  @inlinable public func withUnsafeMutableBufferPointer<R>(
    _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
  ) rethrows -> R {
    try body(storage.mutableBuffer)
  }

  /// A copy with its own storage and no tape history.
  public func copy() -> Tensor {
    Tensor(shape: shape) { dst in
      dst.baseAddress!.initialize(from: storage.base, count: count)
    }
  }

  /// Copies `other`'s elements into this tensor's storage (same element count; not recorded).
  public func assign(_ other: Tensor) {
    precondition(other.count == count, "assign: \(other.shape) into \(shape)")
    storage.base.update(from: other.storage.base, count: count)
  }
}

extension Tensor: CustomStringConvertible {
  /// A short summary: shape and the first few values.
  public var description: String {
    let head = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
    return "Tensor(\(shape), [\(head)\(count > 8 ? ", …" : "")])"
  }
}
