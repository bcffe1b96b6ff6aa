/// The set of message seqs stored for one participant, as sorted disjoint closed ranges.
///
/// A collector sends its seqs in order, so this is nearly always one range; out-of-order delivery
/// (a WebSocket and an HTTP fallback racing) leaves a hole until the missing message arrives.
/// `contiguousHigh` is what is acknowledged: everything from the first stored seq up to it is on
/// disk, so a client may safely forget those messages.
public struct SeqRanges: Sendable, Hashable, Codable, CustomStringConvertible {
    public private(set) var ranges: [ClosedRange<Int64>]

    /// Sorts and merges `ranges`; overlapping or touching ranges become one.
    public init(_ ranges: [ClosedRange<Int64>] = []) {
        var merged: [ClosedRange<Int64>] = []
        for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, r.lowerBound <= last.upperBound &+ 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
            } else {
                merged.append(r)
            }
        }
        self.ranges = merged
    }

    public func contains(_ seq: Int64) -> Bool {
        ranges.contains { $0.contains(seq) }
    }

    /// Adds `seq`; returns `false` when it was already there (a duplicate).
    @discardableResult
    public mutating func insert(_ seq: Int64) -> Bool {
        if contains(seq) { return false }
        var merged = seq...seq
        var out: [ClosedRange<Int64>] = []
        out.reserveCapacity(ranges.count + 1)
        var placed = false
        for r in ranges {
            if r.upperBound &+ 1 == merged.lowerBound {
                merged = r.lowerBound...merged.upperBound
            } else if merged.upperBound &+ 1 == r.lowerBound {
                merged = merged.lowerBound...r.upperBound
            } else if r.upperBound < merged.lowerBound {
                out.append(r)
            } else {
                if !placed { out.append(merged); placed = true }
                out.append(r)
            }
        }
        if !placed { out.append(merged) }
        ranges = out
        return true
    }

    /// The highest seq below which nothing from the first stored seq on is missing.
    public var contiguousHigh: Int64? { ranges.first?.upperBound }
    public var highest: Int64? { ranges.last?.upperBound }

    /// `"1-20,22-30"`: how the ranges are stored.
    public var description: String {
        ranges.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
            .joined(separator: ",")
    }

    /// Parses `description`'s format; `nil` for anything else.
    public init?(parsing text: String) {
        var parsed: [ClosedRange<Int64>] = []
        for part in text.split(separator: ",") {
            let bounds = part.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            // A negative seq would be ambiguous with the separator; seqs are non-negative.
            guard let lo = Int64(bounds[0]), lo >= 0 else { return nil }
            let hi = bounds.count == 2 ? Int64(bounds[1]) : lo
            guard let hi, hi >= lo else { return nil }
            parsed.append(lo...hi)
        }
        self.init(parsed)
    }
}
