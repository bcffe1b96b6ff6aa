import CallscopeCore
import CallscopeServer
import CallscopeStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// A real SQLite store whose writes can be made to fail, as a full disk would.
final class FailingStore: AnalyticsStore {
    let inner: SQLiteStore
    let failWrites = Atomic<Bool>(false)

    init(_ inner: SQLiteStore) { self.inner = inner }

    func write(_ batch: IngestBatch) async throws {
        if failWrites.load(ordering: .relaxed) { throw CocoaError(.fileWriteOutOfSpace) }
        try await inner.write(batch)
    }

    func createProject(_ project: Project) async throws { try await inner.createProject(project) }
    func projects() async throws -> [Project] { try await inner.projects() }
    func project(ingestKey: String) async throws -> Project? { try await inner.project(ingestKey: ingestKey) }
    func setAllowedOrigins(projectId: String, origins: [String]) async throws -> Bool {
        try await inner.setAllowedOrigins(projectId: projectId, origins: origins)
    }
    func addAPIToken(_ token: APIToken) async throws { try await inner.addAPIToken(token) }
    func apiToken(hash: String) async throws -> APIToken? { try await inner.apiToken(hash: hash) }
    func apiTokens() async throws -> [APIToken] { try await inner.apiTokens() }
    func ongoingSessions() async throws -> [OngoingSession] { try await inner.ongoingSessions() }
    func participants(sessionId: String) async throws -> [Participant] { try await inner.participants(sessionId: sessionId) }
    func savePeerConnectionSnapshots(_ s: [PeerConnectionSnapshot]) async throws { try await inner.savePeerConnectionSnapshots(s) }
    func takePeerConnectionSnapshots() async throws -> [PeerConnectionSnapshot] { try await inner.takePeerConnectionSnapshots() }
    func sessions(_ query: SessionQuery) async throws -> SessionPage { try await inner.sessions(query) }
    func session(id: String) async throws -> Session? { try await inner.session(id: id) }
    func services(sessionId: String) async throws -> [ServiceUse] { try await inner.services(sessionId: sessionId) }
    func streams(sessionId: String) async throws -> [StreamInfo] { try await inner.streams(sessionId: sessionId) }
    func stream(id: Int64) async throws -> StreamInfo? { try await inner.stream(id: id) }
    func healthDigests(sessionIds: [String], limits: HealthThresholds, sliceMs: Int64) async throws -> [String: HealthDigest] {
        try await inner.healthDigests(sessionIds: sessionIds, limits: limits, sliceMs: sliceMs)
    }
    func samples(streamId: Int64, side: StreamSide?, fromMs: Int64?, toMs: Int64?) async throws -> [StreamSample] {
        try await inner.samples(streamId: streamId, side: side, fromMs: fromMs, toMs: toMs)
    }
    func healthSlices(sessionId: String, participantId: String?) async throws -> [HealthSlice] {
        try await inner.healthSlices(sessionId: sessionId, participantId: participantId)
    }
    func events(sessionId: String, participantId: String?) async throws -> [TimelineEvent] {
        try await inner.events(sessionId: sessionId, participantId: participantId)
    }
    func errors(sessionId: String) async throws -> [SessionError] { try await inner.errors(sessionId: sessionId) }
    func sizeOnDiskBytes() async throws -> Int64 { try await inner.sizeOnDiskBytes() }
    func createUser(_ user: DashboardUser) async throws { try await inner.createUser(user) }
    func user(username: String) async throws -> DashboardUser? { try await inner.user(username: username) }
    func user(id: String) async throws -> DashboardUser? { try await inner.user(id: id) }
    func setPassword(userId: String, passwordHash: String) async throws -> Bool {
        try await inner.setPassword(userId: userId, passwordHash: passwordHash)
    }
    func createWebSession(_ session: WebSession) async throws { try await inner.createWebSession(session) }
    func webSession(tokenHash: String, nowMs: Int64) async throws -> WebSession? {
        try await inner.webSession(tokenHash: tokenHash, nowMs: nowMs)
    }
    func touchWebSession(tokenHash: String, lastSeenMs: Int64, expiresMs: Int64) async throws -> Bool {
        try await inner.touchWebSession(tokenHash: tokenHash, lastSeenMs: lastSeenMs, expiresMs: expiresMs)
    }
    func deleteWebSession(tokenHash: String) async throws { try await inner.deleteWebSession(tokenHash: tokenHash) }
    func deleteWebSessions(userId: String) async throws -> Int { try await inner.deleteWebSessions(userId: userId) }
    func deleteExpiredWebSessions(nowMs: Int64) async throws -> Int { try await inner.deleteExpiredWebSessions(nowMs: nowMs) }
    func addNote(sessionId: String, author: String, text: String, createdMs: Int64) async throws -> SessionNote {
        try await inner.addNote(sessionId: sessionId, author: author, text: text, createdMs: createdMs)
    }
    func notes(sessionId: String) async throws -> [SessionNote] { try await inner.notes(sessionId: sessionId) }
    func createShareLink(_ link: ShareLink) async throws { try await inner.createShareLink(link) }
    func shareLink(tokenHash: String) async throws -> ShareLink? { try await inner.shareLink(tokenHash: tokenHash) }
    func shareLinks(sessionId: String) async throws -> [ShareLink] { try await inner.shareLinks(sessionId: sessionId) }
    func revokeShareLink(tokenHash: String, revokedMs: Int64) async throws -> Bool {
        try await inner.revokeShareLink(tokenHash: tokenHash, revokedMs: revokedMs)
    }
}

@Suite("Commit failures")
struct CommitFailureTests {
    @Test("a failed commit acknowledges nothing; state goes back; later requests work")
    func failedCommit() async throws {
        let server = try TestServer()
        defer { server.remove() }
        let store = FailingStore(try SQLiteStore(path: server.databasePath))
        _ = try await Bootstrap.prepare(store: store, ingestKey: TestServer.ingestKey, apiToken: TestServer.apiToken, nowMs: 0,
                                        adminPassword: TestServer.adminPassword, bcryptCost: 4)
        let app = try await buildApplication(configuration: server.configuration, store: store)
        try await app.test(.router) { client in
            let t0 = Messages.t0
            let (_, first) = try await client.ingest(Messages.batch(
                Messages.join("bob", seq: 1, ts: t0),
                Messages.receiverStats("bob", from: "alice", seq: 2, ts: t0 + 2_000, bytes: 100_000, packets: 100, lost: 0, frames: 30)))
            let sessionId = try #require(first["acks"]?.array?.first?["sessionId"]?.string)

            store.failWrites.store(true, ordering: .relaxed)
            let delta = #"{"type":"stats","meetingId":"abcd-efgh-ijkl","participantId":"bob","seq":3,"ts":\#(t0 + 4_000),"pc":"pc-1","timestamp":\#(t0 + 4_000),"delta":{"IT01V1":{"bytesReceived":350000,"packetsReceived":340}}}"#
            let (failedStatus, failed) = try await client.ingest(delta)
            #expect(failedStatus == .serviceUnavailable)
            #expect(failed["acks"] == nil)
            #expect(failed["error"]?["code"]?.string == "storage_unavailable")

            store.failWrites.store(false, ordering: .relaxed)
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
