import CallscopeCore
import Foundation
import GRDB
import Testing

@testable import CallscopeStore

/// Bytes on disk per sample and ingest speed for realistic streams. They print their figures and
/// run only with `CALLSCOPE_STORE_MEASURE=1` (best with `-c release`): they write hundreds of
/// thousands of samples. `callscope bench` is the real benchmark; these are the store's own view.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["CALLSCOPE_STORE_MEASURE"] != nil), .serialized)
struct SQLiteStoreMeasurements {
    struct Result: CustomStringConvertible {
        var name: String
        var samples: Int
        var bytes: Int64
        var seconds: Double

        var description: String {
            let perSample = Double(bytes) / Double(samples)
            let rate = Double(samples) / seconds
            return "\(name): \(samples) samples, \(bytes) B, \(String(format: "%.2f", perSample)) B/sample, "
                + "\(Int(rate)) samples/s"
        }
    }

    /// Writes `ticks` ticks of `streams` realistic video streams (half sender, half receiver
    /// side), `ticksPerBatch` ticks of every stream per batch, and measures the database growth.
    func measure(_ name: String, streams: Int, ticks: Int, ticksPerBatch: Int) async throws -> Result {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.path("measure.sqlite"))
        let f = Fixture()
        try await store.createProject(f.project)
        var setup = IngestBatch()
        setup.sessions = [f.session]
        try await store.write(setup)
        let empty = try await store.sizeOnDiskBytes()

        var generators = (0..<streams).map {
            RealisticVideoStream(side: $0 % 2 == 0 ? .sender : .receiver, startMs: f.t0, seed: UInt64($0))
        }
        let keys = (0..<streams).map { StreamKey(senderId: "p\($0 / 2)", receiverId: $0 % 2 == 0 ? nil : "r", kind: .video) }
        var batches: [IngestBatch] = []
        for _ in stride(from: 0, to: ticks, by: ticksPerBatch) {
            var batch = IngestBatch()
            batch.samples.reserveCapacity(streams * ticksPerBatch)
            for _ in 0..<ticksPerBatch {
                for s in 0..<streams {
                    batch.samples.append(KeyedSample(sessionId: f.session.id, key: keys[s], sample: generators[s].next()))
                }
            }
            batches.append(batch)
        }
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            for batch in batches { try await store.write(batch) }
        }
        let full = try await store.sizeOnDiskBytes()
        if ProcessInfo.processInfo.environment["CALLSCOPE_STORE_MEASURE_DBSTAT"] != nil {
            try await printSpace(store)
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Result(name: name, samples: streams * ticks, bytes: full - empty, seconds: seconds)
    }

    /// Where the bytes go: pages and unused bytes per table and index (needs SQLite's dbstat).
    func printSpace(_ store: SQLiteStore) async throws {
        let lines = try await store.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT name, count(*) AS pages, sum(pgsize) AS bytes, sum(unused) AS unused, sum(payload) AS payload
                FROM dbstat GROUP BY name ORDER BY bytes DESC LIMIT 4
                """).map { "  \($0["name"] as String): \($0["pages"] as Int) pages, \($0["bytes"] as Int) B, "
                    + "\($0["unused"] as Int) unused, \($0["payload"] as Int) payload" }
            + [try Row.fetchOne(db, sql: "SELECT count(*), sum(length(data)), sum(count) FROM sample_chunk").map {
                "  chunks \($0[0] as Int), data \($0[1] as Int) B, samples \($0[2] as Int)" } ?? ""]
        }
        print(lines.joined(separator: "\n"))
    }

    @Test func oneSteadyVideoStream() async throws {
        print(try await measure("1 stream × 10 000 ticks, 100 ticks per batch", streams: 1, ticks: 10_000, ticksPerBatch: 100))
        print(try await measure("2 streams (sender + receiver side) × 10 000 ticks, 100 ticks per batch", streams: 2,
                                ticks: 10_000, ticksPerBatch: 100))
        print(try await measure("1 stream × 2 000 ticks, 1 tick per batch", streams: 1, ticks: 2000, ticksPerBatch: 1))
    }

    @Test func manyStreamsInterleaved() async throws {
        print(try await measure("200 streams × 100 ticks, 1 tick per batch", streams: 200, ticks: 100, ticksPerBatch: 1))
        print(try await measure("2 000 streams × 60 ticks, 1 tick per batch", streams: 2000, ticks: 60, ticksPerBatch: 1))
        print(try await measure("2 000 streams × 60 ticks, 5 ticks per batch", streams: 2000, ticks: 60, ticksPerBatch: 5))
    }
}
