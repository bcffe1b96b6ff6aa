/// The good/moderate/poor limits of docs/metrics.md §3.2. A value equal to a good limit is good.
public struct HealthThresholds: Sendable, Hashable, Codable {
    public var jitterGoodMs: Double = 30
    public var jitterModerateMs: Double = 50
    public var rttGoodMs: Double = 300
    public var rttModerateMs: Double = 500
    public var lossGoodPercent: Double = 5
    public var lossModeratePercent: Double = 10
    /// FPS at or above this is good (judged only when the sender sends at least this many).
    public var fpsGood: Double = 15
    /// FPS below this is poor.
    public var fpsPoor: Double = 8

    public init() {}

    public static let `default` = HealthThresholds()

    public func colour(jitterMs: Double) -> HealthColour {
        jitterMs <= jitterGoodMs ? .good : jitterMs <= jitterModerateMs ? .moderate : .poor
    }

    public func colour(rttMs: Double) -> HealthColour {
        rttMs <= rttGoodMs ? .good : rttMs <= rttModerateMs ? .moderate : .poor
    }

    public func colour(lossPercent: Double) -> HealthColour {
        lossPercent <= lossGoodPercent ? .good : lossPercent <= lossModeratePercent ? .moderate : .poor
    }

    public func colour(fps: Double) -> HealthColour {
        fps >= fpsGood ? .good : fps >= fpsPoor ? .moderate : .poor
    }
}
