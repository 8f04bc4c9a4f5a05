// Per-attribute gains that make the layout editor's moves cover the real change.

import FaceSynth
import Foundation
import Imaging
import Tensor

/// Calibrates the layout editor's amounts on validation faces (`S2FConfig.layoutEditGains`).
///
/// For each attribute, the photo latents of validation renders are edited toward the other
/// side of the label (amount ±1 minus the DIS score, as the sliders do) and compared with the
/// photo encoder's latents of the same renders with the attribute flipped. The gain is the
/// inverse of the share of the real move that the edit covers along the real move's direction,
/// `|t|² / ⟨m, t⟩` over all faces (m the edit's move of the layout maps, t the encoder's), so
/// that the calibrated edit goes as far along the real change as the change itself. It is
/// clamped to [1, `maxGain`]; an edit that moves against the change (⟨m, t⟩ ≤ 0) keeps 1.
public enum LayoutEditCalibration {
  /// The gain for one attribute from its measured move (see the type's summary).
  public static func gain(_ move: S2FEvaluation.LayoutMove, maxGain: Float) -> Float {
    let covered = move.ratio * move.alignment
    guard covered > 0 else { return 1 }
    return Float(min(Double(maxGain), max(1, 1 / covered)))
  }

  /// One measured move and gain per attribute, on `faces` validation identities (the
  /// evaluation uses the test split).
  public static func run(
    model m: S2FGAN, faces: Int = 48, maxGain: Float = 3, threads: Int = 2,
    progress: ((Int) -> Void)? = nil
  ) -> [(move: S2FEvaluation.LayoutMove, gain: Float)] {
    precondition(m.layoutEditor != nil, "calibration needs a layout editor")
    let params = (0..<faces).map { FaceSynth.params(index: $0, seed: 41, split: .val) }
    let samples = FaceSynth.render(params, size: m.config.imageSize, threads: threads)
    var out: [(move: S2FEvaluation.LayoutMove, gain: Float)] = []
    for (j, a) in Attribute.allCases.enumerated() where j < m.config.attributeCount {
      let move = S2FEvaluation.layoutMove(
        m, attribute: a, params: params, samples: samples, variant: .dis, calibrated: false,
        threads: threads)
      out.append((move, gain(move, maxGain: maxGain)))
      progress?(j + 1)
    }
    return out
  }
}
