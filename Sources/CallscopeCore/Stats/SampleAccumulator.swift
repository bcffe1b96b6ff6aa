/// Adds up the rtp stats that map to one (stream, side) in one report — simulcast layers, or two
/// unlabelled streams that collide — into one `StreamSample`:
/// counts, bitrates and totals are summed; loss, concealment and jitter-buffer delay are ratios of
/// sums; jitter and RTT take the worst (largest) value; resolution, FPS and quality limitation
/// come from the largest active layer (by pixel count, then by bytes).
///
/// A layer in a new series (no rates this tick) adds no rate values; the others still do, so a
/// layer that restarts shows as a one-tick dip, never a spike.
struct SampleAccumulator {
    private var tsMs: Int64
    private var bitrateKbps: Double?
    private var packets: Double?
    private var packetsLost: Double?
    private var lossLost = 0.0
    private var lossExpected = 0.0
    private var fractionLostPercent: Double?
    private var jitterMs: Double?
    private var rttMs: Double?
    private var freezeCount: Double?
    private var freezeDurationMs: Double?
    private var concealedSamples = 0.0
    private var totalSamplesReceived = 0.0
    private var jitterBufferDelay = 0.0
    private var jitterBufferEmittedCount = 0.0
    private var bytesTotal: Double?
    private var packetsTotal: Double?
    private var packetsLostTotal: Double?
    private var largest: Layer?

    /// What the largest active layer gives the stream. Only these fields, not the whole
    /// `RtpFigures`, so that the accumulator stays small enough to copy cheaply.
    private struct Layer {
        var statId: String
        var pixels: Double
        var bytes: Double
        var fps: Double?
        var frameWidth: Double?
        var frameHeight: Double?
        var qualityLimitation: QualityLimitationReason?
        var captureFps: Double?

        init(_ figures: RtpFigures) {
            statId = figures.statId
            pixels = figures.pixels
            bytes = figures.bytesTotal ?? 0
            fps = figures.fps
            frameWidth = figures.frameWidth
            frameHeight = figures.frameHeight
            qualityLimitation = figures.qualityLimitation
            captureFps = figures.captureFps
        }

        func isLarger(than other: Layer) -> Bool {
            if pixels != other.pixels { return pixels > other.pixels }
            if bytes != other.bytes { return bytes > other.bytes }
            return statId < other.statId
        }
    }

    init(_ figures: RtpFigures) {
        tsMs = figures.tsMs
        add(figures, first: true)
    }

    mutating func add(_ figures: RtpFigures) {
        add(figures, first: false)
    }

    private mutating func add(_ figures: RtpFigures, first: Bool) {
        if !first { tsMs = max(tsMs, figures.tsMs) }
        Self.sum(&bitrateKbps, figures.bitrateKbps)
        Self.sum(&packets, figures.packets)
        Self.sum(&packetsLost, figures.packetsLost)
        if let lost = figures.lossLost, let expected = figures.lossExpected {
            lossLost += lost
            lossExpected += expected
        }
        Self.maximum(&fractionLostPercent, figures.fractionLostPercent)
        Self.maximum(&jitterMs, figures.jitterMs)
        Self.maximum(&rttMs, figures.rttMs)
        Self.sum(&freezeCount, figures.freezeCount)
        Self.sum(&freezeDurationMs, figures.freezeDurationMs)
        if let concealed = figures.concealedSamples, let total = figures.totalSamplesReceived {
            concealedSamples += concealed
            totalSamplesReceived += total
        }
        if let delay = figures.jitterBufferDelay, let emitted = figures.jitterBufferEmittedCount {
            jitterBufferDelay += delay
            jitterBufferEmittedCount += emitted
        }
        Self.sum(&bytesTotal, figures.bytesTotal)
        Self.sum(&packetsTotal, figures.packetsTotal)
        Self.sum(&packetsLostTotal, figures.packetsLostTotal)
        if figures.isActive {
            let layer = Layer(figures)
            if largest.map({ layer.isLarger(than: $0) }) ?? true { largest = layer }
        }
    }

    private static func sum(_ total: inout Double?, _ value: Double?) {
        guard let value else { return }
        total = (total ?? 0) + value
    }

    private static func maximum(_ current: inout Double?, _ value: Double?) {
        guard let value else { return }
        current = max(current ?? value, value)
    }

    func sample(side: StreamSide) -> StreamSample {
        var sample = StreamSample(tsMs: tsMs, side: side)
        sample.bitrateKbps = bitrateKbps
        sample.packets = packets.flatMap(Int64.init(saturating:))
        sample.packetsLost = packetsLost.flatMap(Int64.init(saturating:))
        if lossExpected > 0 {
            // Sender side: RTCP intervals and polling intervals differ, so lost can briefly exceed
            // what was sent in the compared interval; a loss above 100 % is never real.
            sample.lossPercent = min(100, lossLost / lossExpected * 100)
        } else {
            sample.lossPercent = fractionLostPercent
        }
        sample.jitterMs = jitterMs
        sample.rttMs = rttMs
        sample.freezeCount = freezeCount.flatMap(Int64.init(saturating:))
        sample.freezeDurationMs = freezeDurationMs
        if totalSamplesReceived > 0 {
            sample.concealmentPercent = concealedSamples / totalSamplesReceived * 100
        }
        if jitterBufferEmittedCount > 0 {
            sample.jitterBufferDelayMs = jitterBufferDelay / jitterBufferEmittedCount * 1000
        }
        sample.bytesTotal = bytesTotal.flatMap(Int64.init(saturating:))
        sample.packetsTotal = packetsTotal.flatMap(Int64.init(saturating:))
        sample.packetsLostTotal = packetsLostTotal.flatMap(Int64.init(saturating:))
        if let largest {
            sample.fps = largest.fps
            sample.frameWidth = largest.frameWidth.flatMap(Int.init(saturating:))
            sample.frameHeight = largest.frameHeight.flatMap(Int.init(saturating:))
            sample.qualityLimitation = largest.qualityLimitation
            sample.captureFps = largest.captureFps
        }
        sample.bound()
        return sample
    }
}
