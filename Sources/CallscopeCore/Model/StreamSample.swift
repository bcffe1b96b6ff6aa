/// The metrics of one stream at one stats tick, as docs/metrics.md §2 defines them, and the raw
/// counters they came from.
///
/// Rate metrics (bitrate, loss, FPS from frame counters, concealment, jitter-buffer delay,
/// freezes) are `nil` on the first report of a series: they need two reports of the same stat id.
/// Gauges (jitter, RTT from `roundTripTime`, resolution, `framesPerSecond`) can be set on any tick.
public struct StreamSample: Sendable, Hashable, Codable {
    /// The stats `timestamp` of the report, in milliseconds since the epoch.
    public var tsMs: Int64
    public var side: StreamSide

    public var bitrateKbps: Double?
    /// Packets sent (sender side) or received (receiver side) during the interval.
    public var packets: Int64?
    /// Packets lost during the interval: from `inbound-rtp` on the receiver side, from
    /// `remote-inbound-rtp` on the sender side.
    public var packetsLost: Int64?
    public var lossPercent: Double?
    public var jitterMs: Double?
    public var rttMs: Double?
    public var fps: Double?
    public var frameWidth: Int?
    public var frameHeight: Int?
    /// Freezes that started during the interval (receiver side, video).
    public var freezeCount: Int64?
    public var freezeDurationMs: Double?
    public var concealmentPercent: Double?
    public var jitterBufferDelayMs: Double?
    public var qualityLimitation: QualityLimitationReason?
    /// Frames per second the camera (or screen capture) delivered to the encoder: the sender's
    /// `media-source.framesPerSecond` (sender side, video kinds). Below the sent `fps` is normal
    /// (the encoder may drop); far above it, the encoder dropped what was captured.
    public var captureFps: Double?

    /// Cumulative `bytesSent`/`bytesReceived` as reported (summed over simulcast layers).
    public var bytesTotal: Int64?
    /// Cumulative `packetsSent`/`packetsReceived` as reported.
    public var packetsTotal: Int64?
    /// Cumulative `packetsLost` as reported.
    public var packetsLostTotal: Int64?

    public init(tsMs: Int64, side: StreamSide) {
        self.tsMs = tsMs
        self.side = side
    }
}

/// `outbound-rtp.qualityLimitationReason`: why the encoder sends less than it would like.
public enum QualityLimitationReason: String, Sendable, Hashable, Codable, CaseIterable {
    case none, cpu, bandwidth, other
}
