import CallscopeCore
import CallscopeStore

/// An error as the Errors tab and the API show it: who had it, and what it means.
struct ErrorReport: Sendable {
    var error: SessionError
    var participantName: String?
    var advice: ErrorAdvice
}

extension SessionQueries {
    /// The session timeline, oldest first: what was recorded (joins, leaves, mutes, network and
    /// ICE changes, kicks, services), the errors, and the quality drops the health slices show
    /// (``SessionTimeline``). With a participant, only that participant's entries. A caller that
    /// also shows the Overview passes the digest it read for it.
    func timeline(of session: Session, participantId: String? = nil, digest known: HealthDigest? = nil) async throws
        -> SessionTimeline {
        let recorded = try await store.events(sessionId: session.id, participantId: participantId)
        let errors = try await store.errors(sessionId: session.id)
        let digest = if let known { known } else { try await healthDigest(of: session) }
        return SessionTimeline(recorded: recorded, errors: errors, drops: digest.drops,
                               sessionOngoing: session.status == .ongoing, participantId: participantId)
    }

    /// The Errors tab: every error with who had it and what to do about it, oldest first.
    func errors(of session: Session) async throws -> [ErrorReport] {
        // The app's names only: a participant without one has no name here.
        let names = Dictionary(try await store.participants(sessionId: session.id).map { ($0.participantId, $0.name) },
                               uniquingKeysWith: { a, _ in a })
        return try await store.errors(sessionId: session.id).map {
            ErrorReport(error: $0, participantName: $0.participantId.flatMap { names[$0] ?? nil },
                        advice: ErrorAdvice.forError(code: $0.code, dataJSON: $0.dataJSON, message: $0.message))
        }
    }
}
