import Synchronization

/// What the ingest shards hold per project, summed over shards: the limits a key holder could
/// otherwise spread across meetings (and so across shards) to escape — ongoing meetings and the
/// peer connections kept in memory — are checked against these totals.
///
/// Each shard publishes its own counts after it changes them; a check reads the sum. Counts from
/// another shard may be a moment old, so a limit can be passed by a few entries at most (one per
/// shard racing), never without bound.
final class ProjectUsage: Sendable {
    struct Counts: Sendable, Equatable {
        var ongoingMeetings: [String: Int] = [:]
        var peerConnections: [String: Int] = [:]
    }

    private let byShard = Mutex<[Int: Counts]>([:])

    func publish(shard: Int, _ counts: Counts) {
        byShard.withLock { $0[shard] = counts }
    }

    /// The other shards' ongoing meetings of `projectId` (a shard adds its own, which it knows exactly).
    func ongoingMeetings(projectId: String, besides shard: Int) -> Int {
        byShard.withLock { $0.filter { $0.key != shard }.values.reduce(0) { $0 + ($1.ongoingMeetings[projectId] ?? 0) } }
    }

    func peerConnections(projectId: String, besides shard: Int) -> Int {
        byShard.withLock { $0.filter { $0.key != shard }.values.reduce(0) { $0 + ($1.peerConnections[projectId] ?? 0) } }
    }
}
