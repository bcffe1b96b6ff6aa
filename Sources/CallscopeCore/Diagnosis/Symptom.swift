/// A stretch of time in which one figure of one stream side stayed bad: what the detector finds
/// before anything is blamed. A problem is one or more symptoms with a cause.
public struct Symptom: Sendable, Hashable {
    public var key: StreamKey
    public var side: StreamSide
    public var metric: ProblemMetric
    /// The first bad sample of the window that opened it.
    public var startMs: Int64
    /// The first sample of the clear run that closed it, or the series' last sample.
    public var endMs: Int64
    /// `true` when the series ended (or has not yet gone on) while the symptom was open.
    public var openAtEnd: Bool
    /// The worst and the median value of the samples judged while it lasted, in the metric's
    /// unit (percent, ms, received/sent ratio, ms frozen per sample, kbit/s sent).
    public var worst: Double
    public var median: Double
    public var severity: ProblemSeverity

    public init(key: StreamKey, side: StreamSide, metric: ProblemMetric, startMs: Int64, endMs: Int64, openAtEnd: Bool,
                worst: Double, median: Double, severity: ProblemSeverity) {
        self.key = key
        self.side = side
        self.metric = metric
        self.startMs = startMs
        self.endMs = endMs
        self.openAtEnd = openAtEnd
        self.worst = worst
        self.median = median
        self.severity = severity
    }

    public var edge: CallEdge { CallEdge(senderId: key.senderId, receiverId: key.receiverId) }

    /// `worst`, signed so that more is always worse: the order of evidence within a metric.
    var badness: Double { metric.higherIsWorse ? worst : -worst }

    public func overlaps(_ startMs: Int64, _ endMs: Int64) -> Bool { self.startMs < endMs && startMs < self.endMs }
}
