/// The peer connections of a recording, each with its stats state: every `stats` message of a
/// dump goes through the same derivation as live data here, for `callscope report`
/// (``OfflineCall``) and for imports alike. A report the derivation refuses is counted and
/// skipped, not fatal: one bad report in an hour-long dump leaves the rest.
public struct RecordedPeerConnections: Sendable {
    private var connections: [String: (stats: PeerConnectionStats, path: ConnectionPath?)] = [:]
    private let options: StatsDerivationOptions
    /// Stats reports the derivation refused, with why (the first few).
    public private(set) var refused: [String] = []
    public private(set) var refusedCount = 0

    public init(options: StatsDerivationOptions = StatsDerivationOptions()) {
        self.options = options
    }

    /// The samples `stats` (sent by `message`'s participant) yields, and the connection's path
    /// when the selected candidate pair changed with it.
    public mutating func derive(_ stats: IngestMessage.Stats, of message: IngestMessage)
        -> (samples: [DerivedSample], newPath: ConnectionPath?) {
        guard let pid = message.participantId else { return ([], nil) }
        let key = pid + "\u{0}" + stats.pc
        var entry = connections.removeValue(forKey: key) ?? (PeerConnectionStats(options: options), nil)
        defer { connections[key] = entry }
        // A whole recording starts where its deltas do: from an empty report (live ingest asks
        // for a full report instead, as its state may have been lost).
        if case .delta = stats.body, entry.stats.lastReport == nil {
            entry.stats = PeerConnectionStats(restoring: StatsReport(), options: options)
        }
        let labels = stats.labels.flatMap { try? StreamLabels(parsing: $0) } ?? StreamLabels()
        let context = StreamContext(participantId: pid, remoteParticipantId: stats.remoteParticipantId, labels: labels,
                                    messageTsMs: message.tsMs)
        var samples: [DerivedSample] = []
        do {
            samples = switch stats.body {
            case .full(let report): try entry.stats.ingest(report: report, context: context)
            case .delta(let delta): try entry.stats.ingest(delta: delta, timestampMs: stats.timestampMs, context: context)
            }
        } catch {
            refusedCount += 1
            if refused.count < 5 { refused.append("\(pid) \(stats.pc) at \(message.tsMs): \(error.field): \(error.message)") }
        }
        guard let path = entry.stats.connectionPath, path != entry.path else { return (samples, nil) }
        entry.path = path
        return (samples, path)
    }
}
