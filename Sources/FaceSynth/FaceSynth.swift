// The in-memory API: parameters, single samples and parallel batches.

import Dispatch
import Imaging

/// The FaceSynth entry points.
///
/// ```
/// let s = FaceSynth.sample(index: 7, seed: 1, split: .train)
/// let happy = FaceSynth.sample(index: 7, seed: 1, split: .train, expression: .happy)
/// let glasses = FaceSynth.sample(index: 7, seed: 1, split: .train,
///                                attributeOverrides: [.eyeglasses: 1])
/// ```
public enum FaceSynth {
  /// The parameters of sample `index` of `split` under master `seed`.
  public static func params(index: Int, seed: UInt64, split: Split, variant: Int = 0)
    -> FaceParams
  {
    FaceParams(
      identitySeed: split.identitySeed(index: index, seed: seed), variant: variant, split: split)
  }

  /// Renders a sample; `expression == nil` keeps the sampled Smiling latent on a neutral face,
  /// while an explicit expression (`.neutral` included) first lowers Smiling to ≤ 0.15.
  ///
  /// All overrides keep everything else identical (identity, light, background, noise).
  public static func sample(
    index: Int, seed: UInt64, split: Split, size: Int = 128, expression: FaceExpression? = nil,
    intensity: Float = 1, attributeOverrides: [Attribute: Float] = [:],
    sketchStyle: SketchStyle? = nil, variant: Int = 0
  ) -> FaceSample {
    var p = params(index: index, seed: seed, split: split, variant: variant)
    for (a, v) in attributeOverrides.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
      p.setAttribute(a, v)
    }
    if let e = expression { p.setExpression(e, intensity: intensity) }
    for (a, v) in attributeOverrides where a == .smiling { p.setAttribute(a, v) }
    if let s = sketchStyle { p.sketchStyle = s }
    return render(p, size: size)
  }

  /// Renders a sample from explicit parameters, such as an edited copy.
  public static func render(_ p: FaceParams, size: Int = 128) -> FaceSample {
    precondition(size >= 16, "size must be at least 16")
    let out = FaceRenderer.render(p, size: size)
    let sketch = SketchRenderer.sketch(
      style: p.sketchStyle, ink: out.ink, face: out.face, size: size, seed: p.render.sketchSeed)
    return FaceSample(
      params: p, face: out.face, sketch: sketch, sketchStyle: p.sketchStyle,
      parsing: out.parsing, landmarks: out.landmarks, attributes: p.effectiveAttributes,
      labels: p.labels, expression: p.expression, intensity: p.intensity,
      actionUnits: p.actionUnits.values)
  }

  /// Renders samples `indices` in parallel on `threads` threads (concurrentPerform).
  public static func batch(
    indices: [Int], seed: UInt64, split: Split, size: Int = 128, expression: FaceExpression? = nil,
    intensity: Float = 1, attributeOverrides: [Attribute: Float] = [:], threads: Int = 2
  ) -> [FaceSample] {
    let params = indices.map { index -> FaceParams in
      var p = FaceSynth.params(index: index, seed: seed, split: split)
      for (a, v) in attributeOverrides { p.setAttribute(a, v) }
      if let e = expression { p.setExpression(e, intensity: intensity) }
      for (a, v) in attributeOverrides where a == .smiling { p.setAttribute(a, v) }
      return p
    }
    return render(params, size: size, threads: threads)
  }

  /// Renders explicit parameter sets in parallel on `threads` threads, in order.
  public static func render(_ params: [FaceParams], size: Int = 128, threads: Int = 2)
    -> [FaceSample]
  {
    let n = params.count
    if n == 0 { return [] }
    let box = ResultBox(count: n)
    let workers = max(1, min(threads, n))
    DispatchQueue.concurrentPerform(iterations: workers) { w in
      var i = w
      while i < n {
        box.set(i, render(params[i], size: size))
        i += workers
      }
    }
    return box.results()
  }

  /// A paired edit: the same identity rendered with attribute `attribute` at `before` and at
  /// `after`, everything else identical.
  public static func attributePair(
    index: Int, seed: UInt64, split: Split, size: Int = 128, attribute: Attribute,
    before: Float, after: Float
  ) -> (before: FaceSample, after: FaceSample) {
    let p = params(index: index, seed: seed, split: split)
    let r = render([p.with(attribute, before), p.with(attribute, after)], size: size)
    return (r[0], r[1])
  }

  /// The eight expressions of one identity with everything else identical.
  public static func expressionSet(
    index: Int, seed: UInt64, split: Split, size: Int = 128, intensity: Float = 1,
    threads: Int = 2
  ) -> [FaceSample] {
    let base = params(index: index, seed: seed, split: split)
    return render(
      FaceExpression.allCases.map { base.with($0, intensity: intensity) }, size: size,
      threads: threads)
  }
}
