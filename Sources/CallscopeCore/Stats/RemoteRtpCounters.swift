/// The counters of one `remote-inbound-rtp` or `remote-outbound-rtp` stat (what the far end told
/// us in RTCP), remembered from the last report in which they were fresh.
///
/// Why "fresh" matters: these stats change only when an RTCP report arrives — about every second
/// for video but every ~5 s for audio in Chrome — while getStats is polled every second. Dividing
/// the loss of a 5-second RTCP interval by the packets sent in one polling interval would show
/// 0 %, 0 %, 0 %, 0 %, then a 5× spike. So sender-side loss is computed from one fresh RTCP
/// state to the next, against the packets sent between the two reports in which they appeared.
struct RemoteRtpCounters: Sendable, Hashable {
    var timestampMs: Double
    var packetsLost: Double?
    var packetsReceived: Double?
    var reportsReceived: Double?
    var totalRoundTripTime: Double?
    var roundTripTimeMeasurements: Double?
    /// `packetsSent` of the matching local `outbound-rtp` in the report where this state was first
    /// seen (remote-inbound only).
    var localPacketsSent: Double?

    init(_ stat: StatRecord, timestampMs: Double, localPacketsSent: Double?) {
        self.timestampMs = timestampMs
        packetsLost = stat.number(.packetsLost)
        packetsReceived = stat.number(.packetsReceived)
        reportsReceived = stat.number(.reportsReceived)
        totalRoundTripTime = stat.number(.totalRoundTripTime)
        roundTripTimeMeasurements = stat.number(.roundTripTimeMeasurements)
        self.localPacketsSent = localPacketsSent
    }

    /// Whether this state holds news since `previous`. Counters that advance with every RTCP
    /// report (`roundTripTimeMeasurements`, `reportsReceived`, `packetsReceived`) decide when the
    /// stat has one; older stats without them fall back to the stat's own timestamp. A change of
    /// `packetsLost` or `totalRoundTripTime` is news either way.
    /// Not the timestamp when better is known, because a delta sender may stamp unchanged stats
    /// with the report time (see `StatsReport.apply(delta:timestampMs:)`).
    func isFresh(since previous: RemoteRtpCounters) -> Bool {
        if packetsLost != previous.packetsLost || totalRoundTripTime != previous.totalRoundTripTime {
            return true
        }
        var comparable = false
        var changed = false
        func compare(_ now: Double?, _ before: Double?) {
            guard let now, let before else { return }
            comparable = true
            if now != before { changed = true }
        }
        compare(roundTripTimeMeasurements, previous.roundTripTimeMeasurements)
        compare(reportsReceived, previous.reportsReceived)
        compare(packetsReceived, previous.packetsReceived)
        return comparable ? changed : timestampMs > previous.timestampMs
    }

    /// `true` when a counter that only grows went down (a restarted stream).
    func hasCounterBelow(_ previous: RemoteRtpCounters) -> Bool {
        RtpCounters.wentDown(roundTripTimeMeasurements, previous.roundTripTimeMeasurements)
            || RtpCounters.wentDown(reportsReceived, previous.reportsReceived)
            || RtpCounters.wentDown(packetsReceived, previous.packetsReceived)
            || RtpCounters.wentDown(totalRoundTripTime, previous.totalRoundTripTime)
            || RtpCounters.wentDown(localPacketsSent, previous.localPacketsSent)
    }

    /// Mean RTT over the interval in ms: Δ`totalRoundTripTime` ÷ Δ`roundTripTimeMeasurements` × 1000.
    func meanRoundTripTimeMs(since previous: RemoteRtpCounters) -> Double? {
        guard let total = totalRoundTripTime, let totalBefore = previous.totalRoundTripTime,
              let count = roundTripTimeMeasurements, let countBefore = previous.roundTripTimeMeasurements,
              count > countBefore, total >= totalBefore else { return nil }
        return (total - totalBefore) / (count - countBefore) * 1000
    }
}

/// What one report says about a remote stat relative to its last fresh state.
enum RemoteUpdate {
    /// The first state of a series: nothing to compare with.
    case newSeries(RemoteRtpCounters)
    /// Same RTCP state as before: nothing new was measured.
    case unchanged(previous: RemoteRtpCounters)
    /// A new RTCP state continuing the series.
    case fresh(RemoteRtpCounters, previous: RemoteRtpCounters)

    init(current: RemoteRtpCounters, previous: RemoteRtpCounters?, maxGapMs: Double) {
        guard let previous else {
            self = .newSeries(current)
            return
        }
        guard current.isFresh(since: previous) else {
            self = .unchanged(previous: previous)
            return
        }
        let deltaMs = current.timestampMs - previous.timestampMs
        // A fresh state with a timestamp that did not advance: trust the counters, not the clock.
        if deltaMs > maxGapMs || deltaMs < 0 || current.hasCounterBelow(previous) {
            self = .newSeries(current)
        } else {
            self = .fresh(current, previous: previous)
        }
    }

    /// The state to remember for the next report.
    var remembered: RemoteRtpCounters {
        switch self {
        case .newSeries(let current), .fresh(let current, _): return current
        case .unchanged(let previous): return previous
        }
    }
}
