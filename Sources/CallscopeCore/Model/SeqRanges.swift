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
        let i = firstRange(endingAtOrAbove: seq)
        return i < ranges.count && ranges[i].contains(seq)
    }

    /// Whether inserting `seq` would add a range (it touches none): what ``IngestLimits/maxSeqRanges``
    /// bounds, so that a client skipping every other seq cannot grow the set without end.
    public func wouldAddRange(_ seq: Int64) -> Bool {
        let i = firstRange(endingAtOrAbove: seq &- 1)
        guard i < ranges.count else { return true }
        return ranges[i].lowerBound > seq &+ 1
    }

    /// Adds `seq`; returns `false` when it was already there (a duplicate). Finds its place by
    /// binary search and merges with at most its two neighbours: O(log n) to find, and the
    /// array shifts only when a range is added or two merge.
    @discardableResult
    public mutating func insert(_ seq: Int64) -> Bool {
        let i = firstRange(endingAtOrAbove: seq)
        if i < ranges.count, ranges[i].contains(seq) { return false }
        // ranges[i] (if any) starts above seq; ranges[i - 1] (if any) ends below it.
        let joinsBelow = i > 0 && ranges[i - 1].upperBound &+ 1 == seq
        let joinsAbove = i < ranges.count && ranges[i].lowerBound &- 1 == seq
        switch (joinsBelow, joinsAbove) {
        case (true, true):
            ranges[i - 1] = ranges[i - 1].lowerBound...ranges[i].upperBound
            ranges.remove(at: i)
        case (true, false):
            ranges[i - 1] = ranges[i - 1].lowerBound...seq
        case (false, true):
            ranges[i] = seq...ranges[i].upperBound
        case (false, false):
            ranges.insert(seq...seq, at: i)
        }
        return true
    }

    /// The index of the first range whose upper bound is ≥ `seq` (`ranges.count` when none).
    private func firstRange(endingAtOrAbove seq: Int64) -> Int {
        var low = 0, high = ranges.count
        while low < high {
            let mid = (low + high) / 2
            if ranges[mid].upperBound < seq { low = mid + 1 } else { high = mid }
        }
        return low
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
