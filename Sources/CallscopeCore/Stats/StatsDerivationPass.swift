/// One tick of metric derivation: turns one full report (and the counters remembered from the
/// previous one) into stream samples, and collects the counters to remember for the next one.
/// docs/metrics.md §2 defines every metric; the comments at each computation name the formula.
struct StatsDerivationPass {
    let report: StatsReport
    let index: StatsReportIndex
    let context: StreamContext
    let options: StatsDerivationOptions
    let previousRemote: [String: RemoteRtpCounters]
    /// rtp counters by stat id: the previous pass's on the way in, this pass's on the way out.
    /// Updated in place (one lookup per stat) rather than rebuilt; see `remember(_:id:)`.
    var rtp: RtpCounterStore
    /// Remote counters to remember for the next report (filled during `run()`).
    var remote: [String: RemoteRtpCounters] = [:]
    /// Stats skipped because their `timestamp` is outside the window (see `timestamp(_:)`).
    var droppedStats = 0
    /// `candidatePairRttMs` of the last transport asked about: every rtp stat of a connection
    /// usually shares one transport, so its pair is looked up once per pass, not once per stat.
    private var lastPairRtt: (transportId: String?, rttMs: Double?)?

    init(report: StatsReport, context: StreamContext, options: StatsDerivationOptions,
         rtp: RtpCounterStore, previousRemote: [String: RemoteRtpCounters]) {
        self.report = report
        self.index = StatsReportIndex(report)
        self.context = context
        self.options = options
        self.rtp = rtp
        self.previousRemote = previousRemote
    }

    mutating func run() -> [DerivedSample] {
        rtp.startPass()
        var groups = SampleGroups(capacity: index.inbound.count + index.outbound.count)
        // One `RtpFigures`, overwritten per stat: it is large, and passing it by reference keeps
        // it from being copied on the way out of `inbound`/`outbound`.
        var figures = RtpFigures(statId: "", tsMs: 0)
        for (id, slot) in index.inbound {
            if let key = inbound(id: id, report.records.values[slot], into: &figures) {
                groups.add(key, .receiver, figures)
            }
        }
        for (id, slot) in index.outbound {
            if let key = outbound(id: id, report.records.values[slot], into: &figures) {
                groups.add(key, .sender, figures)
            }
        }
        // Counters of stats that left the report are not carried over: `rtp` and `remote` hold
        // only what this report had, so state does not grow over a long call.
        rtp.endPass()
        return groups.samples()
    }

    // MARK: - Shared

    /// The stat's `timestamp` as the sample time; `nil` (skip the stat) when it has none, since a
    /// sample cannot be placed on the time axis without one, or when it is further than
    /// `options.maxStatTimestampSkewMs` from its message's `ts` (counted in `droppedStats`): a time
    /// of ±1e300 would otherwise reach every sum and axis that the sample feeds.
    mutating func timestamp(_ stat: StatRecord) -> (ms: Double, tsMs: Int64)? {
        guard let ms = stat.number(.timestamp) else { return nil }
        if let reference = context.messageTsMs {
            guard abs(ms - Double(reference)) <= options.maxStatTimestampSkewMs else {
                droppedStats += 1
                return nil
            }
        } else {
            guard ms >= 0, ms <= StreamSample.maxTimeMs else {
                droppedStats += 1
                return nil
            }
        }
        guard let tsMs = Int64(saturating: ms) else { return nil }
        return (ms, tsMs)
    }

    func stat(_ stat: StatRecord, reference member: StatField) -> StatRecord? {
        stat.text(member).flatMap { report.records[$0] }
    }

    /// Fallback RTT: the selected candidate pair's `currentRoundTripTime` × 1000. Depends only on
    /// the rtp stat's `transportId`, hence the memo.
    mutating func candidatePairRttMs(_ rtp: StatRecord) -> Double? {
        let transportId = rtp.text(.transportId)
        if let last = lastPairRtt, last.transportId == transportId { return last.rttMs }
        let rttMs = index.selectedPair(transportId: transportId, in: report)?.gauge(.currentRoundTripTime).map { $0 * 1000 }
        lastPairRtt = (transportId, rttMs)
        return rttMs
    }

    /// Remembers an rtp stat's counters for the next pass; returns what the previous pass
    /// remembered for it.
    mutating func remember(_ counters: RtpCounters, id: String) -> RtpCounters? {
        rtp.replace(id, with: counters)
    }

    /// Compares a remote stat with its last fresh state and remembers the state for next time.
    mutating func remoteUpdate(id: String, _ stat: StatRecord, localPacketsSent: Double?) -> RemoteUpdate? {
        guard case let (ms, _)? = timestamp(stat) else { return nil }
        let current = RemoteRtpCounters(stat, timestampMs: ms, localPacketsSent: localPacketsSent)
        let update = RemoteUpdate(current: current, previous: previousRemote[id], maxGapMs: options.maxGapMs)
        remote[id] = update.remembered
        return update
    }
}
