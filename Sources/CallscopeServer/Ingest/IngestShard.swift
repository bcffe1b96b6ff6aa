import CallscopeCore
import CallscopeStore
import Logging

/// One shard of the ingest pipeline: the sessions of the meetings hashed to it, their peer
/// connections' stats state, and the group commit of what they produce. Shards run in parallel
/// (one actor each), which is what lets derivation use every core; ``IngestPipeline`` routes
/// each message to its meeting's shard.
///
/// Commits are grouped: while one batch is being written, the next requests accumulate into the
/// following batch, so a busy server writes fewer, larger transactions (and SQLite's per-commit
/// fsync is paid once per group, not per request). If a commit fails, the session state goes
/// back to the last committed one, the peer connections touched since are forgotten (their next
/// delta is refused with `full_report_required`, so no rate is ever derived against a report
/// whose samples were not stored), and every waiting request fails: nothing unstored is acked.
actor IngestShard {
    /// Peer connections are keyed by meeting, not session: a stats message is derived before
    /// the tracker routes it (so that a refused report changes nothing), and a new session's
    /// peer connections have new stat ids anyway.
    struct PeerConnectionKey: Hashable {
        var projectId: String
        var meetingId: String
        var participantId: String
        var pc: String
    }

    struct PeerConnectionEntry {
        var stats: PeerConnectionStats
        var labelsJSON: JSONValue?
        var labels: StreamLabels
        var lastUsedServerMs: Int64
        /// The selected candidate pair's path as last reported, so that a change (a switch to a
        /// TURN relay, an ICE restart onto another network) becomes a `connection-path` event.
        var path: ConnectionPath?
    }

    /// This shard's place among the pipeline's shards (its key in ``ProjectUsage``).
    let shardIndex: Int
    let committer: BatchCommitter
    let options: IngestPipeline.Options
    let usage: ProjectUsage
    /// `peerConnections` per project, kept in step with it.
    var peerConnectionsByProject: [String: Int] = [:]
    /// What this shard last told `usage`.
    var published = ProjectUsage.Counts()
    let logger: Logger
    var tracker: SessionTracker
    var peerConnections: [PeerConnectionKey: PeerConnectionEntry] = [:]
    /// What the requests staged since the last cut add, for the next commit.
    var pending: PendingRows
    /// Commit generations: `pending` becomes generation `collecting` when it is written. A
    /// request staged into a generation is answered once that generation is durable.
    var collecting = 1
    var committedThrough = 0
    /// Whether a request waits for the generation being collected (even one with no rows:
    /// its duplicates' originals may be in it).
    var collectingHasWaiters = false
    var waiters: [Int: [CheckedContinuation<Void, any Error>]] = [:]
    /// Generations whose commit failed, with the error their requests get.
    var failed: [Int: any Error] = [:]
    /// The tracker as of the last successful commit, to go back to if a commit fails.
    var committedTracker: SessionTracker
    /// Peer connections changed by the batch being written, and by the one collecting.
    var touchedInFlight: Set<PeerConnectionKey> = []
    var touchedPending: Set<PeerConnectionKey> = []
    var flushing = false
    let onCommit: @Sendable (IngestBatch) -> Void

    init(index: Int, committer: BatchCommitter, options: IngestPipeline.Options, usage: ProjectUsage, logger: Logger,
         onCommit: @escaping @Sendable (IngestBatch) -> Void) {
        self.shardIndex = index
        self.committer = committer
        self.options = options
        self.usage = usage
        self.logger = logger
        self.onCommit = onCommit
        self.pending = PendingRows(healthSliceMs: options.healthSliceMs, fpsJudgedFromSenderFps: options.fpsJudgedFromSenderFps)
        self.tracker = SessionTracker(options: .init(timeoutMs: options.sessionTimeoutMs))
        self.committedTracker = tracker
    }

    /// Takes over ongoing sessions (and their peer connections' saved reports) after a restart.
    func restore(_ sessions: [(session: Session, participants: [Participant], services: [ServiceUse])],
                 snapshots: [PeerConnectionSnapshot], serverNowMs: Int64) {
        tracker.restore(sessions, serverNowMs: serverNowMs)
        for snapshot in snapshots {
            guard let session = sessions.first(where: { $0.session.id == snapshot.sessionId })?.session,
                  let json = try? JSONValue.parse(snapshot.reportJSON), let reportJSON = json["report"],
                  let report = try? StatsReport(parsing: reportJSON) else { continue }
            let labelsJSON = json["labels"].flatMap { $0.isNull ? nil : $0 }
            let key = PeerConnectionKey(projectId: session.projectId, meetingId: session.meetingId,
                                        participantId: snapshot.participantId, pc: snapshot.pcId)
            peerConnections[key] = PeerConnectionEntry(
                stats: PeerConnectionStats(restoring: report, options: options.derivation), labelsJSON: labelsJSON,
                labels: (try? labelsJSON.map { try StreamLabels(parsing: $0) }) ?? StreamLabels(), lastUsedServerMs: serverNowMs)
        }
        committedTracker = tracker
        recountPeerConnections()
    }

    /// Rebuilds `peerConnectionsByProject` from `peerConnections` (after whole-map changes) and publishes.
    func recountPeerConnections() {
        var counts: [String: Int] = [:]
        for key in peerConnections.keys { counts[key.projectId, default: 0] += 1 }
        peerConnectionsByProject = counts
        publishUsage()
    }

    /// Tells the other shards what this one holds, when it changed.
    func publishUsage() {
        let counts = ProjectUsage.Counts(ongoingMeetings: tracker.ongoingByProjectCounts,
                                         peerConnections: peerConnectionsByProject)
        guard counts != published else { return }
        published = counts
        usage.publish(shard: shardIndex, counts)
    }

    /// The peer connections' last reports of ongoing sessions, once everything is committed.
    func snapshots() async throws -> [PeerConnectionSnapshot] {
        try await waitForCommits()
        return peerConnections.compactMap { key, entry -> PeerConnectionSnapshot? in
            guard let report = entry.stats.lastReport,
                  let session = tracker.ongoingSession(projectId: key.projectId, meetingId: key.meetingId)
            else { return nil }
            return PeerConnectionSnapshot(
                sessionId: session.id, participantId: key.participantId, pcId: key.pc,
                reportJSON: JSONValue.object(["report": report.json, "labels": entry.labelsJSON ?? .null]).serialized())
        }
    }
}
