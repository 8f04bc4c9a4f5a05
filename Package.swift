// swift-tools-version: 6.0
// Visage: a terminal face editor with its own neural engine.
import PackageDescription

#if arch(x86_64)
  import Foundation

  /// Whether the build host has AVX-512 (read from /proc/cpuinfo; false where it is absent).
  let hostHasAVX512: Bool = {
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else {
      return false
    }
    return info.split(separator: "\n").contains {
      $0.hasPrefix("flags") && $0.split(separator: " ").contains("avx512f")
    }
  }()

  /// `VISAGE_PORTABLE=1` builds a binary for any AVX2 machine (to run on another host).
  let portable = ProcessInfo.processInfo.environment["VISAGE_PORTABLE"] != nil

  /// Release builds target the host CPU on AVX-512 hosts (Visage is built where it runs) and
  /// enable the 16-lane convolution kernel; other x86-64 hosts get AVX2/FMA (Haswell).
  let cpuFlags: [SwiftSetting] =
    hostHasAVX512 && !portable
    ? [
      .unsafeFlags(["-target-cpu", "native"], .when(configuration: .release)),
      .define("VISAGE_AVX512", .when(configuration: .release)),
    ]
    : [.unsafeFlags(["-target-cpu", "haswell"], .when(configuration: .release))]
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
