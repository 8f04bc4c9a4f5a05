// What a renderer gets and gives: the seam between the editor and the models.

import FaceSynth
import Imaging
import Models

/// One render job: a prepared model input plus the edits.
public struct RenderRequest: Sendable {
  /// Identifies the input (path, kind, crop) for latent caching.
  public var sourceKey: String
  /// Model input: a gray sketch (1 = paper) or an RGB photo, at the model size.
  public var input: Image
  public var kind: SourceKind
  public var targets: [Float?]
  public var variant: EditVariant
  public var expression: FaceExpression?
  public var intensity: Float
  /// Increases with each request of a session; lets a worker drop stale jobs.
  public var generation: Int

  public init(
    sourceKey: String, input: Image, kind: SourceKind, state: EditState, generation: Int = 0
  ) {
    self.sourceKey = sourceKey
    self.input = input
    self.kind = kind
    targets = state.targets
    variant = state.variant
    expression = state.expression
    intensity = state.intensity
    self.generation = generation
  }
}

/// A finished render.
public struct RenderedEdit: Sendable {
  /// The edited face, RGB in [0, 1].
  public var image: Image
  /// The model's reading of each attribute of the unedited source, in [-1, 1] (nil: no model).
  public var scores: [Float]?
  /// Inference time.
  public var milliseconds: Double
  /// Honest remarks, such as "S2F model absent: showing the source".
  public var notes: [String]
  /// The request's generation.
  public var generation: Int

  public init(
    image: Image, scores: [Float]?, milliseconds: Double, notes: [String], generation: Int
  ) {
    self.image = image
    self.scores = scores
    self.milliseconds = milliseconds
    self.notes = notes
    self.generation = generation
  }
}

/// What is known about the loaded weights, for the status bar and recipes.
public struct ModelStatus: Sendable, Equatable {
  /// Training steps of the S2F weights; nil when the file is absent or unreadable.
  public var s2fSteps: Int?
  /// Training steps of the SARGAN weights; nil when absent.
  public var sarganSteps: Int?
  /// A fingerprint of the weight files (changes when they are retrained).
  public var fingerprint: String
  /// Why a model is missing, if one is.
  public var problems: [String]
  /// What `visage eval s2f` measured for the S2F weights, such as `DIS edits 9%` (nil: not
  /// evaluated).
  public var s2fMeasure: String?
  /// What `visage eval sargan` measured for the SARGAN weights, such as `expressions 0%`.
  public var sarganMeasure: String?

  public init(
    s2fSteps: Int?, sarganSteps: Int?, fingerprint: String, problems: [String],
    s2fMeasure: String? = nil, sarganMeasure: String? = nil
  ) {
    self.s2fSteps = s2fSteps
    self.sarganSteps = sarganSteps
    self.fingerprint = fingerprint
    self.problems = problems
    self.s2fMeasure = s2fMeasure
    self.sarganMeasure = sarganMeasure
  }

  /// Short text such as `s2f 1200 steps, DIS edits 9% · sargan untrained`: how far each model is
  /// trained and, once evaluated, how often its edits reach their target on held-out faces.
  public var summary: String {
    func part(_ name: String, _ steps: Int?, _ measure: String?) -> String {
      guard let s = steps else { return "\(name) untrained" }
      return "\(name) \(s) steps" + (measure.map { ", \($0)" } ?? "")
    }
    return part("s2f", s2fSteps, s2fMeasure) + " · " + part("sargan", sarganSteps, sarganMeasure)
  }
}

/// Turns render requests into images.
///
/// Implementations must be deterministic and may be called from a background thread
/// (one call at a time).
public protocol Renderer: AnyObject, Sendable {
  /// The loaded models.
  var status: ModelStatus { get }
  /// The model input side length (128).
  var inputSize: Int { get }
  /// Renders a request.
  func render(_ request: RenderRequest) throws -> RenderedEdit
  /// Reloads weights from disk (after training rewrote them).
  func reload()
}
