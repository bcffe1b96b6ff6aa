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

    public init(maxGapMs: Double = 15_000) {
        self.maxGapMs = maxGapMs
    }
}
