import CallscopeCore
import CallscopeStore
import Foundation
import Logging

/// The one path every ingest message takes: session routing and de-duplication
/// (``SessionTracker``), stats derivation (``PeerConnectionStats``), health slices, then a
/// group commit to the store; a request's answer is sent only after the commit that holds its
/// messages.
///
/// Sessions belong to meetings, so the work is split by meeting over several ``IngestShard``
/// actors that run in parallel. A request whose messages all belong to one meeting (what a
/// collector sends) is committed atomically by its shard; one that spans meetings is processed
/// meeting run by meeting run, in order.
///
/// ```swift
/// let pipeline = IngestPipeline(store: store)
/// try await pipeline.restore(serverNowMs: now)
/// let result = try await pipeline.ingest(messages, projectId: project.id, serverNowMs: now)
/// ```
public final class IngestPipeline: Sendable {
    public struct Options: Sendable {
        public var sessionTimeoutMs: Int64 = 30_000
        public var healthSliceMs: Int64 = 10_000
        public var derivation = StatsDerivationOptions()
        /// Receivers' FPS is judged only for streams whose sender sends at least this many
        /// (docs/metrics.md §3.3); a stream whose sender FPS is unknown is judged.
        public var fpsJudgedFromSenderFps: Double = 15
        /// Parallel shards; one per core by default.
        public var shards = max(2, ProcessInfo.processInfo.activeProcessorCount)
        /// What a key holder may grow; also sets `derivation`'s stat limits.
        public var limits = IngestLimits() {
            didSet {
                derivation.maxStatTimestampSkewMs = Double(limits.maxStatTimestampSkewMs)
                derivation.maxStatsPerReport = limits.maxStatsPerReport
            }
        }
        public init() {}
    }

    let store: any IngestStore & SessionReadStore
    /// What it was made with (imports derive with the same).
    let options: Options
    let shards: [IngestShard]
    let observers = CommitObservers()
    /// What every shard holds per project, for the limits that span shards.
    let usage = ProjectUsage()

    public init(store: any IngestStore & SessionReadStore, options: Options = Options(), logger: Logger = Logger(label: "callscope.ingest")) {
        self.store = store
        self.options = options
        let observers = self.observers
        let committer = BatchCommitter(store: store)
        let usage = self.usage
        shards = (0..<max(1, options.shards)).map { index in
            IngestShard(index: index, committer: committer, options: options, usage: usage, logger: logger,
                        onCommit: { observers.notify($0) })
        }
    }

    /// The shard of a meeting: stable for the life of the process, which is all it needs.
    func shard(projectId: String, meetingId: String) -> IngestShard {
        var hasher = Hasher()
        hasher.combine(projectId)
        hasher.combine(meetingId)
        return shards[Int(UInt(bitPattern: hasher.finalize()) % UInt(shards.count))]
    }

    /// Reloads ongoing sessions and the peer-connection snapshots of a graceful shutdown.
    public func restore(serverNowMs: Int64) async throws {
        var byShard: [ObjectIdentifier: [(session: Session, participants: [Participant], services: [ServiceUse])]] = [:]
        for ongoing in try await store.ongoingSessions() {
            let s = ongoing.session
            byShard[ObjectIdentifier(shard(projectId: s.projectId, meetingId: s.meetingId)), default: []]
                .append((s, ongoing.participants, try await store.services(sessionId: s.id)))
        }
        let snapshots = try await store.takePeerConnectionSnapshots()
        for shard in shards {
            let entries = byShard[ObjectIdentifier(shard)] ?? []
            let ids = Set(entries.map(\.session.id))
            await shard.restore(entries, snapshots: snapshots.filter { ids.contains($0.sessionId) }, serverNowMs: serverNowMs)
        }
    }

    /// Saves the peer connections' last reports so that collectors' deltas apply after a restart.
    /// Call after the server stopped taking requests.
    public func saveSnapshots() async throws {
        var all: [PeerConnectionSnapshot] = []
        for shard in shards { all += try await shard.snapshots() }
        try await store.savePeerConnectionSnapshots(all)
    }

    /// Times out silent participants and ends empty sessions in every shard.
    public func expire(serverNowMs: Int64) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for shard in shards { group.addTask { try await shard.expire(serverNowMs: serverNowMs) } }
            try await group.waitForAll()
        }
    }

    /// Called with each committed batch (the live hub subscribes here).
    public func addCommitObserver(_ observer: @escaping @Sendable (IngestBatch) -> Void) {
        observers.add(observer)
    }
}
