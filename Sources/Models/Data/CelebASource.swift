// Attribute training data in the CelebA / CelebAMask-HQ layout.

import Foundation
import Imaging
import Tensor

/// Reads a CelebA-style attribute file and its images; sketches come from our XDoG extraction.
///
/// The attribute file has a count line, a line of attribute names, then one line per image:
/// `file v1 v2 …` with values 1 / -1 (or 1 / 0). It is looked for as `list_attr_celeba.txt` or
/// `CelebAMask-HQ-attribute-anno.txt` in `DIR`; images in `DIR/img_align_celeba`,
/// `DIR/CelebA-HQ-img` or `DIR`. Attributes missing from the file are trained as unknown (0).
/// Images are loaded lazily per batch and centre-cropped to squares.
public struct CelebASource: FaceBatchSource {
  public let attributeNames: [String]
  let files: [String]
  let values: [[Float]]
  let imageDirectory: String
  let size: Int
  let seed: UInt64

  public init(directory: String, attributeNames: [String], size: Int = 128, seed: UInt64 = 1) throws
  {
    self.attributeNames = attributeNames
    self.size = size
    self.seed = seed
    let fm = FileManager.default
    let candidates = ["list_attr_celeba.txt", "CelebAMask-HQ-attribute-anno.txt"].map {
      directory + "/" + $0
    }
    guard let listPath = candidates.first(where: { fm.fileExists(atPath: $0) }),
      let text = try? String(contentsOfFile: listPath, encoding: .utf8)
    else { throw TrainingError.badData("no attribute file (list_attr_celeba.txt) in \(directory)") }
    var lines = text.split(whereSeparator: \.isNewline).map(String.init)
    guard lines.count >= 3 else { throw TrainingError.badData("\(listPath) is too short") }
    lines.removeFirst()
    let header = lines.removeFirst().split(separator: " ").map(String.init)
    let columns = attributeNames.map { header.firstIndex(of: $0) }
    var files: [String] = []
    var values: [[Float]] = []
    for (n, line) in lines.enumerated() {
      let parts = line.split(separator: " ", omittingEmptySubsequences: true)
      guard parts.count == header.count + 1 else {
        throw TrainingError.badData(
          "\(listPath) line \(n + 3): expected \(header.count + 1) fields, found \(parts.count)")
      }
      files.append(String(parts[0]))
      values.append(
        columns.map { c in
          guard let c, let v = Float(parts[c + 1]) else { return 0 }
          return v > 0 ? 1 : -1
        })
    }
    self.files = files
    self.values = values
    let dirs = ["img_align_celeba", "CelebA-HQ-img", ""].map {
      $0.isEmpty ? directory : directory + "/" + $0
    }
    guard let dir = dirs.first(where: { fm.fileExists(atPath: $0 + "/" + files[0]) }) else {
      throw TrainingError.badData("cannot find image \(files[0]) under \(directory)")
    }
    imageDirectory = dir
  }

  public func batch(step: Int, size n: Int) throws -> FaceBatch {
    var rng = SplitMix64(seed: seed &+ UInt64(step) &* 0x9E37_79B9)
    var photos: [Image] = []
    var sketches: [Image] = []
    var attrs: [Float] = []
    for _ in 0..<n {
      // Index % 20 == 0 is held out for testing, as in the original split.
      var k = Int(rng.next() % UInt64(files.count))
      if k % 20 == 0 { k = (k + 1) % files.count }
      let img = squareCrop(try ImageIO.read(path: imageDirectory + "/" + files[k]).rgb())
        .resized(width: size, height: size)
      photos.append(img)
      sketches.append(Sketch.extract(from: img).converted(channels: 1))
      attrs += values[k]
    }
    let s = Image.batchTensor(sketches)
    return FaceBatch(
      photos: Image.batchTensor(photos), sketches: (1 - s) * 0.5,
      attributes: Tensor(attrs, shape: [n, attributeNames.count]))
  }
}
