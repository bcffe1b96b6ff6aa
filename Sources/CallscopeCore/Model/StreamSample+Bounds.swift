extension StreamSample {
    /// The last millisecond of year 9999 (UTC). No time the server keeps is later, or before 1970.
    public static let maxTimeMs = Double(EpochTime.maxMs)
    /// The ceiling of every count a sample carries: 2^53 is exact as a Double (the JSON the
    /// numbers came in), and sums of 2^10 such counts still fit an `Int64`.
    public static let maxCount: Int64 = 1 << 53

    /// Drops every figure outside what a real stream can show, so that nonsense a client sends
    /// (a jitter of 1e300 s, a 2^60-pixel frame) never reaches a graph, a health slice or a sum
    /// that could overflow. Counts are clamped to ±``maxCount``; gauges beyond their range become
    /// `nil` (not measured), percentages are clamped to 0–100.
    public mutating func bound() {
        bitrateKbps = Self.within(bitrateKbps, 0...100_000_000)        // 100 Gbit/s
        jitterMs = Self.within(jitterMs, 0...10_000_000)               // under 3 h
        rttMs = Self.within(rttMs, 0...10_000_000)
        fps = Self.within(fps, 0...10_000)
        captureFps = Self.within(captureFps, 0...10_000)
        freezeDurationMs = Self.within(freezeDurationMs, 0...10_000_000)
        jitterBufferDelayMs = Self.within(jitterBufferDelayMs, 0...10_000_000)
        lossPercent = Self.clamped(lossPercent)
        concealmentPercent = Self.clamped(concealmentPercent)
        if let w = frameWidth, !(0...65_535).contains(w) { frameWidth = nil }
        if let h = frameHeight, !(0...65_535).contains(h) { frameHeight = nil }
        packets = packets.map(Self.count)
        packetsLost = packetsLost.map(Self.count)
        freezeCount = freezeCount.map(Self.count)
        bytesTotal = bytesTotal.map(Self.count)
        packetsTotal = packetsTotal.map(Self.count)
        packetsLostTotal = packetsLostTotal.map(Self.count)
    }

    private static func within(_ value: Double?, _ range: ClosedRange<Double>) -> Double? {
        guard let value, range.contains(value) else { return nil }
        return value
    }

    private static func clamped(_ percent: Double?) -> Double? {
        guard let percent, percent.isFinite else { return nil }
        return min(100, max(0, percent))
    }

    private static func count(_ n: Int64) -> Int64 { min(maxCount, max(-maxCount, n)) }
}
