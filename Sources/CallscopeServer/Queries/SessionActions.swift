import CallscopeCore
import CallscopeStore

/// What the API and the dashboard do to an ongoing session: kick a participant out, record a
/// service (recording, HLS, RTMP) starting or stopping. Both go through the ingest pipeline, so
/// they land on the timeline like everything the collectors send.
struct SessionActions: Sendable {
    let pipeline: IngestPipeline
    let connections: CollectorConnections
    /// The server's clock: kicks and services are stamped with it.
    let clock: WallClock

    /// What a kick did: it is on the timeline; `delivered` says whether the participant's
    /// collector had an open connection to push it to.
    struct KickResult: Sendable {
        var delivered: Bool
    }

    /// Records a kick on the timeline and pushes it to the participant's collector, which calls
    /// the app's `onKick` and leaves with reason `kicked`. A participant whose collector has no
    /// open WebSocket gets the kick when it reconnects or with its next HTTP answer.
    func kick(session: Session, participantId pid: String, reason: String?, actor: String) async throws -> KickResult {
        guard session.status == .ongoing else { throw APIError.conflict("session \(session.id) has ended", field: "sessionId") }
        do {
            try await pipeline.kick(session: session, participantId: pid, by: actor, serverNowMs: clock.nowMs())
        } catch let refusal as KickRefusal {
            switch refusal {
            case .sessionNotOngoing: throw APIError.conflict("session \(session.id) has ended", field: "sessionId")
            case .participantUnknown: throw APIError.notFound("participant \(pid)", field: "participantId")
            case .participantNotPresent:
                throw APIError.conflict("participant \(pid) is no longer in the session", field: "participantId")
            }
        }
        let notice = KickNotice(meetingId: session.meetingId, participantId: pid, reason: reason ?? "removed by \(actor)")
        let delivered = await connections.deliver(
            notice, to: ParticipantAddress(projectId: session.projectId, meetingId: session.meetingId, participantId: pid),
            nowMs: clock.nowMs())
        return KickResult(delivered: delivered)
    }

    /// Records a service change at `tsMs` (now when `nil`); 409 when the session has ended.
    func recordService(_ change: IngestMessage.ServiceChange, session: Session, tsMs: Int64?) async throws {
        let now = clock.nowMs()
        let stored = try await pipeline.recordService(change, session: session, tsMs: tsMs ?? now, serverNowMs: now)
        guard stored else { throw APIError.conflict("session \(session.id) has ended", field: "sessionId") }
    }
}
