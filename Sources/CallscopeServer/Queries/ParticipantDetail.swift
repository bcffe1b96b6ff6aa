import CallscopeCore
import CallscopeStore

/// The participant sidebar of one participant: attempts, client, location, and health per kind
/// with the raw slices (which the dashboard draws as health bars).
struct ParticipantDetail: Sendable {
    var session: Session
    var participant: Participant
    /// Every health slice of the participant, oldest first.
    var slices: [HealthSlice]
    /// Share of time per colour, per kind the participant had.
    var summaries: [HealthSummary]
    var totalDurationMs: Int64

    var participantId: String { participant.participantId }
    /// Time the participant took to establish its connection (first attempt that reported it).
    var joiningTimeMs: Int64? { participant.attempts.lazy.compactMap(\.setupMs).first }

    func slices(of kind: MediaKind) -> [HealthSlice] { slices.filter { $0.kind == kind } }
    func summary(of kind: MediaKind) -> HealthSummary? { summaries.first { $0.kind == kind } }
}

/// Health slices of one participant and kind, with their summary: the API's health answer.
struct KindHealth: Sendable {
    var participantId: String
    var kind: MediaKind
    var summary: HealthSummary?
    /// Oldest first.
    var slices: [HealthSlice]
}

extension SessionQueries {
    /// 404 (`participantId`) when the participant never joined the session.
    func participant(_ pid: String, of session: Session) async throws -> ParticipantDetail {
        guard let p = try await store.participants(sessionId: session.id).first(where: { $0.participantId == pid }) else {
            throw APIError.notFound("participant \(pid)", field: "participantId")
        }
        let slices = try await store.healthSlices(sessionId: session.id, participantId: pid).sorted { $0.startMs < $1.startMs }
        let limits = try await limits(of: session)
        return ParticipantDetail(session: session, participant: p, slices: slices,
                                 summaries: HealthSummary.summaries(of: slices, limits: limits),
                                 totalDurationMs: p.durationMs(nowMs: endOrNowMs(of: session)))
    }

    /// Every participant's health per kind they had (or one participant's), by participant id.
    func health(of session: Session, participantId: String?) async throws -> [KindHealth] {
        let slices = try await store.healthSlices(sessionId: session.id, participantId: participantId)
        let limits = try await limits(of: session)
        let byParticipant = Dictionary(grouping: slices, by: \.participantId)
        return byParticipant.keys.sorted().flatMap { pid in
            let byKind = Dictionary(grouping: byParticipant[pid] ?? [], by: \.kind)
            return MediaKind.allCases.compactMap { kind -> KindHealth? in
                guard let s = byKind[kind] else { return nil }
                return KindHealth(participantId: pid, kind: kind, summary: HealthSummary.summaries(of: s, limits: limits).first,
                                  slices: s.sorted { $0.startMs < $1.startMs })
            }
        }
    }
}
