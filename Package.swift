// swift-tools-version:6.1
import PackageDescription

// Data flows one way: raster → perception → engine → store → ingest/CLI.
// Each stage is one module and imports only the stages before it.
// C libraries live in thin system-library targets, used only by the module that owns them.

let package = Package(
    name: "qzoom",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "qzoom", targets: ["qzoom"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Store and ingest
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
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
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CLinux"),

        // Stages
        .target(name: "QZoomCore"),
        .target(name: "Raster", dependencies: ["QZoomCore", "CPoppler", "CTIFF", "CJPEG", "CPNG"]),
        .target(name: "NeuralRuntime", dependencies: ["COpenBLAS"]),
        .target(name: "Perception", dependencies: ["QZoomCore", "NeuralRuntime"]),
        // Store, ingest and the overlay that `qzoom show` draws
        .target(name: "Store", dependencies: ["QZoomCore", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "Ingest", dependencies: ["QZoomCore", "Raster", "Store", "CLinux",
                                               .product(name: "TOMLKit", package: "TOMLKit")]),
        .target(name: "Overlay", dependencies: ["QZoomCore", "CCairo"]),
        .executableTarget(name: "qzoom", dependencies: [
            "QZoomCore", "Raster", "Store", "Ingest", "Overlay",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Tests
        .testTarget(name: "QZoomCoreTests", dependencies: ["QZoomCore"]),
        // The C libraries are used directly only to make fixtures (cairo PDFs, exotic PNGs).
        .testTarget(name: "RasterTests", dependencies: ["Raster", "QZoomCore", "CPoppler", "CTIFF", "CPNG"]),
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        // Drives the built `qzoom` binary (a real daemon process) on real files in temporary folders.
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "Store", "QZoomCore", "CCairo"]),
        // Fixtures are read from the source tree (written by scripts/reference/minilm-reference).
        .testTarget(name: "PerceptionTests", dependencies: ["Perception"], exclude: ["Fixtures"]),
    ]
)
