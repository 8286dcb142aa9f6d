// swift-tools-version:6.1
import PackageDescription

// Data flows one way: raster → perception → engine → store → ingest/CLI.
// Each stage is one module and imports only the stages before it.
// C libraries live in thin system-library targets, used only by the module that owns them.

// NeuralRuntime's inner loops are bounds-checked by construction (shapes are validated when a plan is
// made), so release builds drop Swift's checks there, and on x86-64 target AVX2/FMA (Haswell, 2013+).
#if arch(x86_64)
let neuralRuntimeFlags: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-target-cpu", "haswell"], .when(configuration: .release))]
#else
let neuralRuntimeFlags: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
#endif

let package = Package(
    name: "qzoom",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "qzoom", targets: ["qzoom"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Templates (config/templates/*.toml)
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // C libraries
        .systemLibrary(name: "CPoppler", pkgConfig: "poppler-glib",
                       providers: [.apt(["libpoppler-glib-dev", "libcairo2-dev"])]),
        .systemLibrary(name: "CTIFF", pkgConfig: "libtiff-4", providers: [.apt(["libtiff-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),

        // Stages
        .target(name: "QZoomCore"),
        .target(name: "Raster", dependencies: ["QZoomCore", "CPoppler", "CTIFF", "CJPEG", "CPNG"]),
        .target(name: "NeuralRuntime", dependencies: ["COpenBLAS"], swiftSettings: neuralRuntimeFlags),
        .target(name: "Perception", dependencies: ["QZoomCore", "NeuralRuntime"]),
        // The engine: templates and the answerer
        .target(name: "QZoom", dependencies: [
            "QZoomCore", "Perception",
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        .executableTarget(name: "qzoom", dependencies: [
            "QZoomCore", "Raster",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Benchmarks
        .executableTarget(name: "raster-benchmark", dependencies: ["Raster", "QZoomCore", "CPoppler"],
                          path: "Benchmarks/RasterBenchmark"),
        .executableTarget(name: "minilm-benchmark", dependencies: ["NeuralRuntime", "Perception"],
                          path: "Benchmarks/MiniLMBenchmark"),

        // Tests
        .testTarget(name: "QZoomCoreTests", dependencies: ["QZoomCore"]),
        // The C libraries are used directly only to make fixtures (cairo PDFs, exotic PNGs).
        .testTarget(name: "RasterTests", dependencies: ["Raster", "QZoomCore", "CPoppler", "CTIFF", "CPNG"]),
        // Runs the built qzoom binary.
        .testTarget(name: "QZoomCLITests", dependencies: ["qzoom", "Raster", "QZoomCore"]),
        // Benchmarks (scripts/bench-runtime runs this side by side with onnxruntime)
        .executableTarget(name: "runtime-bench", dependencies: ["Perception", "NeuralRuntime"], path: "Benchmarks/RuntimeBenchmark"),

        .testTarget(name: "NeuralRuntimeTests", dependencies: ["NeuralRuntime"]),
        // The answerer on sroie-dev's ground-truth lines as oracle OCR (upper bound, no OCR needed).
        .executableTarget(name: "answer-oracle", dependencies: [
            "QZoom", "Perception",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Benchmarks/AnswerOracle"),

        .testTarget(name: "QZoomTests", dependencies: ["QZoom", "QZoomCore", "Perception"]),
        // Fixtures are read from the source tree (written by scripts/reference/minilm-reference).
        .testTarget(name: "PerceptionTests", dependencies: ["Perception", "NeuralRuntime"], exclude: ["Fixtures"]),
    ]
)
