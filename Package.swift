// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "callscope",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "callscope", targets: ["callscope"]),
        .library(name: "CallscopeCore", targets: ["CallscopeCore"]),
        .library(name: "CallscopeStore", targets: ["CallscopeStore"]),
        .library(name: "CallscopeServer", targets: ["CallscopeServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // zlib for gzip-compressed dumps (already in the graph through hummingbird-websocket).
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
    ],
    targets: [
        // Pure: model, stats normalisation, metric derivation, sessions, health. No I/O.
        .target(name: "CallscopeCore"),
        // libmaxminddb, for GeoIP lookups of a MaxMind DB file (`--geoip-db`).
        .systemLibrary(
            name: "CMaxMindDB",
            pkgConfig: "libmaxminddb",
            providers: [.apt(["libmaxminddb-dev"]), .brew(["libmaxminddb"])]
        ),
        // One storage protocol, the SQLite (GRDB) implementation, versioned migrations.
        .target(
            name: "CallscopeStore",
            dependencies: [
                "CallscopeCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // buildApplication, ingest (HTTP + WebSocket), JSON API.
        .target(
            name: "CallscopeServer",
            dependencies: [
                "CallscopeCore",
                "CallscopeStore",
                "CMaxMindDB",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            resources: [.copy("Resources/openapi.json"), .copy("Resources/web"), .copy("Resources/templates")]
        ),
        .executableTarget(
            name: "callscope",
            dependencies: [
                "CallscopeCore",
                "CallscopeStore",
                "CallscopeServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            ]
        ),
        .testTarget(name: "CallscopeCoreTests", dependencies: ["CallscopeCore"]),
        .testTarget(name: "CallscopeStoreTests", dependencies: ["CallscopeStore"]),
        .testTarget(
            name: "CallscopeServerTests",
            dependencies: [
                "CallscopeServer",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ]
        ),
    ]
)
