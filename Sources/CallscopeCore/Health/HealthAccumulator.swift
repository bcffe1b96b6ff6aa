/// The figures behind one health slice, kept as sums so that slices merge by addition: ingest
/// adds each batch's samples to the stored slice without reading raw samples back.
///
/// ```swift
/// var slice = HealthAccumulator()
/// slice.add(sample, judgeFps: true)
/// slice.colour(.default)   // .good
/// ```
public struct HealthAccumulator: Sendable, Hashable, Codable {
    public var samples: Int64 = 0
    public var jitterSumMs: Double = 0
    public var jitterCount: Int64 = 0
    public var rttSumMs: Double = 0
    public var rttCount: Int64 = 0
    /// Packets expected (received + lost, or sent) and lost, over every sample with packet counts.
    public var packetsExpected: Int64 = 0
    public var packetsLost: Int64 = 0
    /// The part of `packetsExpected` and `packetsLost` from sender-side samples: what this
    /// participant sent, lost on the way as its receivers' RTCP reports say. The rest is what it
    /// received. Kept apart so that a bad uplink is not diluted by clean downlinks.
    public var sentPacketsExpected: Int64 = 0
    public var sentPacketsLost: Int64 = 0
    public var fpsSum: Double = 0
    public var fpsCount: Int64 = 0
    public var freezeCount: Int64 = 0
    public var bitrateSumKbps: Double = 0
    public var bitrateCount: Int64 = 0

    public init() {}

    /// Adds one stream sample. `judgeFps` is `false` when the sender itself sends fewer frames than
    /// the FPS limit (a static screen share), where a low received FPS is no fault.
    public mutating func add(_ sample: StreamSample, judgeFps: Bool) {
        samples += 1
        if let j = sample.jitterMs { jitterSumMs += j; jitterCount += 1 }
        if let r = sample.rttMs { rttSumMs += r; rttCount += 1 }
        if let lost = sample.packetsLost, let packets = sample.packets {
            let lostClamped = max(0, lost)
            // Sender side counts packets sent; receiver side counts received, so add the lost ones.
            let expected = sample.side == .sender ? max(packets, lostClamped) : Self.sum(packets, lostClamped)
            Self.add(expected, to: &packetsExpected)
            Self.add(lostClamped, to: &packetsLost)
            if sample.side == .sender {
                Self.add(expected, to: &sentPacketsExpected)
                Self.add(lostClamped, to: &sentPacketsLost)
            }
        }
        if judgeFps, let f = sample.fps { fpsSum += f; fpsCount += 1 }
        if let fc = sample.freezeCount, fc > 0 { Self.add(fc, to: &freezeCount) }
        if let b = sample.bitrateKbps { bitrateSumKbps += b; bitrateCount += 1 }
    }

    public mutating func merge(_ other: HealthAccumulator) {
        Self.add(other.samples, to: &samples)
        jitterSumMs += other.jitterSumMs
        Self.add(other.jitterCount, to: &jitterCount)
        rttSumMs += other.rttSumMs
        Self.add(other.rttCount, to: &rttCount)
        Self.add(other.packetsExpected, to: &packetsExpected)
        Self.add(other.packetsLost, to: &packetsLost)
        Self.add(other.sentPacketsExpected, to: &sentPacketsExpected)
        Self.add(other.sentPacketsLost, to: &sentPacketsLost)
        fpsSum += other.fpsSum
        Self.add(other.fpsCount, to: &fpsCount)
        Self.add(other.freezeCount, to: &freezeCount)
        bitrateSumKbps += other.bitrateSumKbps
        Self.add(other.bitrateCount, to: &bitrateCount)
    }

    /// Every count is kept at or below ``StreamSample/maxCount``, so sums never overflow, however
    /// many hostile samples a slice gathers (a real slice is far below it).
    static func sum(_ a: Int64, _ b: Int64) -> Int64 {
        let (total, overflow) = a.addingReportingOverflow(b)
        return overflow ? (a < 0 ? -StreamSample.maxCount : StreamSample.maxCount) : min(StreamSample.maxCount, max(-StreamSample.maxCount, total))
    }

    static func add(_ value: Int64, to total: inout Int64) { total = sum(total, value) }

    public var meanJitterMs: Double? { jitterCount > 0 ? jitterSumMs / Double(jitterCount) : nil }
    public var meanRttMs: Double? { rttCount > 0 ? rttSumMs / Double(rttCount) : nil }
    /// Loss of what this participant sent (its receivers' view, from RTCP).
    public var sentLossPercent: Double? {
        sentPacketsExpected > 0 ? Double(sentPacketsLost) / Double(sentPacketsExpected) * 100 : nil
    }

    /// Loss of what this participant received.
    public var receivedLossPercent: Double? {
        let expected = packetsExpected - sentPacketsExpected
        return expected > 0 ? Double(packetsLost - sentPacketsLost) / Double(expected) * 100 : nil
    }

    /// The worse of the two directions: the loss the slice is judged by.
    public var lossPercent: Double? {
        switch (sentLossPercent, receivedLossPercent) {
        case let (s?, r?): max(s, r)
        case let (s, r): s ?? r
        }
    }
    public var meanFps: Double? { fpsCount > 0 ? fpsSum / Double(fpsCount) : nil }
    public var meanBitrateKbps: Double? { bitrateCount > 0 ? bitrateSumKbps / Double(bitrateCount) : nil }

    /// The worst colour of the slice's metrics; `nil` when the slice holds no metric at all.
    public func colour(_ limits: HealthThresholds) -> HealthColour? {
        var colours: [HealthColour] = []
        if let j = meanJitterMs { colours.append(limits.colour(jitterMs: j)) }
        if let r = meanRttMs { colours.append(limits.colour(rttMs: r)) }
        if let l = lossPercent { colours.append(limits.colour(lossPercent: l)) }
        if let f = meanFps { colours.append(limits.colour(fps: f)) }
        if freezeCount > 0 { colours.append(.poor) }
        return colours.max()
    }
}
