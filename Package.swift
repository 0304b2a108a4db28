// swift-tools-version: 6.2
// EdgeMLOps: an edge machine-learning inspection agent for Raspberry Pi and x86-64.
// The module map is described in docs/ARCHITECTURE.md; keep the two consistent.
import PackageDescription

/// Swift settings applied to every Swift target (swift-log's house rules, minus InternalImportsByDefault).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
]

/// C settings for our own C code: warnings on, release builds without asserts.
let cSettings: [CSetting] = [
    .enableWarning("all"),
    .define("NDEBUG", .when(configuration: .release)),
]

let package = Package(
    name: "EdgeMLOps",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "edgemlops", targets: ["edgemlops"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // MARK: System libraries (Debian -dev packages; shims for what Swift cannot import)
        .systemLibrary(name: "CLua", pkgConfig: "lua5.4", providers: [.apt(["liblua5.4-dev"])]),
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),
        .systemLibrary(name: "CV4L2", pkgConfig: "libv4l2", providers: [.apt(["libv4l-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // MARK: Our C code
        .target(name: "CEdgeBridge", dependencies: ["CLua"], cSettings: cSettings),
        .target(name: "CKernels", cSettings: cSettings),
        .target(name: "CVision", cSettings: cSettings),

        // MARK: Swift modules
        .target(
            name: "EdgeFlows",
            dependencies: ["CLua", "CEdgeBridge", .product(name: "Logging", package: "swift-log")],
            resources: [
                .embedInCode("Runtime/core.lua"), .embedInCode("Runtime/nodes_sources.lua"),
                .embedInCode("Runtime/nodes_routing.lua"), .embedInCode("Runtime/nodes_timing.lua"),
                .embedInCode("Runtime/nodes_function.lua"), .embedInCode("Runtime/nodes_sinks.lua"),
                .embedInCode("Runtime/build.lua"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EdgeCloud",
            dependencies: ["CMosquitto", "CSQLite", "EdgeFlows", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EdgeVision",
            dependencies: ["CV4L2", "CTurboJPEG", "CZlib", "CVision", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(name: "EdgeInference", dependencies: ["CKernels"], swiftSettings: swiftSettings),
        .target(name: "EdgeQuantization", dependencies: ["EdgeInference", "EdgeVision"], swiftSettings: swiftSettings),
        .target(
            name: "EdgeAgent",
            dependencies: [
                "EdgeFlows", "EdgeCloud", "EdgeVision", "EdgeInference", "EdgeOps", "EdgeQuantization", "CKernels", "CEdgeBridge",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EdgeOps",
            dependencies: [
                "EdgeInference", "EdgeCloud", "EdgeFlows", "CZlib", "CSodium",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "edgemlops",
            dependencies: [
                "EdgeAgent",
                "EdgeCloud",
                "EdgeFlows",
                "EdgeInference",
                "EdgeVision",
                "EdgeOps",
                "EdgeQuantization",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Test support and tests
        .target(name: "EdgeTestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "EdgeFlowsTests", dependencies: ["EdgeFlows"], swiftSettings: swiftSettings),
        .testTarget(
            name: "EdgeCloudTests",
            dependencies: ["EdgeCloud", "EdgeTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EdgeVisionTests",
            dependencies: [
                "EdgeVision", "EdgeTestSupport", "CTurboJPEG", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EdgeQuantizationTests",
            dependencies: ["EdgeQuantization", "EdgeInference", "EdgeTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "CKernelsTests", dependencies: ["CKernels"], swiftSettings: swiftSettings),
        .testTarget(
            name: "EdgeInferenceTests",
            dependencies: ["EdgeInference"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EdgeModelsTests",
            dependencies: ["EdgeInference", "EdgeVision", "EdgeQuantization"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EdgeMLOpsCLITests",
            dependencies: ["edgemlops", "EdgeVision", "EdgeInference", "EdgeTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EdgeOpsTests",
            dependencies: [
                "EdgeOps", "EdgeInference", "EdgeCloud", "EdgeFlows", "EdgeTestSupport", "CZlib", "CSodium",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EdgeAgentTests",
            dependencies: [
                "EdgeAgent", "EdgeTestSupport", "EdgeCloud", "EdgeFlows", "EdgeVision", "EdgeInference", "EdgeOps",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    cLanguageStandard: .gnu11
)
