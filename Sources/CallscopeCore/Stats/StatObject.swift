/// One getStats stat object: its members by name, including `id`, `type` and `timestamp`.
/// (`StatsReport` stores it as a `StatRecord`, which has the typed accessors derivation uses.)
public typealias StatObject = [String: JSONValue]

extension Int64 {
    /// Converts without trapping: `nil` for NaN and infinities, clamped to the `Int64` range.
    /// Counters come from untrusted clients; `Int64(someDouble)` would crash on 1e300.
    @inlinable
    init?(saturating value: Double) {
        guard value.isFinite else { return nil }
        // 2^63 is the first Double above Int64.max.
        if value >= 9_223_372_036_854_775_808 { self = .max; return }
        if value <= -9_223_372_036_854_775_808 { self = .min; return }
        self.init(value.rounded())
    }
}

extension Int {
    /// Converts without trapping: `nil` for NaN and infinities, clamped to the `Int` range.
    @inlinable
    init?(saturating value: Double) {
        guard let wide = Int64(saturating: value) else { return nil }
        self.init(truncatingIfNeeded: wide)
    }
}
