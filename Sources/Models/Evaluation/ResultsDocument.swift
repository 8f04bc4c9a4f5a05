// Keeps docs/results.md as independent sections that each evaluation rewrites.

import Foundation

/// A markdown file made of named sections between `<!-- section: NAME -->` markers.
public enum ResultsDocument {
  /// Replaces (or appends) section `name` of the file at `path` with `markdown`.
  public static func update(path: String, section name: String, markdown: String) throws {
    let begin = "<!-- section: \(name) -->"
    let end = "<!-- end: \(name) -->"
    var text =
      (try? String(contentsOfFile: path, encoding: .utf8))
      ?? "# Results\n\nEvery figure here is measured by `visage eval …` on held-out identities; see each section for the command.\n"
    let block = begin + "\n" + markdown.trimmingCharacters(in: .whitespacesAndNewlines) + "\n" + end
    if let r1 = text.range(of: begin), let r2 = text.range(of: end), r1.lowerBound < r2.lowerBound {
      text.replaceSubrange(r1.lowerBound..<r2.upperBound, with: block)
    } else {
      text += "\n" + block + "\n"
    }
    try text.write(toFile: path, atomically: true, encoding: .utf8)
  }
}

/// Formats a fraction as a percentage with one decimal.
func percent(_ x: Double) -> String { String(format: "%.1f%%", 100 * x) }

/// Area under the ROC curve of scores for positives versus negatives.
func rocAUC(positives: [Double], negatives: [Double]) -> Double {
  guard !positives.isEmpty, !negatives.isEmpty else { return .nan }
  let all = (positives.map { ($0, 1) } + negatives.map { ($0, 0) }).sorted { $0.0 < $1.0 }
  // Rank-sum (Mann–Whitney U) with average ranks for ties.
  var ranks = [Double](repeating: 0, count: all.count)
  var i = 0
  while i < all.count {
    var j = i
    while j + 1 < all.count && all[j + 1].0 == all[i].0 { j += 1 }
    let r = Double(i + j) / 2 + 1
    for k in i...j { ranks[k] = r }
    i = j + 1
  }
  let sumPos = zip(all, ranks).filter { $0.0.1 == 1 }.reduce(0.0) { $0 + $1.1 }
  let np = Double(positives.count)
  let nn = Double(negatives.count)
  return (sumPos - np * (np + 1) / 2) / (np * nn)
}
