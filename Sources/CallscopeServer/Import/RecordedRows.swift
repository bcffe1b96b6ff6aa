import CallscopeCore
import CallscopeStore

/// The rows one recorded participant's messages make, as live ingest would have stored them:
/// the session tracker routes each message (with the recording's own time as its clock), the
/// stats go through ``RecordedPeerConnections``, and ``PendingRows`` gathers samples, health,
/// events and errors into one batch.
struct RecordedRows {
    /// An ended session an earlier import made, which this recording joins.
    struct Joined: Sendable {
        var session: Session
        var participants: [Participant]
        var services: [ServiceUse]
    }

    private var tracker: SessionTracker
    private var peerConnections: RecordedPeerConnections
    private var rows: PendingRows
    private let projectId: String
    private let timeoutMs: Int64
    private var lastMs: Int64 = 0
    private(set) var sessionId: String?

    init(options: IngestPipeline.Options, projectId: String, joining joined: Joined?) {
        tracker = SessionTracker(options: .init(timeoutMs: options.sessionTimeoutMs))
        peerConnections = RecordedPeerConnections(options: options.derivation)
        rows = PendingRows(healthSliceMs: options.healthSliceMs, fpsJudgedFromSenderFps: options.fpsJudgedFromSenderFps)
        self.projectId = projectId
        timeoutMs = options.sessionTimeoutMs
        if let joined {
            // Taken up as if it were going on: the tracker adds the newcomer and ends it again
            // when they leave, at the latest leave of anyone.
            var session = joined.session
            session.status = .ongoing
            session.endMs = nil
            tracker.restore([(session, joined.participants, joined.services)], serverNowMs: joined.session.startMs)
        }
    }

    var refusedReports: Int { peerConnections.refusedCount }

    mutating func add(_ message: IngestMessage, nowMs: Int64) {
        var derived: [DerivedSample] = []
        var newPath: ConnectionPath?
        if case .stats(let stats) = message.payload { (derived, newPath) = peerConnections.derive(stats, of: message) }
        lastMs = max(lastMs, message.tsMs)
        guard case .accepted(let id, _, _) = tracker.accept(message, projectId: projectId, serverNowMs: message.tsMs,
                                                             newSessionId: { SessionID.generate(nowMs: nowMs) })
        else { return }
        sessionId = id
        rows.collect(message, sessionId: id, derived: derived)
        if let newPath, case .stats(let stats) = message.payload {
            rows.collectPathChange(newPath, pc: stats.pc, message: message, sessionId: id)
        }
    }

    /// Everything, with the session ended (a recording that stops without a leave times out
    /// at its last message).
    mutating func finish() -> IngestBatch {
        // Drained first: the time-out below also forgets sessions that ended more than a
        // time-out before it, and with them their last changes.
        rows.collect(tracker.drainChanges())
        tracker.expire(serverNowMs: lastMs.adding(saturating: timeoutMs).adding(saturating: 1))
        rows.collect(tracker.drainChanges())
        return rows.cut()
    }
}
