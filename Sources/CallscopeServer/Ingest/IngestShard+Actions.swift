import CallscopeCore
import CallscopeStore

extension IngestShard {
    /// Records a kick in the participant's session (durably) and returns once it is stored.
    func kick(sessionId: String, participantId: String, by actor: String, serverNowMs: Int64) async throws {
        try tracker.recordKick(sessionId: sessionId, participantId: participantId, tsMs: serverNowMs, by: actor)
        collectTrackerChanges()
        try await commitPending()
    }

    /// A service start or stop sent by an app's backend through the API.
    /// Returns `false` when the session is not ongoing (nor just ended).
    func recordService(_ change: IngestMessage.ServiceChange, projectId: String, tsMs: Int64,
                              serverNowMs: Int64) async throws -> Bool {
        let message = IngestMessage(meetingId: nil, participantId: nil, seq: nil, tsMs: tsMs, payload: .service(change))
        guard case .accepted = tracker.accept(message, projectId: projectId, serverNowMs: serverNowMs) else { return false }
        collectTrackerChanges()
        try await commitPending()
        return true
    }
}
