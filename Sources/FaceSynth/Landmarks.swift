// Facial landmarks derived from the rig.

/// The 35 FaceSynth landmarks, in pixel coordinates (x right, y down).
///
/// Index layout ("l" = image left):
/// - 0–8: jaw contour from the image-left cheek (eye-line level + 0.25 IOD) down to the chin
///   (4) and up the image-right side;
/// - 9–11: left brow (outer, peak, inner); 12–14: right brow (inner, peak, outer);
/// - 15–18: left eye (outer corner, top, inner corner, bottom); 19–22: right eye (inner, top,
///   outer, bottom); 23, 24: left and right pupil centres;
/// - 25–28: nose (bridge top, tip, left ala, right ala);
/// - 29–34: mouth (left corner, upper-lip top centre, right corner, lower-lip bottom centre,
///   inner upper centre, inner lower centre).
public enum Landmarks {
  /// The number of landmarks.
  public static let count = 35

  static func compute(_ g: FaceRig, frame: FaceRenderer.Frame) -> [SIMD2<Float>] {
    var pts: [SIMD2<Float>] = []
    pts.reserveCapacity(count)
    func add(_ u: Float, _ v: Float) { pts.append(frame.toPixel(u, v)) }
    // Jaw contour: bisection along horizontal rays from the head centre.
    let levels: [Float] = [0.25, 0.7, 1.1, 1.45]
    func edge(_ v: Float, _ side: Float) -> Float {
      var lo: Float = 0, hi: Float = 2.5
      for _ in 0..<20 {
        let mid = (lo + hi) * 0.5
        if g.headDistance(g.headX + side * mid, v) < 0 { lo = mid } else { hi = mid }
      }
      return g.headX + side * lo
    }
    for v in levels { add(edge(v, -1), v) }
    var chin: Float = g.chinY
    var lo: Float = g.jawY, hi: Float = g.chinY + 0.5
    for _ in 0..<20 {
      let mid = (lo + hi) * 0.5
      if g.headDistance(g.headX, mid) < 0 { lo = mid } else { hi = mid }
    }
    chin = lo
    add(g.headX, chin)
    for v in levels.reversed() { add(edge(v, 1), v) }
    // Brows.
    func brow(_ i: Int, _ t: Float) -> (Float, Float) {
      let x = g.browInX[i] + (g.browOutX[i] - g.browInX[i]) * t
      let bump: Float =
        t < 0.62 ? (t / 0.62) * (2 - t / 0.62) : 1 - ((t - 0.62) / 0.38) * ((t - 0.62) / 0.38)
      let y = g.browInY[i] + (g.browOutY[i] - g.browInY[i]) * t - g.browArch[i] * bump
      return (x, y)
    }
    for t: Float in [1, 0.62, 0] { let b = brow(0, t); add(b.0, b.1) }
    for t: Float in [0, 0.62, 1] { let b = brow(1, t); add(b.0, b.1) }
    // Eyes.
    for i in 0..<2 {
      let o: Float = i == 0 ? -1 : 1
      let ex = g.eyeX[i], hw = g.eyeHalfWidth
      let outer = (ex + o * hw, g.eyeY - g.eyeTilt)
      let inner = (ex - o * hw, g.eyeY + g.eyeTilt)
      let top = (ex, g.eyeY - g.upperLid[i])
      let bottom = (ex, g.eyeY + g.lowerLid[i])
      if i == 0 {
        add(outer.0, outer.1); add(top.0, top.1); add(inner.0, inner.1); add(bottom.0, bottom.1)
      } else {
        add(inner.0, inner.1); add(top.0, top.1); add(outer.0, outer.1); add(bottom.0, bottom.1)
      }
    }
    for i in 0..<2 { add(g.eyeX[i] + g.irisDX, g.eyeY + g.irisDY) }
    // Nose.
    add(g.noseTopX, g.noseTopY)
    add(g.noseTipX, g.noseTipY)
    add(g.noseTipX - g.noseHalfWidth, g.noseTipY - g.alaLift)
    add(g.noseTipX + g.noseHalfWidth, g.noseTipY - g.alaLift)
    // Mouth.
    let mcx = (g.mouthLX + g.mouthRX) * 0.5
    let m = FaceRenderer.mouthShape(g, mcx)
    add(g.mouthLX, g.mouthLY)
    add(mcx, m.upperTop)
    add(g.mouthRX, g.mouthRY)
    add(mcx, m.lowerBottom)
    add(mcx, m.gapTop)
    add(mcx, m.gapBottom)
    return pts
  }
}
