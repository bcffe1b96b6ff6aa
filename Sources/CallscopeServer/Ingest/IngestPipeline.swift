import CallscopeCore
import CallscopeStore
import Logging

/// The one path every ingest message takes: session routing and de-duplication
/// (``SessionTracker``), stats derivation (``PeerConnectionStats``), health slices, then a group
/// commit to the store. A request's answer is sent only after the commit that holds its messages.
///
/// Commits are grouped: while one batch is being written, the next requests accumulate into the
/// following batch, so a busy server writes fewer, larger transactions (and SQLite's per-commit
/// fsync is paid once per group, not per request). If a commit fails, the in-memory state goes
/// back to the last committed one and every waiting request fails: nothing unstored is acked.
public actor IngestPipeline {
    public struct Options: Sendable {
        public var sessionTimeoutMs: Int64 = 30_000
        public var healthSliceMs: Int64 = 10_000
        public var derivation = StatsDerivationOptions()
        /// Receivers' FPS is judged only for streams whose sender sends at least this many
        /// (PRODUCT.md §5); a stream whose sender FPS is unknown is judged.
        public var fpsJudgedFromSenderFps: Double = 15
        public init() {}
    }

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
    }

    struct HealthKey: Hashable {
        var sessionId: String
        var participantId: String
        var kind: MediaKind
        var startMs: Int64
    }

    /// What has to go back if a commit fails.
    struct State {
        var tracker: SessionTracker
        var peerConnections: [PeerConnectionKey: PeerConnectionEntry]
    }

    let store: any AnalyticsStore
    let options: Options
    let logger: Logger
    var tracker: SessionTracker
    var peerConnections: [PeerConnectionKey: PeerConnectionEntry] = [:]
    /// The latest FPS each sender reported per stream, to judge receivers' FPS fairly.
    var senderFps: [String: [StreamKey: Double]] = [:]

    var pending = IngestBatch()
    var pendingHealth: [HealthKey: HealthAccumulator] = [:]
    var pendingWaiters: [CheckedContinuation<Void, any Error>] = []
    var committed: State
    var flushing = false
    /// Observers of committed batches (the live hub): called after each successful commit.
    var onCommit: [@Sendable (IngestBatch) -> Void] = []

    public init(store: any AnalyticsStore, options: Options = Options(), logger: Logger = Logger(label: "callscope.ingest")) {
        self.store = store
        self.options = options
        self.logger = logger
        self.tracker = SessionTracker(options: .init(timeoutMs: options.sessionTimeoutMs))
        self.committed = State(tracker: tracker, peerConnections: [:])
    }

    /// Reloads ongoing sessions and the peer-connection snapshots of a graceful shutdown.
    public func restore(serverNowMs: Int64) async throws {
        var entries: [(session: Session, participants: [Participant], services: [ServiceUse])] = []
        for ongoing in try await store.ongoingSessions() {
            entries.append((ongoing.session, ongoing.participants, try await store.services(sessionId: ongoing.session.id)))
        }
        tracker.restore(entries, serverNowMs: serverNowMs)
        for snapshot in try await store.takePeerConnectionSnapshots() {
            guard let json = try? JSONValue.parse(snapshot.reportJSON), let reportJSON = json["report"],
                  let report = try? StatsReport(parsing: reportJSON) else { continue }
            let labelsJSON = json["labels"].flatMap { $0.isNull ? nil : $0 }
            guard let session = entries.first(where: { $0.session.id == snapshot.sessionId })?.session else { continue }
            let key = PeerConnectionKey(projectId: session.projectId, meetingId: session.meetingId,
                                        participantId: snapshot.participantId, pc: snapshot.pcId)
            peerConnections[key] = PeerConnectionEntry(
                stats: PeerConnectionStats(restoring: report, options: options.derivation), labelsJSON: labelsJSON,
                labels: (try? labelsJSON.map(StreamLabels.init(parsing:))) ?? StreamLabels(), lastUsedServerMs: serverNowMs)
        }
        committed = State(tracker: tracker, peerConnections: peerConnections)
        logger.info("restored \(entries.count) ongoing sessions, \(peerConnections.count) peer connections")
    }

    /// Saves the peer connections' last reports so that collectors' deltas apply after a restart.
    /// Call after the last request was answered and before the store closes.
    public func saveSnapshots() async throws {
        try await waitForCommits()
        let snapshots = committed.peerConnections.compactMap { key, entry -> PeerConnectionSnapshot? in
            guard let report = entry.stats.lastReport,
                  let session = committed.tracker.ongoingSession(projectId: key.projectId, meetingId: key.meetingId)
            else { return nil }
            return PeerConnectionSnapshot(sessionId: session.id, participantId: key.participantId, pcId: key.pc,
                                          reportJSON: JSONValue.object(["report": report.json, "labels": entry.labelsJSON ?? .null])
                                              .serialized())
        }
        try await store.savePeerConnectionSnapshots(snapshots)
    }

    public func addCommitObserver(_ observer: @escaping @Sendable (IngestBatch) -> Void) {
        onCommit.append(observer)
    }
}
