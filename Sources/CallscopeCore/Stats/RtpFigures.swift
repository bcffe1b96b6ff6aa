/// The metrics one rtp stat contributes to its stream's sample at one tick, before several stats
/// of the same stream (simulcast layers) are added up. Counts stay `Double` until the end so that
/// adding them cannot overflow or trap.
struct RtpFigures {
    var statId: String
    var tsMs: Int64
    /// `outbound-rtp.active == false` (a paused simulcast layer): counts still add up, but the
    /// layer cannot be the one whose resolution, FPS and quality limitation describe the stream.
    var isActive = true

    var bitrateKbps: Double?
    /// Δ packets received (receiver side) or sent (sender side).
    var packets: Double?
    /// Δ packets lost, never negative.
    var packetsLost: Double?
    /// Loss ratio parts: lost ÷ expected. Kept apart so that layers add up as Σlost ÷ Σexpected.
    var lossLost: Double?
    var lossExpected: Double?
    /// `remote-inbound-rtp.fractionLost` × 100, for when counters are missing.
    var fractionLostPercent: Double?
    var jitterMs: Double?
    var rttMs: Double?
    var fps: Double?
    var frameWidth: Double?
    var frameHeight: Double?
    var freezeCount: Double?
    var freezeDurationMs: Double?
    var concealedSamples: Double?
    var totalSamplesReceived: Double?
    var jitterBufferDelay: Double?
    var jitterBufferEmittedCount: Double?
    var qualityLimitation: QualityLimitationReason?
    /// `media-source.framesPerSecond` of an outbound video stat.
    var captureFps: Double?

    var bytesTotal: Double?
    var packetsTotal: Double?
    var packetsLostTotal: Double?

    init(statId: String, tsMs: Int64) {
        self.statId = statId
        self.tsMs = tsMs
    }

    /// Pixels per frame, for picking the largest layer; 0 without a resolution.
    var pixels: Double {
        guard let frameWidth, let frameHeight, frameWidth > 0, frameHeight > 0 else { return 0 }
        return frameWidth * frameHeight
    }
}
