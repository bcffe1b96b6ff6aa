import CallscopeCore

/// A full ``AnalyticsStore`` made of one store per capability: each call goes to the part that
/// holds that capability. Tests use it to put a double of one capability (an ``IngestStore``
/// whose writes fail, say) in front of a real engine for everything else.
///
/// ```swift
/// let sqlite = try SQLiteStore(path: path)
/// let store = ComposedStore(base: sqlite, ingest: DiskFullIngestStore(sqlite))
/// ```
public struct ComposedStore: AnalyticsStore {
    public let ingest: any IngestStore
    public let reads: any SessionReadStore
    public let credentials: any CredentialStore
    public let dashboard: any DashboardDataStore
    let base: any AnalyticsStore

    /// `base` serves every capability that is not given.
    public init(base: any AnalyticsStore, ingest: (any IngestStore)? = nil, reads: (any SessionReadStore)? = nil,
                credentials: (any CredentialStore)? = nil, dashboard: (any DashboardDataStore)? = nil) {
        self.base = base
        self.ingest = ingest ?? base
        self.reads = reads ?? base
        self.credentials = credentials ?? base
        self.dashboard = dashboard ?? base
    }

    public func sizeOnDiskBytes() async throws -> Int64 { try await base.sizeOnDiskBytes() }
}

extension ComposedStore {
    public func write(_ batch: IngestBatch) async throws { try await ingest.write(batch) }
    public func ongoingSessions() async throws -> [OngoingSession] { try await ingest.ongoingSessions() }
    public func savePeerConnectionSnapshots(_ snapshots: [PeerConnectionSnapshot]) async throws {
        try await ingest.savePeerConnectionSnapshots(snapshots)
    }
    public func takePeerConnectionSnapshots() async throws -> [PeerConnectionSnapshot] {
        try await ingest.takePeerConnectionSnapshots()
    }
    public func importedFile(projectId: String, contentSHA256: String) async throws -> ImportedFile? {
        try await ingest.importedFile(projectId: projectId, contentSHA256: contentSHA256)
    }
    public func importedSessionId(projectId: String, meetingId: String) async throws -> String? {
        try await ingest.importedSessionId(projectId: projectId, meetingId: meetingId)
    }
}

extension ComposedStore {
    public func sessions(_ query: SessionQuery) async throws -> SessionPage { try await reads.sessions(query) }
    public func session(id: String) async throws -> Session? { try await reads.session(id: id) }
    public func participants(sessionId: String) async throws -> [Participant] {
        try await reads.participants(sessionId: sessionId)
    }
    public func services(sessionId: String) async throws -> [ServiceUse] { try await reads.services(sessionId: sessionId) }
    public func streams(sessionId: String) async throws -> [StreamInfo] { try await reads.streams(sessionId: sessionId) }
    public func stream(id: Int64) async throws -> StreamInfo? { try await reads.stream(id: id) }
    public func samples(streamId: Int64, side: StreamSide?, fromMs: Int64?, toMs: Int64?) async throws -> [StreamSample] {
        try await reads.samples(streamId: streamId, side: side, fromMs: fromMs, toMs: toMs)
    }
    public func healthSlices(sessionId: String, participantId: String?) async throws -> [HealthSlice] {
        try await reads.healthSlices(sessionId: sessionId, participantId: participantId)
    }
    public func healthDigests(sessionIds: [String], limits: HealthThresholds, sliceMs: Int64) async throws
        -> [String: HealthDigest] {
        try await reads.healthDigests(sessionIds: sessionIds, limits: limits, sliceMs: sliceMs)
    }
    public func events(sessionId: String, participantId: String?) async throws -> [TimelineEvent] {
        try await reads.events(sessionId: sessionId, participantId: participantId)
    }
    public func errors(sessionId: String) async throws -> [SessionError] { try await reads.errors(sessionId: sessionId) }
    public func importedFiles(sessionId: String) async throws -> [ImportedFile] {
        try await reads.importedFiles(sessionId: sessionId)
    }
}

extension ComposedStore {
    public func createProject(_ project: Project) async throws { try await credentials.createProject(project) }
    public func projects() async throws -> [Project] { try await credentials.projects() }
    public func project(ingestKey: String) async throws -> Project? { try await credentials.project(ingestKey: ingestKey) }
    public func setAllowedOrigins(projectId: String, origins: [String]) async throws -> Bool {
        try await credentials.setAllowedOrigins(projectId: projectId, origins: origins)
    }
    public func setThresholds(projectId: String, thresholds: HealthThresholds) async throws -> Bool {
        try await credentials.setThresholds(projectId: projectId, thresholds: thresholds)
    }
    public func addAPIToken(_ token: APIToken) async throws { try await credentials.addAPIToken(token) }
    public func apiToken(hash: String) async throws -> APIToken? { try await credentials.apiToken(hash: hash) }
    public func apiTokens() async throws -> [APIToken] { try await credentials.apiTokens() }
    public func createUser(_ user: DashboardUser) async throws { try await credentials.createUser(user) }
    public func user(username: String) async throws -> DashboardUser? { try await credentials.user(username: username) }
    public func user(id: String) async throws -> DashboardUser? { try await credentials.user(id: id) }
    public func setPassword(userId: String, passwordHash: String) async throws -> Bool {
        try await credentials.setPassword(userId: userId, passwordHash: passwordHash)
    }
    public func createWebSession(_ session: WebSession) async throws { try await credentials.createWebSession(session) }
    public func webSession(tokenHash: String, nowMs: Int64) async throws -> WebSession? {
        try await credentials.webSession(tokenHash: tokenHash, nowMs: nowMs)
    }
    public func touchWebSession(tokenHash: String, lastSeenMs: Int64, expiresMs: Int64) async throws -> Bool {
        try await credentials.touchWebSession(tokenHash: tokenHash, lastSeenMs: lastSeenMs, expiresMs: expiresMs)
    }
    public func deleteWebSession(tokenHash: String) async throws { try await credentials.deleteWebSession(tokenHash: tokenHash) }
    public func deleteWebSessions(userId: String) async throws -> Int { try await credentials.deleteWebSessions(userId: userId) }
    public func deleteExpiredWebSessions(nowMs: Int64) async throws -> Int {
        try await credentials.deleteExpiredWebSessions(nowMs: nowMs)
    }
}

extension ComposedStore {
    public func addNote(sessionId: String, author: String, text: String, createdMs: Int64) async throws -> SessionNote {
        try await dashboard.addNote(sessionId: sessionId, author: author, text: text, createdMs: createdMs)
    }
    public func notes(sessionId: String) async throws -> [SessionNote] { try await dashboard.notes(sessionId: sessionId) }
    public func createShareLink(_ link: ShareLink) async throws { try await dashboard.createShareLink(link) }
    public func shareLink(tokenHash: String) async throws -> ShareLink? { try await dashboard.shareLink(tokenHash: tokenHash) }
    public func shareLinks(sessionId: String) async throws -> [ShareLink] { try await dashboard.shareLinks(sessionId: sessionId) }
    public func revokeShareLink(tokenHash: String, revokedMs: Int64) async throws -> Bool {
        try await dashboard.revokeShareLink(tokenHash: tokenHash, revokedMs: revokedMs)
    }
}
