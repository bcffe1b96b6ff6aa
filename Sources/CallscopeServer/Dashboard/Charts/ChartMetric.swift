import CallscopeCore

/// The good/moderate/poor limits of one metric, as the charts draw them.
///
/// Lower is better (jitter, RTT, loss): good ≤ `good`, moderate ≤ `moderate`, poor above.
/// Higher is better (FPS): good ≥ `good`, moderate ≥ `moderate`, poor below.
struct MetricLimits: Sendable, Hashable {
    var good: Double
    var moderate: Double
    var higherIsBetter: Bool
}

/// A metric of one stream that the session-stats screen charts (docs/metrics.md §2.12).
///
/// Values are in the metric's base ``unit``: ms, kbit/s, %, px (frame height), frames per second,
/// freezes per stats interval.
enum ChartMetric: String, Sendable, Hashable, CaseIterable {
    case jitter
    case rtt
    case bitrate
    case packetLoss = "loss"
    /// The frame height in pixels; the width rides along for hover text (`1280×720`).
    case resolution
    case fps
    /// Freezes that started during each stats interval (receiver side, video).
    case freezes
    /// Share of audio samples concealed (receiver side, audio).
    case concealment

    /// The charts the session-stats screen shows for a media kind, in order: resolution, FPS and
    /// freezes only for video kinds, concealment only for audio kinds.
    static func metrics(for kind: MediaKind) -> [ChartMetric] {
        kind.isVideo ? [.jitter, .rtt, .bitrate, .packetLoss, .resolution, .fps, .freezes]
            : [.jitter, .rtt, .bitrate, .packetLoss, .concealment]
    }

    /// The plain name: "Jitter", "Round-trip time (RTT)", …
    var name: String {
        switch self {
        case .jitter: "Jitter"
        case .rtt: "Round-trip time (RTT)"
        case .bitrate: "Bitrate"
        case .packetLoss: "Packet loss"
        case .resolution: "Resolution"
        case .fps: "Frame rate"
        case .freezes: "Freezes"
        case .concealment: "Concealment"
        }
    }

    /// The unit of the values (and of `data-v` in the chart's data attributes).
    var unit: String {
        switch self {
        case .jitter, .rtt: "ms"
        case .bitrate: "kbit/s"
        case .packetLoss, .concealment: "%"
        case .resolution: "px"
        case .fps: "fps"
        case .freezes: "freezes"
        }
    }

    /// Values that only come in whole numbers: their axis never steps by less than 1.
    var isIntegral: Bool { self == .resolution || self == .freezes }

    /// The value of this metric in `sample`, `nil` when the sample does not carry it.
    func value(of sample: StreamSample) -> Double? {
        switch self {
        case .jitter: sample.jitterMs
        case .rtt: sample.rttMs
        case .bitrate: sample.bitrateKbps
        case .packetLoss: sample.lossPercent
        case .resolution: sample.frameHeight.map(Double.init)
        case .fps: sample.fps
        case .freezes: sample.freezeCount.map(Double.init)
        case .concealment: sample.concealmentPercent
        }
    }

    /// `value` with its unit, for labels and hover text: "42 ms", "1.2 Mbit/s", "720 px" (or
    /// "1280×720" when the width is known), "29.8 fps", "2 freezes".
    func format(_ value: Double, frameWidth: Int? = nil) -> String {
        switch self {
        case .jitter, .rtt: ChartFormat.ms(value)
        case .bitrate: ChartFormat.bitrate(kbps: value)
        case .packetLoss, .concealment: ChartFormat.percent(value)
        case .resolution:
            if let w = frameWidth, value.isFinite { ChartFormat.resolution(w, Int(value.rounded())) }
            else { ChartFormat.decimal(value, fractionDigits: 0) + " px" }
        case .fps: ChartFormat.fps(value)
        case .freezes: value.isFinite ? ChartFormat.count(Int64(value.rounded()), "freeze", "freezes") : ChartFormat.missing
        }
    }

    /// The limits call health judges this metric by (docs/metrics.md §3.2), `nil` for the metrics it does
    /// not judge on a scale (bitrate, resolution, concealment; freezes count as poor whenever any occur).
    func limits(_ thresholds: HealthThresholds) -> MetricLimits? {
        switch self {
        case .jitter: MetricLimits(good: thresholds.jitterGoodMs, moderate: thresholds.jitterModerateMs, higherIsBetter: false)
        case .rtt: MetricLimits(good: thresholds.rttGoodMs, moderate: thresholds.rttModerateMs, higherIsBetter: false)
        case .packetLoss: MetricLimits(good: thresholds.lossGoodPercent, moderate: thresholds.lossModeratePercent, higherIsBetter: false)
        case .fps: MetricLimits(good: thresholds.fpsGood, moderate: thresholds.fpsPoor, higherIsBetter: true)
        case .bitrate, .resolution, .freezes, .concealment: nil
        }
    }

    /// The labels of the limit lines, e.g. ("good ≤ 30 ms", "moderate ≤ 50 ms", "poor > 50 ms").
    func limitLabels(_ limits: MetricLimits) -> (good: String, moderate: String, poor: String) {
        let g = format(limits.good), m = format(limits.moderate)
        return limits.higherIsBetter
            ? ("good ≥ \(g)", "moderate ≥ \(m)", "poor < \(m)")
            : ("good ≤ \(g)", "moderate ≤ \(m)", "poor > \(m)")
    }

    /// One plain sentence or two on what the metric is and which values are good, with the real
    /// limits of `thresholds`.
    func explanation(_ thresholds: HealthThresholds) -> String {
        let scale: String
        if let l = limits(thresholds) {
            let g = format(l.good), m = format(l.moderate)
            scale = l.higherIsBetter
                ? "Good ≥ \(g), moderate ≥ \(m), poor below."
                : "Good ≤ \(g), moderate ≤ \(m), poor above."
        } else {
            scale = ""
        }
        switch self {
        case .jitter:
            return "Jitter: how unevenly packets arrive; high jitter makes audio choppy and video stutter. \(scale)"
        case .rtt:
            return "RTT: time for a packet to reach the other end and the answer to come back; high RTT makes people talk over each other. \(scale)"
        case .bitrate:
            return "Bitrate: media data per second. More allows better quality; call health sets no limit for it, as the need depends on codec and resolution."
        case .packetLoss:
            return "Packet loss: share of packets that never arrived; lost packets cause gaps, robotic audio and blocky video. \(scale)"
        case .resolution:
            return "Resolution: frame height in pixels (width×height on hover). Call health sets no limit for it; senders lower it when bandwidth or CPU runs short."
        case .fps:
            return "Frame rate: video frames per second; few frames look jerky. \(scale) Not judged when the sender itself sends fewer (a still screen share)."
        case .freezes:
            return "Freezes: times the received video stalled. Any freeze makes its call-health slice poor (red)."
        case .concealment:
            return "Concealment: share of audio the receiver had to make up for late or lost packets. Call health sets no limit for it."
        }
    }
}
