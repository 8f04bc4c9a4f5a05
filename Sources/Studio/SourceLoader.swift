// Reading a source file and preparing the model input from it.

import Foundation
import Imaging

/// A source image read from disk, with its prepared model input.
public struct LoadedSource: Sendable {
  /// Absolute path.
  public var path: String
  /// The file as read (for the source preview).
  public var original: Image
  public var kind: SourceKind
  /// The model input (`SourceLoader.prepare`).
  public var input: Image
  /// Cache key: path, modification time, kind and crop.
  public var key: String
}

/// Loads sources and prepares model inputs.
public enum SourceLoader {
  /// The absolute form of `path` (relative to the working directory, `~` expanded).
  public static func absolute(_ path: String) -> String {
    if path == blankCanvas { return path }
    let expanded = (path as NSString).expandingTildeInPath
    if expanded.hasPrefix("/") { return (expanded as NSString).standardizingPath }
    let cwd = FileManager.default.currentDirectoryPath
    return ((cwd as NSString).appendingPathComponent(expanded) as NSString).standardizingPath
  }

  /// The path that names a blank sketch canvas (white paper at the model size).
  public static let blankCanvas = ":blank"

  /// Reads `path` and prepares it at `size` × `size`.
  ///
  /// ``blankCanvas`` gives white paper to draw on.
  public static func load(
    path: String, kind: SourceKind?, crop: CropRect?, size: Int
  ) throws -> LoadedSource {
    if path == blankCanvas {
      let paper = Image(width: size, height: size, channels: 1, value: 1)
      return LoadedSource(
        path: blankCanvas, original: paper, kind: .sketch, input: paper,
        key: "\(blankCanvas)|\(size)")
    }
    let abs = absolute(path)
    let image: Image
    do {
      image = try ImageIO.read(path: abs)
    } catch {
      throw StudioError.io("cannot open \(path): \(error)")
    }
    let k = kind ?? SourceKind.guess(image)
    let input = prepare(image, kind: k, crop: crop, size: size)
    let attrs = try? FileManager.default.attributesOfItem(atPath: abs)
    let mtime = (attrs?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
    let key = "\(abs)|\(mtime)|\(k.rawValue)|\(crop?.description ?? "-")"
    return LoadedSource(path: abs, original: image, kind: k, input: input, key: key)
  }

  /// The model input for `image`.
  ///
  /// Sketches: gray; used as they are when already `size` × `size`, otherwise normalized with
  /// `Sketch.normalize` (cropped to the drawing, near-binary strokes). Photos: the crop (default
  /// the centred square) resized to `size` × `size`, RGB.
  public static func prepare(_ image: Image, kind: SourceKind, crop: CropRect?, size: Int)
    -> Image
  {
    var img = image
    if let c = crop {
      img = img.cropped(to: c.box.clamped(width: img.width, height: img.height))
    }
    switch kind {
    case .sketch:
      let gray = img.flattened().grayscale()
      if gray.width == size && gray.height == size { return gray }
      if crop != nil { return gray.paddedToSquare().resized(width: size, height: size) }
      return Sketch.normalize(gray, size: size)
    case .photo:
      let rgb = img.flattened().rgb()
      let square = crop == nil ? rgb.centerCroppedToSquare() : rgb.paddedToSquare()
      return square.resized(width: size, height: size)
    }
  }
}
