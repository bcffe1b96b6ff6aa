import CallscopeServer
import CallscopeStore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging

/// A real Callscope server run in-process on loopback for measurements, on its own database.
struct BenchServer {
    static let ingestKey = "bench-ingest-key"
    static let apiToken = "bench-api-token"

    let port: Int
    let store: SQLiteStore
    let task: Task<Void, any Error>

    static func start(databasePath: String, port: Int) async throws -> BenchServer {
        let store = try SQLiteStore(path: databasePath)
        _ = try await Bootstrap.prepare(store: store, ingestKey: ingestKey, apiToken: apiToken, nowMs: 0)
        var configuration = ServerConfiguration()
        configuration.port = port
        configuration.maxBodyBytes = 16 << 20
        // Simulated calls run faster than real time; keep sessions open until the data is in.
        configuration.sessionTimeoutMs = 3_600_000
        var logger = Logger(label: "callscope.bench")
        logger.logLevel = .warning
        let app = try await buildApplication(configuration: configuration, store: store, logger: logger)
        let task = Task { try await app.run() }
        let server = BenchServer(port: port, store: store, task: task)
        for _ in 0..<200 {
            if (try? await server.get("/health")) != nil { return server }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchError("the server did not start on port \(port)")
    }

    var wsURL: String { "ws://127.0.0.1:\(port)/ingest/v1/ws?key=\(Self.ingestKey)" }

    /// GET with the API token; returns the body, throwing on a non-200 answer.
    func get(_ path: String) async throws -> Data {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.setValue("Bearer \(Self.apiToken)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw BenchError("GET \(path) answered \((response as? HTTPURLResponse)?.statusCode ?? 0)")
        }
        return data
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
