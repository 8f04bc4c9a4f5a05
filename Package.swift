// swift-tools-version: 6.0
// Visage: a terminal face editor with its own neural engine.
import PackageDescription

/// Release builds enable AVX2/FMA on x86-64 hosts only; other hosts build with defaults.
#if arch(x86_64)
  let cpuFlags: [SwiftSetting] = [
    .unsafeFlags(["-target-cpu", "haswell"], .when(configuration: .release))
  ]
#else
  let cpuFlags: [SwiftSetting] = []
#endif

let settings = cpuFlags

let package = Package(
  name: "visage",
  products: [
    .executable(name: "visage", targets: ["visage"])
  ],
  targets: [
    .systemLibrary(
      name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
    .systemLibrary(
      name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(
      name: "CNcurses", pkgConfig: "ncursesw", providers: [.apt(["libncurses-dev"])]),

    .target(name: "CImageCodecs", dependencies: ["CPNG", "CJPEG"]),

    .target(name: "Tensor", dependencies: ["COpenBLAS"], swiftSettings: settings),
    .target(name: "NN", dependencies: ["Tensor"], swiftSettings: settings),
    .target(
      name: "Imaging", dependencies: ["Tensor", "CImageCodecs", "CPNG", "CJPEG", "CZlib"],
      swiftSettings: settings),
    .target(name: "FaceSynth", dependencies: ["Imaging"], swiftSettings: settings),
    .target(
      name: "Models", dependencies: ["NN", "Imaging", "FaceSynth"], swiftSettings: settings),
    .target(name: "Studio", dependencies: ["Models"], swiftSettings: settings),
    .target(name: "TUI", dependencies: ["Studio", "CNcurses"], swiftSettings: settings),
    .executableTarget(name: "visage", dependencies: ["TUI"], swiftSettings: settings),

    .target(name: "TestSupport", dependencies: ["NN"], path: "Tests/TestSupport"),
    .testTarget(name: "TensorTests", dependencies: ["Tensor", "TestSupport"]),
    .testTarget(
      name: "NNTests", dependencies: ["NN", "TestSupport"], resources: [.copy("Fixtures")]),
    .testTarget(
      name: "ImagingTests", dependencies: ["Imaging", "TestSupport"], exclude: ["Fixtures"]),
    .testTarget(name: "FaceSynthTests", dependencies: ["FaceSynth", "TestSupport"]),
    .testTarget(
      name: "ModelsTests", dependencies: ["Models", "TestSupport"], exclude: ["Fixtures"]),
    .testTarget(name: "StudioTests", dependencies: ["Studio", "TestSupport"]),
    .testTarget(name: "TUITests", dependencies: ["TUI", "TestSupport"]),
  ]
)
