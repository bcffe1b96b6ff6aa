/// The times the server keeps and shows: from 1970 to the last millisecond of year 9999 (UTC),
/// as milliseconds since the epoch. Any difference or sum of two such times (plus a slice or a
/// tick step) fits an `Int64` many times over, which is why every time from outside — a
/// message, a query string, a form — is checked against this range or clamped into it before
/// arithmetic.
public enum EpochTime {
    public static let maxMs: Int64 = 253_402_300_799_999
    public static let range: ClosedRange<Int64> = 0...maxMs

    /// `ms` held inside ``range``: for times read back from storage, which may predate the checks.
    @inlinable
    public static func clamped(_ ms: Int64) -> Int64 { Swift.min(Swift.max(ms, 0), maxMs) }
}
