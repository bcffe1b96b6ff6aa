/// A stretch of consecutive poor (red) health slices of one participant and media kind: what the
/// session timeline shows as a quality drop, with the metrics that made it poor.
public struct QualityDrop: Sendable, Hashable {
    public var participantId: String
    public var kind: MediaKind
    /// Start of the first poor slice, ms since the epoch.
    public var startMs: Int64
    /// End of the last poor slice (its start plus the slice length).
    public var endMs: Int64
    /// `true` when the last poor slice is the bar's latest slice: in an ongoing session the
    /// drop may still be going on.
    public var reachesLastSlice: Bool
    /// The worst figures of the drop's slices (highest jitter, RTT and loss, lowest FPS) and the
    /// freezes of all of them.
    public var worstJitterMs: Double?
    public var worstRttMs: Double?
    public var worstLossPercent: Double?
    /// The worst loss of what the participant sent, and of what it received.
    public var worstSentLossPercent: Double?
    public var worstReceivedLossPercent: Double?
    public var lowestFps: Double?
    public var freezes: Int64
    /// The metrics that were poor in at least one slice, worst first by how far past the limit.
    public var causes: [QualityCause]

    public var durationMs: Int64 { endMs.subtracting(saturating: startMs) }

    public init(participantId: String, kind: MediaKind, startMs: Int64, endMs: Int64, reachesLastSlice: Bool,
                worstJitterMs: Double? = nil, worstRttMs: Double? = nil, worstLossPercent: Double? = nil,
                worstSentLossPercent: Double? = nil, worstReceivedLossPercent: Double? = nil, lowestFps: Double? = nil,
                freezes: Int64 = 0, causes: [QualityCause] = []) {
        self.participantId = participantId
        self.kind = kind
        self.startMs = startMs
        self.endMs = endMs
        self.reachesLastSlice = reachesLastSlice
        self.worstJitterMs = worstJitterMs
        self.worstRttMs = worstRttMs
        self.worstLossPercent = worstLossPercent
        self.worstSentLossPercent = worstSentLossPercent
        self.worstReceivedLossPercent = worstReceivedLossPercent
        self.lowestFps = lowestFps
        self.freezes = freezes
        self.causes = causes
    }
}

/// One metric that made slices poor, with its worst value.
public enum QualityCause: Sendable, Hashable {
    case jitter(ms: Double)
    case rtt(ms: Double)
    /// Loss of what the participant sent (`sent == true`) or received.
    case loss(percent: Double, sent: Bool)
    case fps(Double)
    case freezes(Int64)

    /// "packet loss up to 31 % (poor above 10 %)": the value and the limit it crossed. Values
    /// print whole unless that would put them on the good side of the limit (10.3 % → "10.3",
    /// not "10", beside "poor above 10 %").
    public func describe(_ limits: HealthThresholds) -> String {
        switch self {
        case .jitter(let ms):
            "jitter up to \(Self.above(ms, limits.jitterModerateMs)) ms (poor above \(Self.plain(limits.jitterModerateMs)) ms)"
        case .rtt(let ms):
            "round-trip time up to \(Self.above(ms, limits.rttModerateMs)) ms (poor above \(Self.plain(limits.rttModerateMs)) ms)"
        case .loss(let percent, let sent):
            "packet loss up to \(Self.above(percent, limits.lossModeratePercent)) % of what they \(sent ? "sent" : "received") "
                + "(poor above \(Self.plain(limits.lossModeratePercent)) %)"
        case .fps(let fps):
            "frame rate down to \(Self.below(fps, limits.fpsPoor)) fps (poor below \(Self.plain(limits.fpsPoor)))"
        case .freezes(let n):
            n == 1 ? "1 video freeze" : "\(n) video freezes"
        }
    }

    /// A value past an upper limit: whole, or with as many decimals (up to 3) as it takes to be
    /// past it.
    private static func above(_ value: Double, _ limit: Double) -> String {
        past(value) { $0 > limit }
    }

    /// A value under a lower limit, printed the same way.
    private static func below(_ value: Double, _ limit: Double) -> String {
        past(value) { $0 < limit }
    }

    private static func past(_ value: Double, _ isPast: (Double) -> Bool) -> String {
        for scale in [1.0, 10, 100, 1000] {
            let shown = (value * scale).rounded() / scale
            if isPast(shown) { return plain(shown) }
        }
        return plain((value * 1000).rounded() / 1000)
    }

    /// 12 → "12", 7.5 → "7.5".
    private static func plain(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
