import CallscopeCore
import CallscopeServer
import CallscopeStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// The ingest writes of a real SQLite store, made to fail at will as a full disk would; the rest
/// of the store is the real one (``ComposedStore``).
final class FailingIngestStore: IngestStore {
    let inner: SQLiteStore
    let failWrites = Atomic<Bool>(false)

    init(_ inner: SQLiteStore) { self.inner = inner }

    func write(_ batch: IngestBatch) async throws {
        if failWrites.load(ordering: .relaxed) { throw CocoaError(.fileWriteOutOfSpace) }
        try await inner.write(batch)
    }

    func ongoingSessions() async throws -> [OngoingSession] { try await inner.ongoingSessions() }
    func savePeerConnectionSnapshots(_ s: [PeerConnectionSnapshot]) async throws { try await inner.savePeerConnectionSnapshots(s) }
    func takePeerConnectionSnapshots() async throws -> [PeerConnectionSnapshot] { try await inner.takePeerConnectionSnapshots() }
    func importedFile(projectId: String, contentSHA256: String) async throws -> ImportedFile? {
        try await inner.importedFile(projectId: projectId, contentSHA256: contentSHA256)
    }
    func importedSessionId(projectId: String, meetingId: String) async throws -> String? {
        try await inner.importedSessionId(projectId: projectId, meetingId: meetingId)
    }
}

@Suite("Commit failures")
struct CommitFailureTests {
    @Test("a failed commit acknowledges nothing; state goes back; later requests work")
    func failedCommit() async throws {
        let server = try TestServer()
        defer { server.remove() }
        let sqlite = try SQLiteStore(path: server.databasePath)
        let failing = FailingIngestStore(sqlite)
        let store = ComposedStore(base: sqlite, ingest: failing)
        _ = try await Bootstrap.prepare(store: store, ingestKey: TestServer.ingestKey, apiToken: TestServer.apiToken, nowMs: 0,
                                        adminPassword: TestServer.adminPassword, bcryptCost: 4)
        let app = try await buildApplication(configuration: server.configuration, store: store)
        try await app.test(.router) { client in
            let t0 = Messages.t0
            let (_, first) = try await client.ingest(Messages.batch(
                Messages.join("bob", seq: 1, ts: t0),
                Messages.receiverStats("bob", from: "alice", seq: 2, ts: t0 + 2_000, bytes: 100_000, packets: 100, lost: 0, frames: 30)))
            let sessionId = try #require(first["acks"]?.array?.first?["sessionId"]?.string)

            failing.failWrites.store(true, ordering: .relaxed)
            let delta = #"{"type":"stats","meetingId":"abcd-efgh-ijkl","participantId":"bob","seq":3,"ts":\#(t0 + 4_000),"pc":"pc-1","timestamp":\#(t0 + 4_000),"delta":{"IT01V1":{"bytesReceived":350000,"packetsReceived":340}}}"#
            let (failedStatus, failed) = try await client.ingest(delta)
            #expect(failedStatus == .serviceUnavailable)
            #expect(failed["acks"] == nil)
            #expect(failed["error"]?["code"]?.string == "storage_unavailable")

            failing.failWrites.store(false, ordering: .relaxed)
            // The peer connection touched by the failed batch is forgotten: its delta needs a full report.
            let (retryStatus, retry) = try await client.ingest(delta)
            #expect(retryStatus == .badRequest)
            #expect(retry["error"]?["code"]?.string == "full_report_required")
            // seq 3 was never stored, so a full report with seq 3 is accepted, not a duplicate.
            let (fullStatus, full) = try await client.ingest(
                Messages.receiverStats("bob", from: "alice", seq: 3, ts: t0 + 4_000, bytes: 350_000, packets: 340, lost: 0, frames: 90))
            #expect(fullStatus == .ok)
            #expect(full["stored"]?.int64 == 1)
            #expect(full["acks"]?.array?.first?["seq"]?.int64 == 3)
            let (_, streams) = try await client.api("/api/v1/sessions/\(sessionId)/streams")
            #expect(streams["items"]?.array?.first?["receiverSamples"]?.int64 == 2)
        }
    }
}
