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
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),     // the results store
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),         // templates and configuration
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),   // SHA-256 of documents and heads
    ],
    targets: [
        // C libraries
        .systemLibrary(name: "CPoppler", pkgConfig: "poppler-glib",
                       providers: [.apt(["libpoppler-glib-dev", "libcairo2-dev"])]),
        .systemLibrary(name: "CTIFF", pkgConfig: "libtiff-4", providers: [.apt(["libtiff-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CLinux"),

        // Stages, in the order data flows through them
        .target(name: "QZoomCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Raster", dependencies: ["QZoomCore", "CPoppler", "CTIFF", "CJPEG", "CPNG"]),
        .target(name: "NeuralRuntime", dependencies: ["COpenBLAS"], swiftSettings: neuralRuntimeFlags),
        .target(name: "Perception", dependencies: ["QZoomCore", "Raster", "NeuralRuntime"]),
        // The engine: templates, answerer, the Q-Zoom heads and their training
        .target(name: "QZoom", dependencies: [
            "QZoomCore", "Perception", "NeuralRuntime",
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        .target(name: "Store", dependencies: ["QZoomCore", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "Ingest", dependencies: ["QZoomCore", "Raster", "QZoom", "Store", "CLinux",
                                               .product(name: "TOMLKit", package: "TOMLKit")]),
        // The boxes `qzoom show` draws over a page
        .target(name: "Overlay", dependencies: ["QZoomCore", "CCairo"]),
        .executableTarget(name: "qzoom", dependencies: [
            "QZoomCore", "Raster", "NeuralRuntime", "Perception", "QZoom", "Store", "Ingest", "Overlay",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Benchmarks (each has a script under scripts/ that runs it, side by side with its peer)
        .executableTarget(name: "raster-benchmark", dependencies: ["Raster", "QZoomCore", "CPoppler"],
                          path: "Benchmarks/RasterBenchmark"),
        .executableTarget(name: "runtime-bench", dependencies: ["Perception", "NeuralRuntime"],
                          path: "Benchmarks/RuntimeBenchmark"),
        .executableTarget(name: "minilm-benchmark", dependencies: ["NeuralRuntime", "Perception"],
                          path: "Benchmarks/MiniLMBenchmark"),
        .executableTarget(name: "answer-oracle", dependencies: [
            "QZoom", "Perception",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Benchmarks/AnswerOracle"),
        .executableTarget(name: "heads-bench", dependencies: ["QZoom", "QZoomCore", "NeuralRuntime"],
                          path: "Benchmarks/HeadsBench"),

        // Tests
        .testTarget(name: "QZoomCoreTests", dependencies: ["QZoomCore"]),
        .testTarget(name: "NeuralRuntimeTests", dependencies: ["NeuralRuntime"]),
        // The C libraries are used directly only to make fixtures (cairo PDFs, exotic PNGs).
        .testTarget(name: "RasterTests", dependencies: ["Raster", "QZoomCore", "CPoppler", "CTIFF", "CPNG"]),
        // Fixtures are read from the source tree (written by scripts/reference/*).
        .testTarget(name: "PerceptionTests", dependencies: ["Perception", "NeuralRuntime", "Raster", "QZoomCore"], exclude: ["Fixtures"]),
        .testTarget(name: "QZoomTests", dependencies: ["QZoom", "QZoomCore", "Perception", "NeuralRuntime"]),
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        // These run the built qzoom binary: a real daemon process on real files in temporary folders.
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "QZoom", "Store", "QZoomCore", "CCairo"]),
        .testTarget(name: "QZoomCLITests", dependencies: ["qzoom", "Raster", "QZoomCore"]),
    ]
)
