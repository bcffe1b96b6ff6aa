/// A score from 1 (unwatchable) to 5 (as sent) of what one receiver saw, judged against what the
/// sender chose to send, not against an ideal: a still screen share at 5 fps scores 5
/// (docs/quality.md §3).
///
/// ```
/// resolution = min(1, √(received pixels / sent pixels))      (1 when either is unknown)
/// frameRate  = min(1, received fps / sent fps)                (1 when either is unknown)
/// smooth     = 1 − min(1, frozen ms / interval ms)
/// delivered  = 1 − min(1, loss % / 20)                        (what NACK and FEC did not repair)
/// score      = 1 + 4 · resolution · frameRate · smooth · delivered
/// ```
///
/// ```swift
/// VideoQuality.score(VideoQuality.Interval(receivedFps: 15, sentFps: 30))   // 1 + 4 · 0.5 = 3
/// ```
public enum VideoQuality {
    /// The figures of one receiver-side interval, with the sender's at the same time.
    public struct Interval: Sendable, Hashable {
        public var receivedPixels: Double?
        public var sentPixels: Double?
        public var receivedFps: Double?
        public var sentFps: Double?
        public var frozenMs: Double = 0
        public var intervalMs: Double = 0
        public var lossPercent: Double = 0

        public init(receivedPixels: Double? = nil, sentPixels: Double? = nil, receivedFps: Double? = nil,
                    sentFps: Double? = nil, frozenMs: Double = 0, intervalMs: Double = 0, lossPercent: Double = 0) {
            self.receivedPixels = receivedPixels
            self.sentPixels = sentPixels
            self.receivedFps = receivedFps
            self.sentFps = sentFps
            self.frozenMs = frozenMs
            self.intervalMs = intervalMs
            self.lossPercent = lossPercent
        }
    }

    public static func score(_ interval: Interval) -> Double {
        let resolution = ratio(interval.receivedPixels, interval.sentPixels).squareRoot()
        let frameRate = ratio(interval.receivedFps, interval.sentFps)
        let smooth = interval.intervalMs > 0 ? 1 - clamp(interval.frozenMs / interval.intervalMs) : 1
        let delivered = 1 - clamp(interval.lossPercent / 20)
        return 1 + 4 * resolution * frameRate * smooth * delivered
    }

    /// `received / sent`, held to 0…1; 1 when either is unknown or nothing was sent.
    private static func ratio(_ received: Double?, _ sent: Double?) -> Double {
        guard let received, let sent, sent > 0, received.isFinite, sent.isFinite else { return 1 }
        return clamp(received / sent)
    }

    private static func clamp(_ x: Double) -> Double { x.isFinite ? min(1, max(0, x)) : 0 }
}
