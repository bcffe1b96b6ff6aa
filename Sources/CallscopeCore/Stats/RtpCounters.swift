/// The cumulative counters of one `inbound-rtp` or `outbound-rtp` stat, remembered from one report
/// to the next: rates need two reports of the same stat id, and keeping just these numbers (rather
/// than the whole previous report) lets the report itself be updated in place by deltas.
struct RtpCounters: Sendable, Hashable {
    var timestampMs: Double
    /// `bytesReceived` or `bytesSent`.
    var bytes: Double?
    /// `packetsReceived` or `packetsSent`.
    var packets: Double?
    /// Inbound only. May go down (RTCP counts duplicates as negative loss): not a reset.
    var packetsLost: Double?
    /// `framesDecoded` or `framesEncoded`.
    var frames: Double?
    var freezeCount: Double?
    var totalFreezesDuration: Double?
    var concealedSamples: Double?
    var totalSamplesReceived: Double?
    var jitterBufferDelay: Double?
    var jitterBufferEmittedCount: Double?

    init(timestampMs: Double) {
        self.timestampMs = timestampMs
    }

    /// `true` when any counter that only ever grows went down: the browser restarted the stream
    /// (or the page reloaded and reused the id), so a difference would be a bogus negative value.
    func hasCounterBelow(_ previous: RtpCounters) -> Bool {
        Self.wentDown(bytes, previous.bytes)
            || Self.wentDown(packets, previous.packets)
            || Self.wentDown(frames, previous.frames)
            || Self.wentDown(freezeCount, previous.freezeCount)
            || Self.wentDown(totalFreezesDuration, previous.totalFreezesDuration)
            || Self.wentDown(concealedSamples, previous.concealedSamples)
            || Self.wentDown(totalSamplesReceived, previous.totalSamplesReceived)
            || Self.wentDown(jitterBufferDelay, previous.jitterBufferDelay)
            || Self.wentDown(jitterBufferEmittedCount, previous.jitterBufferEmittedCount)
    }

    static func wentDown(_ current: Double?, _ previous: Double?) -> Bool {
        guard let current, let previous else { return false }
        return current < previous
    }
}

/// Two consecutive reports of one rtp stat id that continue one series: the interval rates are
/// computed over. Only exists when the series continues (see `init?`).
struct RtpInterval {
    let previous: RtpCounters
    let current: RtpCounters
    /// Δt in seconds, always > 0.
    let seconds: Double

    /// `nil` — a new series, no rate values this tick — when there is no previous report, Δt ≤ 0,
    /// Δt > `maxGapMs`, or a counter went down.
    init?(previous: RtpCounters?, current: RtpCounters, maxGapMs: Double) {
        guard let previous else { return nil }
        let deltaMs = current.timestampMs - previous.timestampMs
        guard deltaMs > 0, deltaMs <= maxGapMs, !current.hasCounterBelow(previous) else { return nil }
        self.previous = previous
        self.current = current
        self.seconds = deltaMs / 1000
    }

    /// Current minus previous of one counter; `nil` when either report lacks it.
    func delta(_ counter: KeyPath<RtpCounters, Double?>) -> Double? {
        guard let now = current[keyPath: counter], let before = previous[keyPath: counter] else { return nil }
        return now - before
    }

    /// The counter's change per second.
    func rate(_ counter: KeyPath<RtpCounters, Double?>) -> Double? {
        delta(counter).map { $0 / seconds }
    }
}
