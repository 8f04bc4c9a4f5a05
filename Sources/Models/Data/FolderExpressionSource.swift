// Expression training data from one folder per expression (RaFD/KDEF-style exports).

import Foundation
import Imaging
import Tensor

/// Loads `DIR/<expression>/*.{png,jpg,jpeg}` into memory, square-cropped and resized.
///
/// Folder names may be our names (`happy`), common variants (`happiness`, `surprise`, `fear`,
/// `disgust`, `contempt`, `anger`, `sadness`) or KDEF codes (`HAS`, `SUS`, …). Faces must be
/// aligned already. There is no paired ground truth, so `targets` is nil.
public struct FolderExpressionSource: ExpressionBatchSource {
  public let expressionNames: [String]
  let images: [[Image]]
  let seed: UInt64

  /// Maps a folder name to one of `names`' indices.
  public static func expressionIndex(_ folder: String, names: [String]) -> Int? {
    let aliases: [String: String] = [
      "happiness": "happy", "has": "happy", "surprise": "surprised", "sus": "surprised",
      "fear": "fearful", "afraid": "fearful", "afs": "fearful", "disgust": "disgusted",
      "dis": "disgusted", "contempt": "contemptuous", "anger": "angry", "ans": "angry",
      "sadness": "sad", "sas": "sad", "nes": "neutral",
    ]
    let key = folder.lowercased()
    return names.firstIndex(of: aliases[key] ?? key)
  }

  public init(directory: String, expressionNames: [String], size: Int = 128, seed: UInt64 = 2)
    throws
  {
    self.expressionNames = expressionNames
    self.seed = seed
    let fm = FileManager.default
    guard let folders = try? fm.contentsOfDirectory(atPath: directory) else {
      throw TrainingError.badData("cannot list \(directory)")
    }
    var byClass = [[Image]](repeating: [], count: expressionNames.count)
    for folder in folders.sorted() {
      guard let k = Self.expressionIndex(folder, names: expressionNames) else { continue }
      let path = directory + "/" + folder
      for file in ((try? fm.contentsOfDirectory(atPath: path)) ?? []).sorted() {
        let lower = file.lowercased()
        guard lower.hasSuffix(".png") || lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") else {
          continue
        }
        let img = try ImageIO.read(path: path + "/" + file).rgb()
        byClass[k].append(squareCrop(img).resized(width: size, height: size))
      }
    }
    guard byClass.filter({ !$0.isEmpty }).count >= 2 else {
      throw TrainingError.badData("\(directory) needs at least two expression folders with images")
    }
    images = byClass
  }

  public func batch(step: Int, size n: Int) throws -> ExpressionBatch {
    var rng = SplitMix64(seed: seed &+ UInt64(step) &* 0x9E37_79B9)
    let classes = images.indices.filter { !images[$0].isEmpty }
    var src: [Image] = []
    var sc: [Int] = []
    var tc: [Int] = []
    for _ in 0..<n {
      let c = classes[Int(rng.next() % UInt64(classes.count))]
      src.append(images[c][Int(rng.next() % UInt64(images[c].count))])
      sc.append(c)
      tc.append(classes[Int(rng.next() % UInt64(classes.count))])
    }
    let inten = [Float](repeating: 1, count: n)
    return ExpressionBatch(
      sources: Image.batchTensor(src), conditions: oneHot(tc, count: expressionNames.count),
      targets: nil, sourceClass: sc, targetClass: tc, intensity: inten,
      cycleValid: [Bool](repeating: true, count: n))
  }
}

/// The centred square crop of an image.
func squareCrop(_ img: Image) -> Image {
  let s = min(img.width, img.height)
  let box = CropBox(x: (img.width - s) / 2, y: (img.height - s) / 2, width: s, height: s)
  return img.cropped(to: box)
}
