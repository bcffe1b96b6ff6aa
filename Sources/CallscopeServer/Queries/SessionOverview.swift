import CallscopeCore
import CallscopeStore

/// Every Overview field and the participant table of one session, as of `nowMs`.
struct SessionOverview: Sendable {
    /// One row of the participant table.
    struct ParticipantRow: Sendable {
        var participant: Participant
        /// Share of time per colour, per media kind the participant had.
        var health: [HealthSummary]
        var durationMs: Int64

        var participantId: String { participant.participantId }
        /// Time the participant took to establish its connection (first attempt that reported it).
        var joinTimeMs: Int64? { participant.attempts.lazy.compactMap(\.setupMs).first }
    }

    var session: Session
    var services: [ServiceUse]
    /// In order of their first join.
    var participants: [ParticipantRow]
    /// The session's end, or now while it is ongoing.
    var nowMs: Int64
    /// The dumps it was imported from, oldest first; empty for a live session.
    var importedFiles: [ImportedFile] = []

    var durationMs: Int64 { nowMs.subtracting(saturating: session.startMs) }
    var uniqueParticipants: Int { participants.count }
    /// Sum of every participant's time in the session.
    var participantMinutes: Double {
        Double(participants.reduce(Int64(0)) { $0.adding(saturating: $1.durationMs) }) / 60_000
    }

    /// Display names by participant id (the id when the app gave no name).
    var names: [String: String] {
        Dictionary(participants.map { ($0.participantId, $0.participant.name ?? $0.participantId) },
                   uniquingKeysWith: { a, _ in a })
    }
}

extension SessionQueries {
    /// The Overview. A caller that also shows the timeline passes the digest it read for it.
    func overview(of session: Session, digest known: HealthDigest? = nil) async throws -> SessionOverview {
        let people = try await store.participants(sessionId: session.id)
        let services = try await store.services(sessionId: session.id)
        let digest = if let known { known } else { try await healthDigest(of: session) }
        let now = endOrNowMs(of: session)
        return SessionOverview(
            session: session, services: services,
            participants: people.sorted { ($0.attempts.first?.joinedMs ?? 0) < ($1.attempts.first?.joinedMs ?? 0) }
                .map { row($0, health: digest.summaries[$0.participantId] ?? [], nowMs: now) },
            nowMs: now, importedFiles: try await store.importedFiles(sessionId: session.id))
    }

    /// The participant table alone, in the store's order.
    func participantRows(of session: Session) async throws -> [SessionOverview.ParticipantRow] {
        let health = try await healthDigest(of: session).summaries
        let now = endOrNowMs(of: session)
        return try await store.participants(sessionId: session.id).map {
            row($0, health: health[$0.participantId] ?? [], nowMs: now)
        }
    }

    /// The session's participants, in the store's order (their first join).
    func participants(of session: Session) async throws -> [Participant] {
        try await store.participants(sessionId: session.id)
    }

    private func row(_ p: Participant, health: [HealthSummary], nowMs: Int64) -> SessionOverview.ParticipantRow {
        .init(participant: p, health: health, durationMs: p.durationMs(nowMs: nowMs))
    }
}
