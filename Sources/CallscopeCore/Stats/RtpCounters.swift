/// The cumulative counters of one `inbound-rtp` or `outbound-rtp` stat, remembered from one report
/// to the next: rates need two reports of the same stat id, and keeping just these numbers (rather
/// than the whole previous report) lets the report itself be updated in place by deltas.
struct RtpCounters: Sendable, Hashable {
    var timestampMs: Double
    /// `bytesReceived` or `bytesSent`.
    var bytes: Double? {
        get { Self.read(storedBytes, bit: 0, present) }
        set { Self.write(newValue, to: &storedBytes, bit: 0, &present) }
    }
    /// `packetsReceived` or `packetsSent`.
    var packets: Double? {
        get { Self.read(storedPackets, bit: 1, present) }
        set { Self.write(newValue, to: &storedPackets, bit: 1, &present) }
    }
    /// Inbound only. May go down (RTCP counts duplicates as negative loss): not a reset.
    var packetsLost: Double? {
        get { Self.read(storedPacketsLost, bit: 2, present) }
        set { Self.write(newValue, to: &storedPacketsLost, bit: 2, &present) }
    }
    /// `framesDecoded` or `framesEncoded`.
    var frames: Double? {
        get { Self.read(storedFrames, bit: 3, present) }
        set { Self.write(newValue, to: &storedFrames, bit: 3, &present) }
    }
    var freezeCount: Double? {
        get { Self.read(storedFreezeCount, bit: 4, present) }
        set { Self.write(newValue, to: &storedFreezeCount, bit: 4, &present) }
    }
    var totalFreezesDuration: Double? {
        get { Self.read(storedTotalFreezesDuration, bit: 5, present) }
        set { Self.write(newValue, to: &storedTotalFreezesDuration, bit: 5, &present) }
    }
    var concealedSamples: Double? {
        get { Self.read(storedConcealedSamples, bit: 6, present) }
        set { Self.write(newValue, to: &storedConcealedSamples, bit: 6, &present) }
    }
    var totalSamplesReceived: Double? {
        get { Self.read(storedTotalSamplesReceived, bit: 7, present) }
        set { Self.write(newValue, to: &storedTotalSamplesReceived, bit: 7, &present) }
    }
    var jitterBufferDelay: Double? {
        get { Self.read(storedJitterBufferDelay, bit: 8, present) }
        set { Self.write(newValue, to: &storedJitterBufferDelay, bit: 8, &present) }
    }
    var jitterBufferEmittedCount: Double? {
        get { Self.read(storedJitterBufferEmittedCount, bit: 9, present) }
        set { Self.write(newValue, to: &storedJitterBufferEmittedCount, bit: 9, &present) }
    }

    // The counters are stored as plain `Double`s with a presence bit each rather than as ten
    // `Double?` (16 bytes apiece once aligned): half the size, so that the copies a pass makes
    // (into the counter store, into `RtpInterval`) are a few moves instead of `memcpy` calls.
    // An absent counter is stored as 0, so that the synthesized `==` stays exact.
    private var present: UInt16 = 0
    private var storedBytes = 0.0
    private var storedPackets = 0.0
    private var storedPacketsLost = 0.0
    private var storedFrames = 0.0
    private var storedFreezeCount = 0.0
    private var storedTotalFreezesDuration = 0.0
    private var storedConcealedSamples = 0.0
    private var storedTotalSamplesReceived = 0.0
    private var storedJitterBufferDelay = 0.0
    private var storedJitterBufferEmittedCount = 0.0

    @inline(__always)
    private static func read(_ value: Double, bit: UInt16, _ present: UInt16) -> Double? {
        present & 1 << bit != 0 ? value : nil
    }

    @inline(__always)
    private static func write(_ value: Double?, to stored: inout Double, bit: UInt16, _ present: inout UInt16) {
        if let value {
            stored = value
            present |= 1 << bit
        } else {
            stored = 0
            present &= ~(1 << bit)
        }
    }

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

    /// Current minus previous of one counter; `nil` when either report lacks it. A closure, not a
    /// key path: key paths were not optimized away here and cost a runtime metadata lookup each.
    @inline(__always)
    func delta(_ counter: (RtpCounters) -> Double?) -> Double? {
        guard let now = counter(current), let before = counter(previous) else { return nil }
        return now - before
    }

    /// The counter's change per second.
    @inline(__always)
    func rate(_ counter: (RtpCounters) -> Double?) -> Double? {
        delta(counter).map { $0 / seconds }
    }
}
