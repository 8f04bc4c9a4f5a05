// Signed-distance primitives and anti-aliased coverage.

import Foundation

/// Signed-distance helpers: negative inside, positive outside, in face-frame units.
enum Rasterizer {
  /// Anti-aliased coverage of a shape at signed distance `d`, with pixel footprint `px`.
  @inline(__always) static func coverage(_ d: Float, _ px: Float) -> Float {
    max(0, min(1, 0.5 - d / px))
  }

  /// Coverage of a stroke of half width `w` along the zero set of `d`.
  @inline(__always) static func stroke(_ d: Float, _ w: Float, _ px: Float) -> Float {
    max(0, min(1, 0.5 - (abs(d) - w) / px))
  }

  /// Approximate distance to an axis-aligned ellipse (iq's gradient-scaled estimate).
  @inline(__always) static func ellipse(
    _ x: Float, _ y: Float, _ cx: Float, _ cy: Float, _ rx: Float, _ ry: Float
  ) -> Float {
    let qx = (x - cx) / rx, qy = (y - cy) / ry
    let k0 = (qx * qx + qy * qy).squareRoot()
    let gx = qx / rx, gy = qy / ry
    let k1 = (gx * gx + gy * gy).squareRoot()
    return k1 > 1e-6 ? k0 * (k0 - 1) / k1 : -min(rx, ry)
  }

  /// Approximate distance to a superellipse `|x/rx|^n + |y/ry|^n = 1`.
  @inline(__always) static func superellipse(
    _ x: Float, _ y: Float, _ cx: Float, _ cy: Float, _ rx: Float, _ ry: Float, _ n: Float
  ) -> Float {
    let ax = max(abs(x - cx) / rx, 1e-4), ay = max(abs(y - cy) / ry, 1e-4)
    let px = powf(ax, n), py = powf(ay, n)
    let f = px + py
    let r = powf(f, 1 / n)
    // Gradient of r: r^(1-n) * a^(n-1) / radius.
    let common = r / f
    let gx = common * px / ax / rx, gy = common * py / ay / ry
    let g = (gx * gx + gy * gy).squareRoot()
    return (r - 1) / max(g, 1e-4)
  }

  /// Polynomial smooth minimum with blend radius `k`.
  @inline(__always) static func smin(_ a: Float, _ b: Float, _ k: Float) -> Float {
    let h = max(k - abs(a - b), 0) / k
    return min(a, b) - h * h * k * 0.25
  }

  /// Distance to a rounded box centred at (cx, cy) with half sizes (hx, hy) and radius `r`.
  @inline(__always) static func roundedBox(
    _ x: Float, _ y: Float, _ cx: Float, _ cy: Float, _ hx: Float, _ hy: Float, _ r: Float
  ) -> Float {
    let qx = abs(x - cx) - hx + r, qy = abs(y - cy) - hy + r
    let ox = max(qx, 0), oy = max(qy, 0)
    return (ox * ox + oy * oy).squareRoot() + min(max(qx, qy), 0) - r
  }

  /// Distance to the segment from (ax, ay) to (bx, by).
  @inline(__always) static func segment(
    _ x: Float, _ y: Float, _ ax: Float, _ ay: Float, _ bx: Float, _ by: Float
  ) -> Float {
    let pax = x - ax, pay = y - ay, bax = bx - ax, bay = by - ay
    let h = max(0, min(1, (pax * bax + pay * bay) / (bax * bax + bay * bay)))
    let dx = pax - bax * h, dy = pay - bay * h
    return (dx * dx + dy * dy).squareRoot()
  }

  /// Smoothstep from `a` to `b`.
  @inline(__always) static func smoothstep(_ a: Float, _ b: Float, _ x: Float) -> Float {
    let t = max(0, min(1, (x - a) / (b - a)))
    return t * t * (3 - 2 * t)
  }
}
