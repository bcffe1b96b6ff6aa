/// The share of time a participant spent in each colour for one media kind: the summary the
/// participant table shows (docs/metrics.md §3.4). Slices without any metric are not counted.
public struct HealthSummary: Sendable, Hashable, Codable {
    public var kind: MediaKind
    public var slices: Int
    public var good: Double
    public var moderate: Double
    public var poor: Double

    public init(kind: MediaKind, slices: Int, good: Double, moderate: Double, poor: Double) {
        self.kind = kind
        self.slices = slices
        self.good = good
        self.moderate = moderate
        self.poor = poor
    }

    /// The worst colour that covers at least 10 % of the time, or the worst at all when nothing does:
    /// one bad slice in an hour should not paint the whole call red.
    public var overall: HealthColour? {
        guard slices > 0 else { return nil }
        if poor >= 0.1 { return .poor }
        if moderate + poor >= 0.1 { return .moderate }
        return .good
    }

    /// One summary per kind that has slices, in `MediaKind.allCases` order.
    public static func summaries(of slices: [HealthSlice], limits: HealthThresholds) -> [HealthSummary] {
        var counts: [MediaKind: [HealthColour: Int]] = [:]
        for slice in slices {
            guard let colour = slice.figures.colour(limits) else { continue }
            counts[slice.kind, default: [:]][colour, default: 0] += 1
        }
        return summaries(counts: counts)
    }

    /// Summaries from counts of classified slices per kind and colour.
    public static func summaries(counts: [MediaKind: [HealthColour: Int]]) -> [HealthSummary] {
        MediaKind.allCases.compactMap { kind in
            guard let c = counts[kind] else { return nil }
            let total = c.values.reduce(0, +)
            let share = { (colour: HealthColour) in Double(c[colour] ?? 0) / Double(total) }
            return HealthSummary(kind: kind, slices: total, good: share(.good), moderate: share(.moderate), poor: share(.poor))
        }
    }
}
