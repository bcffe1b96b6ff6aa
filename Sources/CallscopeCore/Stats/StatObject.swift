/// One getStats stat object: its members by name, including `id`, `type` and `timestamp`.
public typealias StatObject = [String: JSONValue]

extension Dictionary where Key == String, Value == JSONValue {
    /// The member as a number, or `nil` when it is missing or not a number (a client bug or an
    /// old browser must not turn into a crash or a bogus zero).
    @inlinable
    func number(_ key: String) -> Double? {
        if case .number(let value)? = self[key] { return value }
        return nil
    }

    /// The member as a number that cannot be negative (a resolution, a jitter, an RTT): `nil`
    /// when missing or negative, so that nonsense from a client never reaches a graph.
    @inlinable
    func gauge(_ key: String) -> Double? {
        if case .number(let value)? = self[key], value >= 0 { return value }
        return nil
    }

    @inlinable
    func text(_ key: String) -> String? {
        if case .string(let value)? = self[key] { return value }
        return nil
    }

    @inlinable
    func flag(_ key: String) -> Bool? {
        if case .bool(let value)? = self[key] { return value }
        return nil
    }

    /// The stat's `type`, e.g. `inbound-rtp`.
    @inlinable
    var statType: String? { text("type") }

    /// `ssrc` as an integer (SSRCs are 32-bit; anything else is ignored).
    @inlinable
    var ssrc: Int64? {
        guard let value = number("ssrc"), value >= 0, value <= 4_294_967_295,
              value.rounded(.towardZero) == value else { return nil }
        return Int64(value)
    }
}

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
