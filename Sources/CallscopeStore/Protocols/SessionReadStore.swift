import CallscopeCore

/// What the API and the dashboard read of recorded sessions: the list, one session's
/// participants, services, streams and samples, its health, its events and errors.
public protocol SessionReadStore: Sendable {
    func sessions(_ query: SessionQuery) async throws -> SessionPage
    func session(id: String) async throws -> Session?
    /// The participants of a session id (ongoing or ended).
    func participants(sessionId: String) async throws -> [Participant]
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
    /// The dump files imported into a session, oldest first: whose view of the call it holds.
    func importedFiles(sessionId: String) async throws -> [ImportedFile]
}

extension SessionReadStore {
    /// One session's ``HealthDigest``; empty when it has no slices yet.
    public func healthDigest(sessionId: String, limits: HealthThresholds, sliceMs: Int64) async throws -> HealthDigest {
        try await healthDigests(sessionIds: [sessionId], limits: limits, sliceMs: sliceMs)[sessionId]
            ?? HealthDigest(limits: limits, sliceMs: sliceMs)
    }
}
