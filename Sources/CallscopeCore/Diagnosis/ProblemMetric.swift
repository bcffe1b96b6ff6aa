/// What a problem is about: the figure that stayed bad.
public enum ProblemMetric: String, Sendable, Hashable, Codable, CaseIterable {
    /// Packets lost, in percent of those sent (sender side, from RTCP) or expected (receiver side).
    case loss
    case jitter
    /// Audio's estimated one-way delay at its receiver: half the round trip plus the time spent
    /// in the jitter buffer (receiver side).
    case delay
    case rtt
    /// Video freezes (receiver side), judged by the time frozen.
    case freezes
    /// Received frames per second as a share of what the sender sent.
    case frameRate
    /// A receiver got no packets while its sender was sending.
    case noMedia
    /// The sender's encoder was held back by the bandwidth estimate (`qualityLimitationReason`).
    case bandwidth
    /// The sender's encoder was held back by the CPU.
    case cpu
    /// The sender's camera delivered too few frames (`media-source.framesPerSecond`), whatever
    /// the network: a slow or overloaded device, a dark room, a camera shared with another app.
    case captureFrameRate
    /// The sender's encoder sent far fewer frames than the camera delivered (sent / captured),
    /// without the bandwidth estimate asking for it: frames dropped on the device.
    case encoderFrameRate

    /// The unit of the metric's values in a problem's evidence.
    public var unit: String {
        switch self {
        case .loss: "percent"
        case .jitter, .delay, .rtt: "ms"
        case .freezes: "ms frozen per sample"
        case .frameRate: "received/sent"
        case .noMedia: "packets"
        case .bandwidth, .cpu: "kbit/s"
        case .captureFrameRate: "fps"
        case .encoderFrameRate: "sent/captured"
        }
    }

    /// `true` for the figures that say which way the media went wrong; RTT is a round trip and
    /// cannot tell an uplink from a downlink.
    public var isDirectional: Bool { self != .rtt }

    /// Figures about the sender's own device, not any link: they make `device` problems only.
    public var isDevice: Bool { self == .cpu || self == .captureFrameRate || self == .encoderFrameRate }

    /// `true` when a higher value is worse (loss, jitter, delay, RTT, time frozen); `false` for
    /// ratios, frame rates, packets received and bitrates, where lower is worse.
    public var higherIsWorse: Bool {
        switch self {
        case .loss, .jitter, .delay, .rtt, .freezes: true
        case .frameRate, .noMedia, .bandwidth, .cpu, .captureFrameRate, .encoderFrameRate: false
        }
    }

    /// Order among metrics of equal severity when one must lead a problem: what a user notices
    /// first.
    var rank: Int {
        switch self {
        case .noMedia: 0
        case .loss: 1
        case .bandwidth: 2
        case .freezes: 3
        case .frameRate: 4
        case .delay: 5
        case .jitter: 6
        case .rtt: 7
        case .cpu: 8
        case .captureFrameRate: 9
        case .encoderFrameRate: 10
        }
    }
}

/// How bad a problem was: past the good limit for a while (`moderate`), or past the poor limit
/// for most of it (`severe`).
public enum ProblemSeverity: String, Sendable, Hashable, Codable, Comparable {
    case moderate, severe

    public static func < (a: ProblemSeverity, b: ProblemSeverity) -> Bool { a == .moderate && b == .severe }
}

/// When a figure opens, keeps and closes a problem, from the project's health limits
/// (docs/quality.md §4). A figure opens a problem when it leaves the good range, and the problem
/// closes only when the figure is back well inside it (two thirds of the good limit): a value
/// hovering at the limit does not open and close a problem on every tick.
public struct ProblemLevels: Sendable, Hashable {
    public var limits: HealthThresholds
    /// Samples in the window, and how many of them must be bad to open a problem.
    public var window = 5
    public var badInWindow = 3
    /// The bad samples that open a problem must span at least this long.
    public var minSpanMs: Int64 = 4_000
    /// Consecutive clear samples that close a problem; one fewer when they span `minSpanMs`
    /// (figures only fresh RTCP reports carry, one every five seconds or so for audio, would
    /// otherwise keep a problem open for fifteen seconds after it ended).
    public var clearRun = 3
    /// Samples this soon after a series starts (or resumes after a gap) are not judged: the first
    /// seconds of a stream or of a reconnect spike in every real stack.
    public var warmupMs: Int64 = 5_000
    /// The bandwidth estimate ramps up for the first seconds of every call.
    public var bandwidthWarmupMs: Int64 = 15_000
    /// A pause longer than this between samples ends a series.
    public var maxGapMs: Int64 = 15_000
    /// Loss is judged only on intervals with at least this many packets.
    public var minPackets: Int64 = 10

    public init(limits: HealthThresholds = .default) { self.limits = limits }

    /// Above `open` opens, below `close` clears, above `severe` is severe (for figures where
    /// higher is worse).
    public struct Band: Sendable, Hashable {
        public var open: Double
        public var close: Double
        public var severe: Double
    }

    public var loss: Band { band(good: limits.lossGoodPercent, poor: limits.lossModeratePercent) }
    public var jitter: Band { band(good: limits.jitterGoodMs, poor: limits.jitterModerateMs) }
    public var rtt: Band { band(good: limits.rttGoodMs, poor: limits.rttModerateMs) }
    /// Audio's one-way delay, mouth to ear less the codec and the devices: ITU-T G.114 finds up to
    /// 150 ms transparent to most conversations and more than 400 ms unacceptable for planning.
    public var delay = Band(open: 150, close: 100, severe: 400)

    /// Received / sent frame rate: below `open` opens, at or above `close` clears, below
    /// `severe` is severe. From the FPS limits: below 8 of 15 fps is poor, so receiving under
    /// 8/15 of the sent rate opens.
    public var frameRateRatio: Band {
        let poor = limits.fpsGood > 0 ? limits.fpsPoor / limits.fpsGood : 0.5
        return Band(open: max(0.1, min(0.9, poor)), close: max(0.1, min(0.95, poor * 1.5)), severe: max(0.05, poor / 2))
    }

    private func band(good: Double, poor: Double) -> Band {
        Band(open: good, close: good * 2 / 3, severe: max(good, poor))
    }
}
