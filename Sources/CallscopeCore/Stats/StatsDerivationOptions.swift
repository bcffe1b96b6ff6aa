/// Tuning for metric derivation.
///
/// ```swift
/// var options = StatsDerivationOptions()
/// options.maxGapMs = 30_000   // a collector that reports every 10 s
/// ```
public struct StatsDerivationOptions: Sendable, Hashable {
    /// Two reports of a stat id further apart than this start a new series (no rate values for
    /// that tick): a rate over a long gap (a tab in the background, a reconnect) would average
    /// away what happened and hide the gap on the graph.
    public var maxGapMs: Double = 15_000
    /// A stat whose `timestamp` is further than this from its message's `ts` gives no sample
    /// (``IngestLimits/maxStatTimestampSkewMs``).
    public var maxStatTimestampSkewMs: Double = 86_400_000
    /// Stat objects a report may hold, after a delta is applied (``IngestLimits/maxStatsPerReport``).
    public var maxStatsPerReport = 1_000

    public init(maxGapMs: Double = 15_000) {
        self.maxGapMs = maxGapMs
    }
}
