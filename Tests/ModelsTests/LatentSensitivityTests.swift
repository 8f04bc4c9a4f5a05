// The latent sensitivity probe: one row per input variant, changes measured against the photos.

import Models
import NN
import Tensor
import XCTest

final class LatentSensitivityTests: XCTestCase {
  func testReportsEachVariantAgainstThePhotoLatents() {
    let model = S2FGAN(config: .tiny(attributes: 16), seed: 3)
    let r = LatentSensitivity.run(model: model, count: 6, threads: 2)
    XCTAssertEqual(r.faces, 6)
    XCTAssertEqual(
      r.rows.map(\.name), ["grey photo", "flat grey backdrop", "sketch drawn as a photo"])
    XCTAssertGreaterThan(r.variance, 0)
    for row in r.rows {
      XCTAssertTrue(row.change.isFinite && row.spread.isFinite, row.name)
      // Every variant changes the input, so a random encoder's latents move.
      XCTAssertGreaterThan(row.change, 0, row.name)
    }
    XCTAssertTrue(r.markdown(record: "test").contains("| flat grey backdrop |"))
  }
}
