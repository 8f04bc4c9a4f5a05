// The engine's generator under a name that does not clash with FaceSynth's own.

import Tensor

/// The engine's seeded generator (``SplitMix64`` from the Tensor module).
public typealias EngineRandom = SplitMix64
