/// One tick of metric derivation: turns one full report (and the counters remembered from the
/// previous one) into stream samples, and collects the counters to remember for the next one.
/// PRODUCT.md §4 defines every metric; the comments at each computation name the formula.
struct StatsDerivationPass {
    let report: StatsReport
    let index: StatsReportIndex
    let context: StreamContext
    let options: StatsDerivationOptions
    let previousRtp: [String: RtpCounters]
    let previousRemote: [String: RemoteRtpCounters]
    /// Counters to remember for the next report (filled during `run()`).
    var rtp: [String: RtpCounters] = [:]
    var remote: [String: RemoteRtpCounters] = [:]

    private struct GroupKey: Hashable {
        var key: StreamKey
        var side: StreamSide
    }

    init(report: StatsReport, context: StreamContext, options: StatsDerivationOptions,
         previousRtp: [String: RtpCounters], previousRemote: [String: RemoteRtpCounters]) {
        self.report = report
        self.index = StatsReportIndex(report)
        self.context = context
        self.options = options
        self.previousRtp = previousRtp
        self.previousRemote = previousRemote
        rtp.reserveCapacity(index.inboundIds.count + index.outboundIds.count)
    }

    mutating func run() -> [DerivedSample] {
        var groups: [GroupKey: SampleAccumulator] = [:]
        var order: [GroupKey] = []
        func add(_ key: StreamKey, _ side: StreamSide, _ figures: RtpFigures) {
            let group = GroupKey(key: key, side: side)
            if groups[group]?.add(figures) == nil {
                groups[group] = SampleAccumulator(figures)
                order.append(group)
            }
        }
        for id in index.inboundIds {
            if let stat = report.stats[id], case let (key, figures)? = inbound(id: id, stat) {
                add(key, .receiver, figures)
            }
        }
        for id in index.outboundIds {
            if let stat = report.stats[id], case let (key, figures)? = outbound(id: id, stat) {
                add(key, .sender, figures)
            }
        }
        // Counters of stats that left the report are not carried over: `rtp` and `remote` hold
        // only what this report had, so state does not grow over a long call.
        order.sort { lhs, rhs in
            if lhs.side != rhs.side { return lhs.side == .receiver }
            if lhs.key.senderId != rhs.key.senderId { return lhs.key.senderId < rhs.key.senderId }
            if lhs.key.receiverId != rhs.key.receiverId { return (lhs.key.receiverId ?? "") < (rhs.key.receiverId ?? "") }
            return lhs.key.kind.rawValue < rhs.key.kind.rawValue
        }
        return order.compactMap { group in
            groups[group].map { DerivedSample(key: group.key, sample: $0.sample(side: group.side)) }
        }
    }

    // MARK: - Shared

    /// The stat's `timestamp` as the sample time; `nil` (skip the stat) when it has none, since a
    /// sample cannot be placed on the time axis without one.
    func timestamp(_ stat: StatObject) -> (ms: Double, tsMs: Int64)? {
        guard let ms = stat.number("timestamp"), let tsMs = Int64(saturating: ms) else { return nil }
        return (ms, tsMs)
    }

    func stat(_ stat: StatObject, reference member: String) -> StatObject? {
        stat.text(member).flatMap { report.stats[$0] }
    }

    /// Fallback RTT: the selected candidate pair's `currentRoundTripTime` × 1000.
    func candidatePairRttMs(_ rtp: StatObject) -> Double? {
        index.selectedPair(for: rtp, in: report)?.gauge("currentRoundTripTime").map { $0 * 1000 }
    }

    /// Compares a remote stat with its last fresh state and remembers the state for next time.
    mutating func remoteUpdate(id: String, _ stat: StatObject, localPacketsSent: Double?) -> RemoteUpdate? {
        guard case let (ms, _)? = timestamp(stat) else { return nil }
        let current = RemoteRtpCounters(stat, timestampMs: ms, localPacketsSent: localPacketsSent)
        let update = RemoteUpdate(current: current, previous: previousRemote[id], maxGapMs: options.maxGapMs)
        remote[id] = update.remembered
        return update
    }
}
