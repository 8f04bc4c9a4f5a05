// Conversion between images and NCHW tensors in [-1, 1].

import Tensor

extension Image {
  /// This image as a `[1, C, H, W]` tensor with samples mapped from [0, 1] to [-1, 1].
  public func tensor() -> Tensor {
    Image.batchTensor([self])
  }

  /// Stacks same-sized images into `[N, C, H, W]` in [-1, 1].
  public static func batchTensor(_ images: [Image]) -> Tensor {
    precondition(!images.isEmpty, "batchTensor of no images")
    let (w, h, c) = (images[0].width, images[0].height, images[0].channels)
    precondition(
      images.allSatisfy { $0.width == w && $0.height == h && $0.channels == c },
      "batchTensor needs images of one size and channel count")
    let plane = w * h
    return Tensor(shape: [images.count, c, h, w]) { out in
      for (n, img) in images.enumerated() {
        img.pixels.withUnsafeBufferPointer { px in
          let base = n * c * plane
          for i in 0..<plane {
            for k in 0..<c { out[base + k * plane + i] = px[i * c + k] * 2 - 1 }
          }
        }
      }
    }
  }

  /// Image `index` of a `[N, C, H, W]` tensor in [-1, 1] (C = 1 or 3), clamped to [0, 1].
  public init(tensor t: Tensor, index: Int = 0) {
    precondition(
      t.rank == 4 && [1, 3].contains(t.shape[1]),
      "Image(tensor:) needs [N, 1|3, H, W], got \(t.shape)")
    let (c, h, w) = (t.shape[1], t.shape[2], t.shape[3])
    let plane = w * h
    var px = [Float](repeating: 0, count: plane * c)
    t.withUnsafeBufferPointer { src in
      let base = index * c * plane
      for i in 0..<plane {
        for k in 0..<c { px[i * c + k] = min(1, max(0, (src[base + k * plane + i] + 1) / 2)) }
      }
    }
    self.init(width: w, height: h, channels: c, pixels: px)
  }

  /// Tiles images (all the same size and channel count) into a grid with `columns` columns.
  public static func grid(_ images: [Image], columns: Int, padding: Int = 2, background: Float = 1)
    -> Image
  {
    precondition(!images.isEmpty && columns > 0, "grid needs images and columns")
    let (w, h, c) = (images[0].width, images[0].height, images[0].channels)
    let rows = (images.count + columns - 1) / columns
    var out = Image(
      width: columns * (w + padding) + padding, height: rows * (h + padding) + padding, channels: c,
      value: background)
    for (i, img) in images.enumerated() {
      let src = img.channels == c ? img : img.converted(channels: c)
      let ox = padding + (i % columns) * (w + padding)
      let oy = padding + (i / columns) * (h + padding)
      for y in 0..<min(h, src.height) {
        for x in 0..<min(w, src.width) {
          for k in 0..<c { out[ox + x, oy + y, k] = src[x, y, k] }
        }
      }
    }
    return out
  }
}
