/// The rtp stats of one report grouped by (stream, side), in the order the samples are returned.
///
/// A struct with mutating methods rather than local closures over local arrays: captured
/// variables get boxed and every access pays a dynamic exclusivity check.
struct SampleGroups {
    private struct GroupKey: Hashable {
        var key: StreamKey
        var side: StreamSide
    }

    /// Position of each group in `groups` and `accumulators`. Accumulators live in an array so
    /// that adding a layer mutates in place, rather than moving a large value in and out of a
    /// dictionary.
    private var positions: [GroupKey: Int] = [:]
    private var groups: [GroupKey] = []
    private var accumulators: [SampleAccumulator] = []

    init(capacity: Int) {
        positions.reserveCapacity(capacity)
        groups.reserveCapacity(capacity)
        accumulators.reserveCapacity(capacity)
    }

    mutating func add(_ key: StreamKey, _ side: StreamSide, _ figures: RtpFigures) {
        let group = GroupKey(key: key, side: side)
        let position = Self.position(of: group, in: &positions, next: accumulators.count)
        if position < accumulators.count {
            accumulators[position].add(figures)
        } else {
            groups.append(group)
            accumulators.append(SampleAccumulator(figures))
        }
    }

    /// One sample per group: receiver side first, then by sender, receiver and kind (groups that
    /// tie keep the order they were first seen in).
    func samples() -> [DerivedSample] {
        var order = Array(groups.indices)
        // Through a buffer pointer: the comparator reads the keys in place instead of copying
        // them (two strings each, so a retain and a release apiece) on every comparison.
        groups.withUnsafeBufferPointer { groups in
            order.sort { Self.precedes(groups[$0], groups[$1]) }
        }
        var samples: [DerivedSample] = []
        samples.reserveCapacity(order.count)
        for position in order {
            let group = groups[position]
            samples.append(DerivedSample(key: group.key, sample: accumulators[position].sample(side: group.side)))
        }
        return samples
    }

    private static func precedes(_ lhs: GroupKey, _ rhs: GroupKey) -> Bool {
        if lhs.side != rhs.side { return lhs.side == .receiver }
        if lhs.key.senderId != rhs.key.senderId { return lhs.key.senderId < rhs.key.senderId }
        if lhs.key.receiverId != rhs.key.receiverId { return (lhs.key.receiverId ?? "") < (rhs.key.receiverId ?? "") }
        return lhs.key.kind.rawValue < rhs.key.kind.rawValue
    }

    /// The position of `group`, inserting `next` when it is new: one hash either way (the
    /// `default:` subscript's in-place accessor inserts the default and lets it be read).
    private static func position(of group: GroupKey, in positions: inout [GroupKey: Int], next: Int) -> Int {
        func read(_ position: inout Int) -> Int { position }
        return read(&positions[group, default: next])
    }
}
