// Draw mode: pen and eraser strokes on the sketch canvas with the mouse.

import Imaging
import Studio

/// The brush of draw mode.
public enum CanvasTool: String, Sendable {
  case pen
  case eraser
}

extension EditorController {
  /// The placement of the source preview (the model input or, in crop mode, the original).
  public var sourcePlacement: PreviewPlacement? {
    guard let img = sourcePreviewSize else { return nil }
    return PreviewPlacement(
      width: img.width, height: img.height, inner: layout.source.inner,
      capabilities: capabilities)
  }

  private var sourcePreviewSize: (width: Int, height: Int)? {
    guard let src = session.source else { return nil }
    if cropBox != nil { return (src.original.width, src.original.height) }
    return (src.input.width, src.input.height)
  }

  /// Enters draw mode (a blank canvas when nothing is open), or leaves it.
  func toggleDrawMode() {
    if canvas != nil {
      finishGestures()
      canvas = nil
      say("draw mode off")
      return
    }
    if session.source == nil { apply(.open(path: SourceLoader.blankCanvas, kind: .sketch)) }
    guard let src = session.source else { return }
    guard src.kind == .sketch else {
      say("drawing works on sketches — :new starts a blank canvas, c crops a photo", error: true)
      return
    }
    cropBox = nil
    canvas = (.pen, canvas?.width ?? lastBrushWidth)
    say("draw mode: drag on the input to draw · e eraser · [ ] width · C clear · d/Esc done")
  }

  /// Draw-mode keys; returns false for keys it leaves to the normal handler.
  func handleCanvasKey(_ key: Key) -> Bool {
    guard let (tool, width) = canvas else { return false }
    switch key {
    case .char("d"), .escape:
      finishGestures()
      canvas = nil
      say("draw mode off")
    case .char("e"):
      canvas = (tool == .pen ? .eraser : .pen, width)
      say(tool == .pen ? "eraser" : "pen")
    case .char("["), .char("]"):
      let w = min(
        Stroke.widths.upperBound,
        max(Stroke.widths.lowerBound, width + (key == .char("]") ? 1 : -1)))
      canvas = (tool, w)
      lastBrushWidth = w
      say("brush \(w) px")
    case .char("C"):
      apply(.clearStrokes)
      imageVersion += 1
    default:
      return false
    }
    return true
  }

  /// Mouse in draw mode; returns false when the event is not on the canvas.
  func handleCanvasMouse(_ m: MouseEvent) -> Bool {
    guard let (tool, width) = canvas, let place = sourcePlacement else { return false }
    switch m.kind {
    case .press:
      finishGestures()
      guard let p = place.pixel(atColumn: m.x, row: m.y) else { return false }
      strokeDrag = (session.state, [point(p)])
    case .drag, .release:
      guard strokeDrag != nil else { return false }
      let p = point(place.clampedPixel(atColumn: m.x, row: m.y))
      if strokeDrag?.points.last != p, (strokeDrag?.points.count ?? 0) < Stroke.maximumPoints {
        strokeDrag?.points.append(p)
      }
      if m.kind == .release {
        finishGestures()
        return true
      }
    case .wheelUp, .wheelDown:
      return false
    }
    guard let drag = strokeDrag else { return true }
    do {
      try session.preview(.stroke(stroke(tool, width, drag.points)), from: drag.start)
    } catch {
      strokeDrag = nil
      say("\(error)", error: true)
    }
    imageVersion += 1
    requestRender()
    return true
  }

  /// Ends a stroke or crop drag still in progress: a stroke is committed as drawn so far (one
  /// undoable command), a crop drag just stops (the box stays up until Enter or Esc).
  func finishGestures() {
    cropGesture = nil
    guard let drag = strokeDrag, let (tool, width) = canvas else {
      strokeDrag = nil
      return
    }
    strokeDrag = nil
    let stroke = stroke(tool, width, drag.points)
    do {
      try session.preview(.stroke(stroke), from: drag.start)
      session.commit(.stroke(stroke), from: drag.start)
      say(tool == .eraser ? "erased" : "stroke \(session.state.strokes.count)")
    } catch {
      say("\(error)", error: true)
    }
    imageVersion += 1
    requestRender()
  }

  private func stroke(_ tool: CanvasTool, _ width: Int, _ points: [Stroke.Point]) -> Stroke {
    Stroke(erase: tool == .eraser, width: width, points: points)
  }

  private func point(_ p: (x: Double, y: Double)) -> Stroke.Point {
    Stroke.Point(x: Int(p.x.rounded()), y: Int(p.y.rounded()))
  }
}
