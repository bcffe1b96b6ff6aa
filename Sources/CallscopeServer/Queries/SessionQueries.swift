import CallscopeCore
import CallscopeStore

/// The read model: what the JSON API and the dashboard pages show of recorded sessions, computed
/// once, here, from the store. Controllers are thin over it: the API turns its answers into JSON
/// (``APIModels``), the pages into HTML. Every value carries the core's types (``MediaKind``,
/// ``Session/Status``, ``HealthSummary``), never display strings.
///
/// ```swift
/// let session = try await queries.session(id: id, visibleTo: token.projectId)
/// let overview = try await queries.overview(of: session)
/// ```
struct SessionQueries: Sendable {
    let store: any SessionReadStore & DashboardDataStore
    /// How each project's sessions are coloured and diagnosed.
    let projectLimits: ProjectLimits
    /// Length of a health slice, as ingest cuts them (`ServerConfiguration.healthSliceMs`).
    let sliceMs: Int64
    /// "Now" for the durations of ongoing sessions and the state of share links.
    let clock: WallClock
    /// Diagnoses already computed (``diagnosis(of:streams:names:)``), shared by every copy.
    let diagnoses: DiagnosisCache

    init(store: any SessionReadStore & DashboardDataStore, limits: ProjectLimits, sliceMs: Int64,
         clock: WallClock, diagnoses: DiagnosisCache = DiagnosisCache()) {
        self.store = store
        self.projectLimits = limits
        self.sliceMs = sliceMs
        self.clock = clock
        self.diagnoses = diagnoses
    }

    // MARK: Sessions

    /// The session of `id` when `projectId` may see it (`nil`: every project); 404 otherwise.
    func session(id: String, visibleTo projectId: String?) async throws -> Session {
        guard let session = try await store.session(id: id), projectId == nil || projectId == session.projectId
        else { throw APIError.notFound("session \(id)", field: "sessionId") }
        return session
    }

    /// The session a share link's token opens, while the link is usable; `nil` for an unknown,
    /// revoked or expired token, whatever the reason.
    func sharedSession(token: String) async throws -> Session? {
        guard let link = try await store.shareLink(tokenHash: Credentials.hash(token)),
              link.isUsable(atMs: clock.nowMs())
        else { return nil }
        return try await store.session(id: link.sessionId)
    }

    /// "Now" for an ongoing session; its end for an ended one.
    func endOrNowMs(of session: Session) -> Int64 {
        session.endMs ?? clock.nowMs()
    }

    /// A page of the sessions list, newest first (or as `query` sorts).
    func sessions(_ query: SessionQuery) async throws -> SessionPage {
        try await store.sessions(query)
    }

    /// The limits `session` is coloured and diagnosed with: its project's.
    func limits(of session: Session) async throws -> HealthThresholds {
        try await projectLimits.limits(projectId: session.projectId)
    }

    /// Each listed session's health, in one store read per project among them.
    func healthDigests(of sessions: [SessionSummary]) async throws -> [String: HealthDigest] {
        var digests: [String: HealthDigest] = [:]
        for (projectId, ofProject) in Dictionary(grouping: sessions, by: \.session.projectId) {
            let limits = try await projectLimits.limits(projectId: projectId)
            digests.merge(try await store.healthDigests(sessionIds: ofProject.map(\.session.id), limits: limits, sliceMs: sliceMs),
                          uniquingKeysWith: { a, _ in a })
        }
        return digests
    }

    func healthDigest(of session: Session) async throws -> HealthDigest {
        try await store.healthDigest(sessionId: session.id, limits: try await limits(of: session), sliceMs: sliceMs)
    }

    /// The services (recording, HLS, RTMP) a session used, as started and stopped.
    func services(of session: Session) async throws -> [ServiceUse] {
        try await store.services(sessionId: session.id)
    }

    // MARK: Notes and share links

    /// A session's notes, oldest first.
    func notes(of session: Session) async throws -> [SessionNote] {
        try await store.notes(sessionId: session.id)
    }

    /// A session's share links, oldest first, revoked and expired ones included.
    func shareLinks(of session: Session) async throws -> [ShareLink] {
        try await store.shareLinks(sessionId: session.id)
    }
}
