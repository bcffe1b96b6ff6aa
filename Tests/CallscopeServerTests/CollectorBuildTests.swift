import Foundation
import Testing

/// The collector the server ships (`Resources/web/sdk/callscope.js`) is generated from
/// `collector/src/callscope.js` by `collector/build.mjs`. This runs the build's check from
/// `swift test` too, so a source edited without rebuilding, or a build over the 8 KB gzipped
/// budget, fails here and not only in CI.
enum CollectorBuild {
    /// The package's root: this file is `Tests/CallscopeServerTests/CollectorBuildTests.swift`.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Why the check cannot run here, or `nil`.
    static let unavailableReason: String? = {
        guard FileManager.default.fileExists(atPath: packageRoot.appendingPathComponent("collector/build.mjs").path) else {
            return "collector/build.mjs is not beside the tests"
        }
        guard let result = try? node(["--version"]), result.status == 0 else { return "node is not on the PATH" }
        return nil
    }()

    /// Prints the reason once when the test is skipped.
    static let available: Bool = {
        if let reason = unavailableReason { print("Collector build check skipped: \(reason)") }
        return unavailableReason == nil
    }()

    /// Runs `node` with `arguments` in the package root; its exit status and what it printed.
    static func node(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["node"] + arguments
        process.currentDirectoryURL = packageRoot
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}

@Suite("Collector build", .enabled(if: CollectorBuild.available, "needs node (20 or later)"))
struct CollectorBuildTests {
    @Test("the shipped callscope.js is built from the current source and within 8 KB gzipped")
    func shippedFileIsCurrent() throws {
        let result = try CollectorBuild.node(["collector/build.mjs", "--check"])
        #expect(result.status == 0, "node collector/build.mjs --check: \(result.output)")
        #expect(result.output.contains("budget 8192 B"), "unexpected output: \(result.output)")
    }
}
