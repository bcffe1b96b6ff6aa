import CallscopeCore

/// What ingest writes, and what it reads back to carry on after a restart.
///
/// Writes come as an ``IngestBatch`` that is committed atomically: when ``write(_:)`` returns, the
/// whole batch is durable and the caller may acknowledge it; when it throws, nothing of it is.
public protocol IngestStore: Sendable {
    /// Commits the whole batch in one transaction, durably, or nothing of it.
    func write(_ batch: IngestBatch) async throws
    /// Every ongoing session with its participants: what the ingest pipeline needs after a restart.
    func ongoingSessions() async throws -> [OngoingSession]
    /// Keeps the peer connections' last reports across a graceful restart (see ``PeerConnectionSnapshot``).
    func savePeerConnectionSnapshots(_ snapshots: [PeerConnectionSnapshot]) async throws
    /// Returns the saved snapshots and deletes them, so that a later crash never reuses them.
    func takePeerConnectionSnapshots() async throws -> [PeerConnectionSnapshot]
    /// The import of a dump with this content hash into the project, if there was one.
    func importedFile(projectId: String, contentSHA256: String) async throws -> ImportedFile?
    /// The latest session of the meeting that an import made or joined: where a second
    /// participant's dump of the same meeting goes.
    func importedSessionId(projectId: String, meetingId: String) async throws -> String?
}
