// Contact sheets: grids of images for previews and docs.

import Imaging

/// Lays images out in a grid on a white page (gray images are expanded to RGB).
public enum ContactSheet {
  /// A grid of `images` (all the same size) with `columns` columns and `pad` pixels of gap.
  public static func grid(_ images: [Image], columns: Int, pad: Int = 2) -> Image {
    guard let first = images.first else { return Image(width: 1, height: 1, channels: 3) }
    let w = first.width, h = first.height
    let cols = max(1, min(columns, images.count))
    let rows = (images.count + cols - 1) / cols
    let width = cols * w + (cols + 1) * pad, height = rows * h + (rows + 1) * pad
    var page = [Float](repeating: 1, count: width * height * 3)
    for (k, img) in images.enumerated() {
      let ox = pad + (k % cols) * (w + pad), oy = pad + (k / cols) * (h + pad)
      for y in 0..<min(h, img.height) {
        for x in 0..<min(w, img.width) {
          let o = ((oy + y) * width + ox + x) * 3
          for c in 0..<3 {
            page[o + c] = img.pixels[(y * img.width + x) * img.channels + min(c, img.channels - 1)]
          }
        }
      }
    }
    return Image(width: width, height: height, channels: 3, pixels: page)
  }
}
