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
            let expected = sample.side == .sender ? max(packets, lostClamped) : packets + lostClamped
            packetsExpected += expected
            packetsLost += lostClamped
            if sample.side == .sender {
                sentPacketsExpected += expected
                sentPacketsLost += lostClamped
            }
        }
        if judgeFps, let f = sample.fps { fpsSum += f; fpsCount += 1 }
        if let fc = sample.freezeCount, fc > 0 { freezeCount += fc }
        if let b = sample.bitrateKbps { bitrateSumKbps += b; bitrateCount += 1 }
    }

    public mutating func merge(_ other: HealthAccumulator) {
        samples += other.samples
        jitterSumMs += other.jitterSumMs
        jitterCount += other.jitterCount
        rttSumMs += other.rttSumMs
        rttCount += other.rttCount
        packetsExpected += other.packetsExpected
        packetsLost += other.packetsLost
        sentPacketsExpected += other.sentPacketsExpected
        sentPacketsLost += other.sentPacketsLost
        fpsSum += other.fpsSum
        fpsCount += other.fpsCount
        freezeCount += other.freezeCount
        bitrateSumKbps += other.bitrateSumKbps
        bitrateCount += other.bitrateCount
    }

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
