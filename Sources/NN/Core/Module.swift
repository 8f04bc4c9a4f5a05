// Modules: objects that own named parameters, found by reflection.

import Tensor

/// A network component that owns parameters.
///
/// Parameters are the stored `Tensor` properties of a module; child modules (stored properties,
/// or arrays of modules) contribute theirs under a dotted path such as `encoder.blocks.2.conv.weight`.
/// Store only parameters as `Tensor` properties; keep constants in other types.
public protocol Module: AnyObject {}

extension Module {
  /// Every parameter with its dotted path, in declaration order.
  public var namedParameters: [(String, Tensor)] {
    var out: [(String, Tensor)] = []
    collect(self, prefix: "", into: &out)
    return out
  }

  /// Every parameter, in declaration order.
  public var parameters: [Tensor] { namedParameters.map(\.1) }

  /// Total number of scalars across parameters.
  public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

  /// Clears accumulated gradients.
  public func zeroGrad() {
    for p in parameters { p.grad = nil }
  }
}

private func collect(_ value: Any, prefix: String, into out: inout [(String, Tensor)]) {
  for child in Mirror(reflecting: value).children {
    guard let label = child.label else { continue }
    let name = label.hasPrefix("_") ? String(label.dropFirst()) : label
    visit(child.value, path: prefix + name, into: &out)
  }
}

private func visit(_ value: Any, path: String, into out: inout [(String, Tensor)]) {
  switch value {
  case let t as Tensor:
    out.append((path, t))
  case let t as Tensor?:
    if let t { out.append((path, t)) }
  case let m as Module:
    collect(m, prefix: path + ".", into: &out)
  case let ms as [Module]:
    for (i, m) in ms.enumerated() { collect(m, prefix: "\(path).\(i).", into: &out) }
  case let m as Module?:
    if let m { collect(m, prefix: path + ".", into: &out) }
  default:
    break
  }
}

/// Makes a parameter: a leaf tensor that collects gradients.
public func parameter(_ t: Tensor) -> Tensor { t.requiringGrad() }
