// Recording operations and running reverse-mode differentiation over them.

extension Tensor {
  /// True when this tensor takes part in differentiation.
  @inlinable public var requiresGrad: Bool { node != nil }

  /// The same values as a leaf that collects gradients (for parameters and penalty inputs).
  public func requiringGrad() -> Tensor {
    Tensor(shape: shape, storage: storage, node: Node(name: "leaf", inputs: [], backward: nil))
  }

  /// The same values with no tape history.
  public func detached() -> Tensor {
    Tensor(shape: shape, storage: storage, node: nil)
  }

  /// The gradient a leaf has accumulated, if any.
  public var grad: Tensor? {
    get { node?.grad }
    nonmutating set { node?.grad = newValue }
  }

  /// Wraps a freshly computed `result` in a tape node when recording is on and any input
  /// requires gradients.
  static func record(
    _ name: String, _ result: Tensor, inputs: [Tensor], backward: @escaping BackwardFunction
  ) -> Tensor {
    guard GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else { return result }
    var out = result
    out.node = Node(name: name, inputs: inputs, backward: backward)
    return out
  }

  /// Accumulates d(self)/d(leaf) into every leaf's ``grad``.
  ///
  /// `self` is usually a scalar loss; `seed` is the output gradient (ones when nil).
  /// Intermediate gradients are dropped once used.
  public func backward(_ seed: Tensor? = nil) {
    let grads = Tape.run(from: self, seed: seed, targets: nil, createGraph: false)
    for (node, g) in grads where node.isLeaf {
      node.grad = node.grad.map { old in withNoGrad { old + g } } ?? g
    }
  }
}

/// Reverse-mode differentiation.
public enum Tape {
  /// Gradients of `output` with respect to each of `inputs` (zeros where unconnected).
  ///
  /// With `createGraph`, the backward computation is recorded, so the returned gradients can be
  /// differentiated again (R1 and gradient penalties). Only paths that reach `inputs` are
  /// computed.
  public static func gradients(
    of output: Tensor, wrt inputs: [Tensor], seed: Tensor? = nil, createGraph: Bool = false
  ) -> [Tensor] {
    let targets = Set(inputs.compactMap { $0.node.map(ObjectIdentifier.init) })
    let grads = run(from: output, seed: seed, targets: targets, createGraph: createGraph)
    var byID: [ObjectIdentifier: Tensor] = [:]
    for (node, g) in grads { byID[ObjectIdentifier(node)] = g }
    return inputs.map { t in
      t.node.flatMap { byID[ObjectIdentifier($0)] } ?? Tensor(zeros: t.shape)
    }
  }

  /// Nodes reachable from `root`, inputs before the nodes that use them (iterative DFS).
  static func topologicalOrder(_ root: Node) -> [Node] {
    var order: [Node] = []
    var visited: Set<ObjectIdentifier> = [ObjectIdentifier(root)]
    var stack: [(Node, Int)] = [(root, 0)]
    while let (node, next) = stack.last {
      if next < node.inputs.count {
        stack[stack.count - 1].1 = next + 1
        if let child = node.inputs[next].node, visited.insert(ObjectIdentifier(child)).inserted {
          stack.append((child, 0))
        }
      } else {
        stack.removeLast()
        order.append(node)
      }
    }
    return order
  }

  static func run(
    from output: Tensor, seed: Tensor?, targets: Set<ObjectIdentifier>?, createGraph: Bool
  ) -> [(Node, Tensor)] {
    guard let root = output.node else { return [] }
    let order = topologicalOrder(root)
    var relevant: Set<ObjectIdentifier> = []
    for node in order {
      let id = ObjectIdentifier(node)
      if let targets {
        if targets.contains(id)
          || node.inputs.contains(where: { i in
            i.node.map { relevant.contains(ObjectIdentifier($0)) } ?? false
          })
        {
          relevant.insert(id)
        }
      } else {
        relevant.insert(id)
      }
    }
    let seedGrad = seed ?? Tensor(repeating: 1, shape: output.shape)
    precondition(
      seedGrad.shape == output.shape, "seed \(seedGrad.shape) for output \(output.shape)")
    var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): seedGrad]
    var result: [(Node, Tensor)] = []
    let body = {
      for node in order.reversed() {
        let id = ObjectIdentifier(node)
        guard relevant.contains(id), let g = grads.removeValue(forKey: id) else { continue }
        guard let backward = node.backward else {
          result.append((node, g))
          continue
        }
        if targets?.contains(id) == true { result.append((node, g)) }
        let needs = node.inputs.map { i in
          i.node.map { relevant.contains(ObjectIdentifier($0)) } ?? false
        }
        guard needs.contains(true) else { continue }
        let inputGrads = backward(g, needs)
        for (i, input) in node.inputs.enumerated() where needs[i] {
          guard let child = input.node, let gi = inputGrads[i] else { continue }
          precondition(
            gi.shape == input.shape, "\(node.name): gradient \(gi.shape) for input \(input.shape)")
          let cid = ObjectIdentifier(child)
          grads[cid] = grads[cid].map { $0 + gi } ?? gi
        }
      }
    }
    if createGraph { withGrad(body) } else { withNoGrad(body) }
    return result
  }
}

extension Tensor {
  /// Accumulates gradients of this scalar into `parameters` only, skipping every other leaf
  /// (for example a discriminator's weights during a generator update).
  public func backward(to parameters: [Tensor]) {
    let grads = Tape.gradients(of: self, wrt: parameters)
    for (p, g) in zip(parameters, grads) {
      p.grad = p.grad.map { old in withNoGrad { old + g } } ?? g
    }
  }
}
