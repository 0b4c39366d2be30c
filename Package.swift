// swift-tools-version:6.1
import PackageDescription

/// Settings shared by every target: Swift 6 language mode plus explicit `any`.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

/// `MLMD_FUZZ=1` declares the libFuzzer harness `mlmd-fuzz`, which only links with
/// `-sanitize=fuzzer` (scripts/fuzz.sh); ordinary builds and the test build never see it.
let fuzzing = Context.environment["MLMD_FUZZ"] == "1"

/// `MLMD_CORE_ONLY=1` leaves out the gRPC server (`mlmd-serve`) and its tests, so that the core's
/// edit-build-test loop never compiles gRPC (README, "Building"). `mlmd` itself never depends on it.
let server = Context.environment["MLMD_CORE_ONLY"] != "1"

let package = Package(
    name: "MLMetadata",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "MLMetadata", targets: ["MLMetadata"]),
        .library(name: "MLMetadataGit", targets: ["MLMetadataGit"]),
        // The same library as a shared object, for `mlmd script` (Swift scripts that import MLMetadata).
        .library(name: "MLMetadataScripting", type: .dynamic, targets: ["MLMetadata"]),
        .executable(name: "mlmd", targets: ["mlmd"]),
    ] + (server ? [
        // MLMD's gRPC service over a store; `mlmd serve` runs it.
        .executable(name: "mlmd-serve", targets: ["mlmd-serve"]),
        // Import from a running MLMD service; `mlmd import grpc://HOST:PORT` runs it.
        .executable(name: "mlmd-import-grpc", targets: ["mlmd-import-grpc"]),
    ] : []),
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ] + (server ? [
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ] : []),
    targets: [
        // syncfs(2) and friends, which need _GNU_SOURCE.
        .target(name: "CMLMDShims"),
        // Core: data model, JSON format, store, index cache. No libgit2.
        .target(
            name: "MLMetadata",
            dependencies: [
                "CMLMDShims",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // libgit2 (Debian's libgit2-dev) for Swift: the header and shims for its variadic calls.
        .systemLibrary(name: "CGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
        // Git integration: commit runs, history, reading the store at any revision.
        .target(
            name: "MLMetadataGit",
            dependencies: [
                "MLMetadata",
                "CGit2",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Moving in and out of MLMD: reading and writing MLMD's SQLite databases, importing them.
        .target(
            name: "MLMDInterchange",
            dependencies: [
                "MLMetadata",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        // The TFX-like example pipeline that produces `sample-store/`.
        .target(
            name: "MLMetadataSamples",
            dependencies: ["MLMetadata"],
            swiftSettings: swiftSettings
        ),
        // The command-line tool's commands: a thin layer over the libraries.
        .target(
            name: "MLMDCommandLine",
            dependencies: [
                "MLMetadata",
                "MLMetadataGit",
                "MLMetadataSamples",
                "MLMDInterchange",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // `mlmd` itself: runs MLMDCommandLine.
        .executableTarget(
            name: "mlmd",
            dependencies: ["MLMDCommandLine"],
            swiftSettings: swiftSettings
        ),
        // The MLMD benchmark scenario replayed against MLMetadata (BENCHMARKS.md).
        .executableTarget(
            name: "mlmd-bench",
            dependencies: [
                "MLMetadata",
                "MLMetadataGit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // Drives a store from a child process, for the crash and concurrency tests.
        .executableTarget(
            name: "mlmd-stress",
            dependencies: ["MLMetadata"],
            swiftSettings: swiftSettings
        ),
    ] + (server ? [
        // MLMD 1.17.1's protocol: messages, server and client, generated (scripts/grpc/generate.sh).
        .target(
            name: "MLMDServiceProtocol",
            dependencies: [
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
            ],
            exclude: ["README.md", "Generated/VERSIONS"]
        ),
        // MLMD's wire messages and the store's model, both ways (the server and the gRPC import).
        .target(
            name: "MLMDWire",
            dependencies: [
                "MLMetadata",
                "MLMDInterchange",
                "MLMDServiceProtocol",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        // The MetadataStoreService over a store: the 52 calls, git commits of runs.
        .target(
            name: "MLMDServer",
            dependencies: [
                "MLMetadata",
                "MLMetadataGit",
                "MLMDServiceProtocol",
                "MLMDWire",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Reading a running MLMD service through its API, for `mlmd import grpc://…`.
        .target(
            name: "MLMDInterchangeGRPC",
            dependencies: [
                "MLMetadata",
                "MLMDInterchange",
                "MLMDServiceProtocol",
                "MLMDWire",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        // `mlmd-import-grpc`: `mlmd import grpc://…` execs it.
        .executableTarget(
            name: "mlmd-import-grpc",
            dependencies: [
                "MLMDInterchangeGRPC",
                "MLMDCommandLine",
                "MLMDInterchange",
                "MLMetadata",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // `mlmd-serve`: the server process (`mlmd serve` execs it).
        .executableTarget(
            name: "mlmd-serve",
            dependencies: [
                "MLMDServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ] : []) + (fuzzing ? [
        // libFuzzer's driver function, declared for Swift.
        .target(name: "CMLMDFuzzDriver"),
        // The libFuzzer harness over the filter query, JSON and journal parsers (scripts/fuzz.sh).
        .executableTarget(
            name: "mlmd-fuzz",
            dependencies: ["MLMetadata", "CMLMDFuzzDriver"],
            swiftSettings: swiftSettings
        ),
    ] : []) + [
        .testTarget(
            name: "MLMetadataTests",
            dependencies: ["MLMetadata", "MLMetadataGit", "MLMetadataSamples", "MLMDCommandLine", "mlmd", "mlmd-stress"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MLMDInterchangeTests",
            dependencies: ["MLMDInterchange", "MLMetadata", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
    ] + (server ? [
        .testTarget(
            name: "MLMDServerTests",
            dependencies: ["MLMDServer", "MLMDServiceProtocol", "MLMDWire", "MLMDInterchange", "MLMDInterchangeGRPC", "MLMetadata",
                           "MLMetadataGit", "mlmd", "mlmd-serve", "mlmd-import-grpc",
                           .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
    ] : [])
)
