// A node of the define-by-run tape.

/// Computes input gradients from the output gradient.
///
/// `needs[i]` says whether input `i` needs a gradient; closures return nil for the others.
/// Closures are written with Tensor operations, so with recording on (double backward) the
/// gradient computation is itself recorded.
public typealias BackwardFunction = (_ gradOutput: Tensor, _ needs: [Bool]) -> [Tensor?]

/// One recorded operation (or a leaf that wants a gradient).
public final class Node: @unchecked Sendable {
  /// Short operation name, for error messages and debugging.
  public let name: String
  /// The tensors this node was computed from.
  let inputs: [Tensor]
  /// Maps the output gradient to input gradients; nil for leaves.
  let backward: BackwardFunction?
  /// Accumulated gradient of a leaf after ``Tensor/backward(_:)``.
  public var grad: Tensor?

  init(name: String, inputs: [Tensor], backward: BackwardFunction?) {
    self.name = name
    self.inputs = inputs
    self.backward = backward
  }

  /// True for a leaf (a parameter or an input that asked for gradients).
  public var isLeaf: Bool { backward == nil }
}
