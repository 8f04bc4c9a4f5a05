// Crop mode: frame the face on the original image with a box moved and resized by mouse or keys.

import Foundation
import Imaging
import Studio

/// What a mouse drag in crop mode does.
enum CropGesture {
  /// Moves the box; `grab` is the pixel offset from the box origin to the pointer.
  case move(grab: (x: Double, y: Double))
  /// Resizes a square box with its opposite corner fixed at `anchor`.
  case resize(anchor: (x: Double, y: Double))
}

extension EditorController {
  /// Enters crop mode on the current crop (or the centred square), or leaves it unapplied.
  func toggleCropMode() {
    cropGesture = nil
    if cropBox != nil {
      cropBox = nil
      say("crop cancelled")
      imageVersion += 1
      return
    }
    guard let src = session.source else {
      say("no source open — press o to open a photo", error: true)
      return
    }
    guard src.path != SourceLoader.blankCanvas else {
      say("a blank canvas has nothing to crop", error: true)
      return
    }
    guard session.state.strokes.isEmpty else {
      say("the sketch has strokes on this framing — :strokes clear first", error: true)
      return
    }
    canvas = nil
    let w = src.original.width
    let h = src.original.height
    let side = min(w, h)
    cropBox =
      session.state.crop
      ?? CropRect(x: (w - side) / 2, y: (h - side) / 2, width: side, height: side)
    say(
      "crop: drag to move, corners to resize · arrows move · +/- size · Enter apply · 0 remove · Esc cancel"
    )
    imageVersion += 1
  }

  /// Crop-mode keys; every key is taken while the box is up.
  func handleCropKey(_ key: Key) -> Bool {
    guard let box = cropBox, let src = session.source else { return false }
    let step = max(1, box.width / 20)
    var next = box
    switch key {
    case .enter:
      cropBox = nil
      apply(.crop(box))
      imageVersion += 1
      return true
    case .escape, .char("c"):
      toggleCropMode()
      return true
    case .char("0"):
      cropBox = nil
      if session.state.crop != nil { apply(.uncrop) } else { say("no crop to remove") }
      imageVersion += 1
      return true
    case .left, .char("h"): next.x -= step
    case .right, .char("l"): next.x += step
    case .up, .char("k"): next.y -= step
    case .down, .char("j"): next.y += step
    case .char("+"), .char("="): next = scaled(box, 1.1)
    case .char("-"): next = scaled(box, 1 / 1.1)
    case .ctrl("c"), .ctrl("q"), .char("?"), .ctrl("l"):
      return false
    default:
      say("crop: arrows move · +/- size · Enter apply · 0 remove · Esc cancel")
      return true
    }
    cropBox = Self.fitted(next, width: src.original.width, height: src.original.height)
    say("crop \(cropBox!) — Enter applies")
    imageVersion += 1
    return true
  }

  /// Crop-mode mouse; returns false for events away from the source preview.
  func handleCropMouse(_ m: MouseEvent) -> Bool {
    guard let box = cropBox, let src = session.source, let place = sourcePlacement else {
      return false
    }
    let p = place.clampedPixel(atColumn: m.x, row: m.y)
    switch m.kind {
    case .press:
      cropGesture = nil
      guard place.pixel(atColumn: m.x, row: m.y) != nil else { return false }
      let reach = 1.5 * max(place.pixelsPerCell.x, place.pixelsPerCell.y)
      let corners: [(Double, Double)] = [
        (Double(box.x), Double(box.y)), (Double(box.x + box.width), Double(box.y)),
        (Double(box.x), Double(box.y + box.height)),
        (Double(box.x + box.width), Double(box.y + box.height)),
      ]
      if let i = corners.firstIndex(where: { abs($0.0 - p.x) <= reach && abs($0.1 - p.y) <= reach })
      {
        cropGesture = .resize(anchor: corners[3 - i])
      } else if p.x >= Double(box.x), p.x < Double(box.x + box.width), p.y >= Double(box.y),
        p.y < Double(box.y + box.height)
      {
        cropGesture = .move(grab: (p.x - Double(box.x), p.y - Double(box.y)))
      } else {
        cropGesture = .resize(anchor: p)
      }
      return true
    case .drag, .release:
      guard let gesture = cropGesture else { return false }
      var next = box
      switch gesture {
      case .move(let grab):
        next.x = Int((p.x - grab.x).rounded())
        next.y = Int((p.y - grab.y).rounded())
      case .resize(let a):
        let side = max(8, Int(max(abs(p.x - a.x), abs(p.y - a.y)).rounded()))
        next = CropRect(
          x: p.x < a.x ? Int(a.x) - side : Int(a.x), y: p.y < a.y ? Int(a.y) - side : Int(a.y),
          width: side, height: side)
      }
      cropBox = Self.fitted(next, width: src.original.width, height: src.original.height)
      if m.kind == .release {
        cropGesture = nil
        say("crop \(cropBox!) — Enter applies, Esc cancels")
      }
      imageVersion += 1
      return true
    case .wheelUp, .wheelDown:
      guard place.pixel(atColumn: m.x, row: m.y) != nil else { return false }
      cropBox = Self.fitted(
        scaled(box, m.kind == .wheelUp ? 1 / 1.1 : 1.1), width: src.original.width,
        height: src.original.height)
      imageVersion += 1
      return true
    }
  }

  private func scaled(_ box: CropRect, _ factor: Double) -> CropRect {
    let side = max(8, Int((Double(box.width) * factor).rounded()))
    let cx = box.x + box.width / 2
    let cy = box.y + box.height / 2
    return CropRect(x: cx - side / 2, y: cy - side / 2, width: side, height: side)
  }

  /// `box` shrunk to fit a `width` × `height` image, then slid inside it; a square stays square.
  public static func fitted(_ box: CropRect, width: Int, height: Int) -> CropRect {
    var b = box
    if b.width == b.height {
      let side = min(max(8, b.width), width, height)
      b.width = side
      b.height = side
    }
    b.width = min(max(8, b.width), width)
    b.height = min(max(8, b.height), height)
    b.x = min(max(0, b.x), width - b.width)
    b.y = min(max(0, b.y), height - b.height)
    return b
  }

  /// The original image with the crop box drawn on it (outside dimmed), at most 320 pixels.
  func cropOverlay(_ box: CropRect, on original: Image) -> Image {
    let scale = min(1, 320 / Double(max(original.width, original.height)))
    let w = max(1, Int((Double(original.width) * scale).rounded()))
    let h = max(1, Int((Double(original.height) * scale).rounded()))
    var img = original.flattened().rgb().resized(width: w, height: h)
    let x0 = Int(Double(box.x) * scale)
    let y0 = Int(Double(box.y) * scale)
    let x1 = max(x0, min(w - 1, Int(Double(box.x + box.width) * scale) - 1))
    let y1 = max(y0, min(h - 1, Int(Double(box.y + box.height) * scale) - 1))
    let thick = max(1, w / 100)
    for y in 0..<h {
      for x in 0..<w {
        let inside = x >= x0 && x <= x1 && y >= y0 && y <= y1
        let edge =
          inside && (x - x0 < thick || x1 - x < thick || y - y0 < thick || y1 - y < thick)
        let i = (y * w + x) * 3
        if edge {
          img.pixels[i] = 1
          img.pixels[i + 1] = 0.85
          img.pixels[i + 2] = 0.1
        } else if !inside {
          for c in 0..<3 { img.pixels[i + c] *= 0.4 }
        }
      }
    }
    return img
  }
}
