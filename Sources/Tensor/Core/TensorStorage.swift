// Owned, 64-byte aligned float buffers: the unsafe core under every Tensor.

/// A reference-counted, 64-byte aligned buffer of `Float`.
///
/// The buffer never moves or resizes. Tensors share a storage by reference; operations that
/// write in place (optimizer steps) go through ``Tensor/withUnsafeMutableBufferPointer(_:)``.
public final class TensorStorage: @unchecked Sendable {
  /// Number of floats.
  public let count: Int
  @usableFromInline let base: UnsafeMutablePointer<Float>

  /// Allocates `count` floats, zero-filled.
  public init(count: Int) {
    precondition(count >= 0, "negative storage size")
    self.count = count
    base = BufferPool.shared.take(count)
    base.initialize(repeating: 0, count: count)
  }

  /// Allocates `count` floats without clearing them; the caller writes every element.
  init(uninitializedCount count: Int) {
    precondition(count >= 0, "negative storage size")
    self.count = count
    base = BufferPool.shared.take(count)
  }

  deinit {
    BufferPool.shared.give(base, count)
  }

  /// A read-only view of the floats.
  @inlinable public var buffer: UnsafeBufferPointer<Float> {
    UnsafeBufferPointer(start: base, count: count)
  }

  /// A writable view of the floats.
  @inlinable public var mutableBuffer: UnsafeMutableBufferPointer<Float> {
    UnsafeMutableBufferPointer(start: base, count: count)
  }
}
