import CallscopeCore
import CallscopeStore

/// The rows a run of routed ingest messages adds, gathered until they are written in one
/// ``IngestBatch``: their errors, samples, path changes, the tracker's changed sessions, and the
/// health figures they add per (session, participant, kind, slice). Live ingest keeps one per
/// shard and cuts a batch from it per commit; an import fills one for the whole file.
struct PendingRows: Sendable {
    struct HealthKey: Hashable {
        var sessionId: String
        var participantId: String
        var kind: MediaKind
        var startMs: Int64
    }

    let healthSliceMs: Int64
    /// Receivers' FPS is judged only for streams whose sender sends at least this many.
    let fpsJudgedFromSenderFps: Double
    private(set) var rows = IngestBatch()
    private(set) var health: [HealthKey: HealthAccumulator] = [:]
    /// The latest FPS each sender reported per stream, per session, to judge receivers' FPS
    /// fairly; it outlives the cuts, as a sender's last report does.
    private var senderFps: [String: [StreamKey: Double]] = [:]

    init(healthSliceMs: Int64, fpsJudgedFromSenderFps: Double) {
        self.healthSliceMs = healthSliceMs
        self.fpsJudgedFromSenderFps = fpsJudgedFromSenderFps
    }

    var isEmpty: Bool { rows.isEmpty && health.isEmpty }

    /// Adds what a stored message contributes beyond the tracker's rows: its errors, samples and
    /// health figures.
    mutating func collect(_ message: IngestMessage, sessionId: String, derived: [DerivedSample]) {
        guard let pid = message.participantId else { return }
        switch message.payload {
        case .error(let failure):
            rows.errors.append(SessionError(
                sessionId: sessionId, participantId: pid, tsMs: message.tsMs, code: failure.code, message: failure.message,
                severity: failure.severity, source: failure.source, dataJSON: failure.data.serialized()))
        case .stats:
            for d in derived {
                rows.samples.append(KeyedSample(sessionId: sessionId, key: d.key, sample: d.sample))
                addHealth(d, sessionId: sessionId, participantId: pid)
            }
        default:
            break
        }
    }

    /// A `connection-path` timeline event: `{pc, local, remote, protocol, relayProtocol, relayAddress}`
    /// (candidate types as webrtc-stats names them), which the diagnosis reads for TURN relays.
    mutating func collectPathChange(_ path: ConnectionPath, pc: String, message: IngestMessage, sessionId: String) {
        rows.events.append(TimelineEvent(sessionId: sessionId, participantId: message.participantId, tsMs: message.tsMs,
                                         name: "connection-path", dataJSON: path.eventData(pc: pc).serialized()))
    }

    /// The tracker's changed sessions, participants, services and timeline entries.
    mutating func collect(_ changes: SessionChanges) {
        guard !changes.isEmpty else { return }
        rows.sessions.append(contentsOf: changes.sessions)
        rows.participants.append(contentsOf: changes.participants)
        rows.services.append(contentsOf: changes.services)
        rows.events.append(contentsOf: changes.events)
        for session in changes.sessions where session.status == .ended {
            senderFps[session.id] = nil
        }
    }

    /// Everything collected, as one batch; what is collected next goes into the next one.
    mutating func cut() -> IngestBatch {
        var batch = rows
        batch.health = health.map { key, figures in
            HealthSlice(sessionId: key.sessionId, participantId: key.participantId, kind: key.kind,
                        startMs: key.startMs, figures: figures)
        }
        discard()
        return batch
    }

    /// Drops what was collected (a failed commit's requests are refused, and their rows go).
    mutating func discard() {
        rows = IngestBatch()
        health = [:]
    }

    /// A sample counts toward the health of the participant that measured it: a sender's view of
    /// its uplink, a receiver's view of what reaches it.
    private mutating func addHealth(_ d: DerivedSample, sessionId: String, participantId: String) {
        let judgeFps: Bool
        if d.sample.side == .sender {
            if let fps = d.sample.fps { senderFps[sessionId, default: [:]][d.key] = fps }
            judgeFps = false
        } else {
            let sent = senderFps[sessionId]?[d.key]
                ?? senderFps[sessionId]?[StreamKey(senderId: d.key.senderId, receiverId: nil, kind: d.key.kind)]
            judgeFps = d.key.kind.isVideo && (sent ?? fpsJudgedFromSenderFps) >= fpsJudgedFromSenderFps
        }
        // Sample times are held to ``EpochTime/range`` at the edge (live ingest: within a day of
        // the server's clock), so this cannot overflow; the slice starts at or below the time.
        let start = d.sample.tsMs - ((d.sample.tsMs % healthSliceMs) + healthSliceMs) % healthSliceMs
        let key = HealthKey(sessionId: sessionId, participantId: participantId, kind: d.key.kind, startMs: start)
        health[key, default: HealthAccumulator()].add(d.sample, judgeFps: judgeFps)
    }
}
