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
    public var lowestFps: Double?
    public var freezes: Int64
    /// The metrics that were poor in at least one slice, worst first by how far past the limit.
    public var causes: [QualityCause]

    public var durationMs: Int64 { endMs - startMs }
}

/// One metric that made slices poor, with its worst value.
public enum QualityCause: Sendable, Hashable {
    case jitter(ms: Double)
    case rtt(ms: Double)
    case loss(percent: Double)
    case fps(Double)
    case freezes(Int64)

    /// "packet loss up to 31 % (poor above 10 %)": the value and the limit it crossed.
    public func describe(_ limits: HealthThresholds) -> String {
        switch self {
        case .jitter(let ms): "jitter up to \(Self.whole(ms)) ms (poor above \(Self.whole(limits.jitterModerateMs)) ms)"
        case .rtt(let ms): "round-trip time up to \(Self.whole(ms)) ms (poor above \(Self.whole(limits.rttModerateMs)) ms)"
        case .loss(let percent): "packet loss up to \(Self.percent(percent)) % (poor above \(Self.whole(limits.lossModeratePercent)) %)"
        case .fps(let fps): "frame rate down to \(Self.whole(fps)) fps (poor below \(Self.whole(limits.fpsPoor)))"
        case .freezes(let n): n == 1 ? "1 video freeze" : "\(n) video freezes"
        }
    }

    private static func whole(_ value: Double) -> String { String(Int(value.rounded())) }

    /// Losses under 10 % keep one decimal: 7.5 % and 8 % are different stories.
    private static func percent(_ value: Double) -> String {
        value >= 10 ? whole(value) : String(Double((value * 10).rounded()) / 10)
    }
}
