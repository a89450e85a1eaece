// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Nabla",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Nabla", targets: ["Nabla"]),
        .library(name: "NablaKernels", targets: ["NablaKernels"]),
        .library(name: "NablaNN", targets: ["NablaNN"]),
        .library(name: "NablaGraphviz", targets: ["NablaGraphviz"]),
        .library(name: "NablaTuning", targets: ["NablaTuning"]),
        .library(name: "NablaSessions", targets: ["NablaSessions"]),
        .library(name: "GRU4Rec", targets: ["GRU4Rec"]),
        .library(name: "NablaPages", targets: ["NablaPages"]),
        .library(name: "NablaCommandLine", targets: ["NablaCommandLine"]),
        .library(name: "NARM", targets: ["NARM"]),
        .executable(name: "gru4rec", targets: ["gru4rec"]),
        .executable(name: "narm", targets: ["narm"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        // MARK: - System libraries

        /// CBLAS from OpenBLAS: matrix products for `matmul`.
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),

        /// Graphviz's layout and rendering library, for drawing computation graphs.
        .systemLibrary(
            name: "CGraphviz",
            pkgConfig: "libgvc",
            providers: [.apt(["libgraphviz-dev"])]
        ),

        /// Nabla's vector kernels in C (Adagrad rows, softmax cross-entropy rows, e^x, finiteness,
        /// row moves), built for AVX2+FMA and for the baseline CPU, chosen at run time.
        .target(name: "CNablaKernels"),

        // MARK: - The performance layer: compute threads, BLAS products, vector kernels, with
        // array faces, so that the teaching code above it never touches an unsafe pointer

        .target(
            name: "NablaKernels",
            dependencies: ["COpenBLAS", "CNablaKernels"]
        ),

        // MARK: - Core: tensors and reverse-mode autodiff

        .target(
            name: "Nabla",
            dependencies: [
                "NablaKernels",
                .product(name: "RealModule", package: "swift-numerics"),
            ]
        ),

        // MARK: - Layers, losses, optimizers, safetensors

        .target(
            name: "NablaNN",
            dependencies: ["Nabla", "NablaKernels"]
        ),

        // MARK: - Hyperparameter search for any model: spaces, TPE, median pruning, journals

        .target(
            name: "NablaTuning",
            dependencies: ["Nabla", "NablaNN"]
        ),

        // MARK: - Session machinery: data, batches, sampling, the session-model protocol, training,
        // evaluation, recommendation, checkpoints, preprocessing; for any sequential model

        .target(
            name: "NablaSessions",
            dependencies: ["Nabla", "NablaNN", "NablaKernels"]
        ),

        // MARK: - GRU4Rec: the model, its configuration with the official option names

        .target(
            name: "GRU4Rec",
            dependencies: ["Nabla", "NablaNN", "NablaSessions"]
        ),

        // MARK: - NARM: GRU encoder, attention over a window of its states, bilinear scores

        .target(
            name: "NARM",
            dependencies: ["Nabla", "NablaNN", "NablaSessions"]
        ),

        // MARK: - Self-contained HTML pages: sections, tables, inline SVG charts, embedded data

        .target(name: "NablaPages"),

        // MARK: - The command-line library: train, evaluate, recommend, explain, tune, benchmark
        // and draw for any registered session model

        .target(
            name: "NablaCommandLine",
            dependencies: [
                "Nabla", "NablaKernels", "NablaNN", "NablaSessions", "NablaGraphviz", "NablaTuning", "NablaPages",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        /// The `gru4rec` command: the command-line library with GRU4Rec registered, and its demo,
        /// preprocessing, generated data and interop with the official implementation.
        .executableTarget(
            name: "gru4rec",
            dependencies: [
                "GRU4Rec", "Nabla", "NablaKernels", "NablaNN", "NablaGraphviz", "NablaTuning", "NablaCommandLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        /// The `narm` command: the command-line library with NARM registered.
        .executableTarget(
            name: "narm",
            dependencies: [
                "NARM", "NablaSessions", "NablaCommandLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        /// Mutation fuzzing of every parser of outside input.
        .executableTarget(
            name: "NablaFuzz",
            dependencies: ["GRU4Rec", "Nabla", "NablaNN", "NablaTuning"]
        ),

        // MARK: - Drawing computation graphs

        .target(
            name: "NablaGraphviz",
            dependencies: ["Nabla", "NablaNN", "NablaPages", "CGraphviz"]
        ),

        // MARK: - Examples

        .executableTarget(
            name: "AutodiffBasics",
            dependencies: ["Nabla"],
            path: "Examples/AutodiffBasics"
        ),

        .executableTarget(
            name: "VisualizeGRU",
            dependencies: ["Nabla", "NablaNN", "NablaGraphviz"],
            path: "Examples/VisualizeGRU"
        ),

        /// Tutorial 6's models (an LSTM recommender and a stacked one) with their command-line registrations.
        .target(
            name: "LSTMRecommenders",
            dependencies: ["Nabla", "NablaNN", "NablaSessions", "NablaCommandLine"],
            path: "Examples/LSTMRecommenders"
        ),

        .executableTarget(
            name: "CustomSequentialModel",
            dependencies: ["Nabla", "NablaNN", "NablaSessions", "NablaGraphviz", "GRU4Rec", "LSTMRecommenders"],
            path: "Examples/CustomSequentialModel"
        ),

        /// `custom-model`: the command-line library with tutorial 6's two models registered.
        .executableTarget(
            name: "custom-model",
            dependencies: ["LSTMRecommenders", "NablaCommandLine", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Examples/CustomModelCommand"
        ),

        .executableTarget(
            name: "TrainOnYourData",
            dependencies: ["Nabla", "GRU4Rec"],
            path: "Examples/TrainOnYourData"
        ),

        // MARK: - Tests

        /// Helpers shared by the test targets: tolerance comparisons, gradient-check expectations,
        /// small session data and the shared real data.
        .target(
            name: "NablaTestSupport",
            dependencies: ["Nabla", "NablaSessions"],
            path: "Tests/NablaTestSupport"
        ),
        .testTarget(
            name: "NablaKernelsTests",
            dependencies: ["NablaKernels", "Nabla"]
        ),
        .testTarget(
            name: "NablaTests",
            dependencies: ["Nabla", "NablaKernels", "NablaTestSupport"]
        ),
        .testTarget(
            name: "ExampleTests",
            dependencies: ["NablaTestSupport"]
        ),
        .testTarget(
            name: "TutorialTests",
            dependencies: ["Nabla", "NablaNN", "NablaGraphviz", "NablaPages", "GRU4Rec", "NARM", "NablaTestSupport"]
        ),
        .testTarget(
            name: "GRU4RecTests",
            dependencies: ["GRU4Rec", "NablaSessions", "NablaTuning", "NablaCommandLine", "NablaPages", "Nabla", "NablaKernels", "NablaNN", "NablaTestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "NARMTests",
            dependencies: ["NARM", "GRU4Rec", "NablaSessions", "Nabla", "NablaNN", "NablaTestSupport"]
        ),
        .testTarget(
            name: "NablaSessionsTests",
            dependencies: ["NablaSessions", "Nabla", "NablaKernels", "NablaNN", "NablaTestSupport"]
        ),
        .testTarget(
            name: "NablaPagesTests",
            dependencies: ["NablaPages"]
        ),
        .testTarget(
            name: "NablaTuningTests",
            dependencies: ["NablaTuning", "Nabla", "NablaTestSupport"]
        ),
        .testTarget(
            name: "NablaGraphvizTests",
            dependencies: ["Nabla", "NablaNN", "NablaGraphviz", "NablaPages", "NablaTestSupport"]
        ),
        .testTarget(
            name: "NablaNNTests",
            dependencies: ["Nabla", "NablaKernels", "NablaNN", "NablaTestSupport"],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
