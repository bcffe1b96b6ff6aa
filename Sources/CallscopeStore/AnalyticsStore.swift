import CallscopeCore

/// Where Callscope keeps everything: one protocol, shaped by what ingest writes and what the API
/// and pages read, with an SQLite (GRDB) implementation now and a PostgreSQL one to follow.
///
/// Writes come as an ``IngestBatch`` that is committed atomically: when ``write(_:)`` returns, the
/// whole batch is durable and the caller may acknowledge it; when it throws, nothing of it is.
///
/// ```swift
/// let store = try SQLiteStore(path: "callscope.sqlite")
/// try await store.write(batch)
/// let page = try await store.sessions(SessionQuery(projectId: project.id))
/// ```
public protocol AnalyticsStore: Sendable {
    // MARK: Projects and credentials

    func createProject(_ project: Project) async throws
    func projects() async throws -> [Project]
    func project(ingestKey: String) async throws -> Project?
    /// Replaces the origins whose pages may send to the project's ingest endpoints (empty: any).
    /// Returns false when there is no such project.
    func setAllowedOrigins(projectId: String, origins: [String]) async throws -> Bool
    /// Stores a token by its SHA-256 hash; the token itself is never stored.
    func addAPIToken(_ token: APIToken) async throws
    func apiToken(hash: String) async throws -> APIToken?
    /// Every token (their hashes only), oldest first.
    func apiTokens() async throws -> [APIToken]

    // MARK: Ingest

    /// Commits the whole batch in one transaction, durably, or nothing of it.
    func write(_ batch: IngestBatch) async throws
    /// Every ongoing session with its participants: what the ingest pipeline needs after a restart.
    func ongoingSessions() async throws -> [OngoingSession]
    /// The session and participants of a session id (ongoing or ended).
    func participants(sessionId: String) async throws -> [Participant]
    /// Keeps the peer connections' last reports across a graceful restart (see ``PeerConnectionSnapshot``).
    func savePeerConnectionSnapshots(_ snapshots: [PeerConnectionSnapshot]) async throws
    /// Returns the saved snapshots and deletes them, so that a later crash never reuses them.
    func takePeerConnectionSnapshots() async throws -> [PeerConnectionSnapshot]

    // MARK: Reads

    func sessions(_ query: SessionQuery) async throws -> SessionPage
    func session(id: String) async throws -> Session?
    func services(sessionId: String) async throws -> [ServiceUse]
    func streams(sessionId: String) async throws -> [StreamInfo]
    func stream(id: Int64) async throws -> StreamInfo?
    /// The samples of one stream, oldest first, with `fromMs <= tsMs < toMs` when bounds are given.
    func samples(streamId: Int64, side: StreamSide?, fromMs: Int64?, toMs: Int64?) async throws -> [StreamSample]
    func healthSlices(sessionId: String, participantId: String?) async throws -> [HealthSlice]
    /// Each session's health read in one pass, classified with `limits`: every participant's share
    /// of time per colour and kind (the participant table, the sessions list) and the quality
    /// drops (the timeline), without handing every slice of a long session to the caller.
    /// Sessions without slices are absent.
    func healthDigests(sessionIds: [String], limits: HealthThresholds, sliceMs: Int64) async throws -> [String: HealthDigest]
    func events(sessionId: String, participantId: String?) async throws -> [TimelineEvent]
    func errors(sessionId: String) async throws -> [SessionError]

    // MARK: Dashboard

    /// Adds a dashboard user; usernames are unique (a second one with the same name throws).
    func createUser(_ user: DashboardUser) async throws
    func user(username: String) async throws -> DashboardUser?
    func user(id: String) async throws -> DashboardUser?
    /// Replaces a user's password hash. Returns false when there is no such user.
    func setPassword(userId: String, passwordHash: String) async throws -> Bool
    /// Stores a signed-in browser's session by its token's SHA-256 hash.
    func createWebSession(_ session: WebSession) async throws
    /// The session of a token hash, only while `nowMs < expiresMs`.
    func webSession(tokenHash: String, nowMs: Int64) async throws -> WebSession?
    /// Slides a session's expiry: sets its `lastSeenMs` and `expiresMs`. Returns false when it is gone.
    func touchWebSession(tokenHash: String, lastSeenMs: Int64, expiresMs: Int64) async throws -> Bool
    func deleteWebSession(tokenHash: String) async throws
    /// Signs a user out everywhere (after a password change). Returns how many sessions went.
    func deleteWebSessions(userId: String) async throws -> Int
    /// Deletes the sessions with `expiresMs <= nowMs`; returns how many.
    func deleteExpiredWebSessions(nowMs: Int64) async throws -> Int
    /// Adds a note to a stored session (throws when there is none) and returns it with its id.
    func addNote(sessionId: String, author: String, text: String, createdMs: Int64) async throws -> SessionNote
    /// A session's notes, oldest first.
    func notes(sessionId: String) async throws -> [SessionNote]
    /// Stores a share link of a stored session by its token's SHA-256 hash.
    func createShareLink(_ link: ShareLink) async throws
    /// The link of a token hash, revoked and expired ones included: the caller decides (``ShareLink/isUsable(atMs:)``).
    func shareLink(tokenHash: String) async throws -> ShareLink?
    /// A session's share links, oldest first, revoked and expired ones included.
    func shareLinks(sessionId: String) async throws -> [ShareLink]
    /// Marks a link revoked at `revokedMs` (a revoked link keeps its first time). Returns false
    /// when there is no such link.
    func revokeShareLink(tokenHash: String, revokedMs: Int64) async throws -> Bool

    /// Disk space used by the database, in bytes (for `callscope bench`).
    func sizeOnDiskBytes() async throws -> Int64
}

extension AnalyticsStore {
    /// One session's ``HealthDigest``; empty when it has no slices yet.
    public func healthDigest(sessionId: String, limits: HealthThresholds, sliceMs: Int64) async throws -> HealthDigest {
        try await healthDigests(sessionIds: [sessionId], limits: limits, sliceMs: sliceMs)[sessionId]
            ?? HealthDigest(limits: limits, sliceMs: sliceMs)
    }
}

/// An application or environment that sends data: its write-only ingest key.
public struct Project: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var ingestKey: String
    public var createdMs: Int64
    /// Web origins (`https://app.example.com`, `https://*.example.com`) whose pages may send
    /// with this project's key. Empty: any origin, the default.
    public var allowedOrigins: [String]

    public init(id: String, name: String, ingestKey: String, createdMs: Int64, allowedOrigins: [String] = []) {
        self.id = id
        self.name = name
        self.ingestKey = ingestKey
        self.createdMs = createdMs
        self.allowedOrigins = allowedOrigins
    }
}

/// A token that reads the API (and sends service events). `projectId == nil` reads every project.
public struct APIToken: Sendable, Hashable, Codable {
    public var tokenHash: String
    public var name: String
    public var projectId: String?
    public var createdMs: Int64

    public init(tokenHash: String, name: String, projectId: String?, createdMs: Int64) {
        self.tokenHash = tokenHash
        self.name = name
        self.projectId = projectId
        self.createdMs = createdMs
    }
}

/// A sample with the stream it belongs to.
public struct KeyedSample: Sendable, Hashable {
    public var sessionId: String
    public var key: StreamKey
    public var sample: StreamSample

    public init(sessionId: String, key: StreamKey, sample: StreamSample) {
        self.sessionId = sessionId
        self.key = key
        self.sample = sample
    }
}

/// Everything one ingest commit changes. Sessions, participants and services are whole rows to
/// insert or replace; samples, events and errors are appended; health slices are *added* to the
/// stored figures of the same (session, participant, kind, startMs).
public struct IngestBatch: Sendable {
    public var sessions: [Session] = []
    public var participants: [Participant] = []
    public var services: [ServiceUse] = []
    public var samples: [KeyedSample] = []
    public var health: [HealthSlice] = []
    public var events: [TimelineEvent] = []
    public var errors: [SessionError] = []

    public init() {}

    public var isEmpty: Bool {
        sessions.isEmpty && participants.isEmpty && services.isEmpty && samples.isEmpty && health.isEmpty
            && events.isEmpty && errors.isEmpty
    }
}

/// An ongoing session and its participants, as the ingest pipeline reloads them at start.
public struct OngoingSession: Sendable, Hashable {
    public var session: Session
    public var participants: [Participant]

    public init(session: Session, participants: [Participant]) {
        self.session = session
        self.participants = participants
    }
}

/// The last full stats report of one peer connection, saved at a graceful shutdown so that the
/// collectors' next `delta` messages still apply after the restart.
public struct PeerConnectionSnapshot: Sendable, Hashable {
    public var sessionId: String
    public var participantId: String
    public var pcId: String
    /// The reconstructed report as JSON text.
    public var reportJSON: String

    public init(sessionId: String, participantId: String, pcId: String, reportJSON: String) {
        self.sessionId = sessionId
        self.participantId = participantId
        self.pcId = pcId
        self.reportJSON = reportJSON
    }
}

/// Filters and paging of the sessions list. Results are newest first.
public struct SessionQuery: Sendable, Hashable {
    /// `nil`: every project.
    public var projectId: String?
    public var meetingId: String?
    public var status: Session.Status?
    /// Sessions that were running at some time in `[fromMs, toMs)`.
    public var fromMs: Int64?
    public var toMs: Int64?
    /// Matches a participant id exactly or a participant name case-insensitively as a substring.
    public var participant: String?
    public var hasErrors: Bool?
    public var sort: SessionSort = .newest
    /// What "now" is for the duration of ongoing sessions when sorting by duration.
    public var nowMs: Int64 = 0
    public var limit: Int = 50
    public var offset: Int = 0

    public init(projectId: String? = nil, meetingId: String? = nil, status: Session.Status? = nil,
                fromMs: Int64? = nil, toMs: Int64? = nil, participant: String? = nil, hasErrors: Bool? = nil,
                limit: Int = 50, offset: Int = 0) {
        self.projectId = projectId
        self.meetingId = meetingId
        self.status = status
        self.fromMs = fromMs
        self.toMs = toMs
        self.participant = participant
        self.hasErrors = hasErrors
        self.limit = limit
        self.offset = offset
    }
}

/// One page of the sessions list.
public struct SessionPage: Sendable, Hashable {
    public var sessions: [SessionSummary]
    /// How many sessions match the filters in all.
    public var total: Int

    public init(sessions: [SessionSummary], total: Int) {
        self.sessions = sessions
        self.total = total
    }
}

/// A session with the counts the list shows.
/// Orders of the sessions list.
public enum SessionSort: String, Sendable, Hashable, CaseIterable {
    case newest, oldest, longest, participants, errors
}

public struct SessionSummary: Sendable, Hashable {
    public var session: Session
    public var uniqueParticipants: Int

    public init(session: Session, uniqueParticipants: Int) {
        self.session = session
        self.uniqueParticipants = uniqueParticipants
    }
}

/// A stream of a session and how many samples each side has.
public struct StreamInfo: Sendable, Hashable {
    public var id: Int64
    public var sessionId: String
    public var key: StreamKey
    public var firstMs: Int64
    public var lastMs: Int64
    public var senderSamples: Int64
    public var receiverSamples: Int64

    public init(id: Int64, sessionId: String, key: StreamKey, firstMs: Int64, lastMs: Int64,
                senderSamples: Int64, receiverSamples: Int64) {
        self.id = id
        self.sessionId = sessionId
        self.key = key
        self.firstMs = firstMs
        self.lastMs = lastMs
        self.senderSamples = senderSamples
        self.receiverSamples = receiverSamples
    }
}

extension IngestBatch {
    /// Adds another batch's rows. Health slices are added as rows too: the store adds figures of
    /// equal keys, so two slices with one key mean their sum.
    public mutating func append(_ other: IngestBatch) {
        sessions += other.sessions
        participants += other.participants
        services += other.services
        samples += other.samples
        health += other.health
        events += other.events
        errors += other.errors
    }
}
