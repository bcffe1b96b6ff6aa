/// Whose link a set of bad streams points at: the smallest set of uplinks and downlinks that
/// explains the streams that went bad without blaming those that stayed fine (docs/quality.md §5).
///
/// Time is cut where any symptom starts or ends; in each piece every edge of the call graph is bad
/// (some symptom on it) or fine (active, no symptom). A sender's uplink is blamed when at least two
/// thirds of what it sends went bad and it sends to at least two receivers (or the SFU's own RTCP
/// says its uplink lost packets); a receiver's downlink likewise over what it receives from at
/// least two senders. The candidate explaining the most bad edges is taken first, then the next,
/// until every bad edge is explained or nothing can be told apart: a single bad edge (a call of
/// two) stays a path between two people, not a guess. A TURN relay that two or more participants
/// share is a candidate too, over every edge to or from them. When every uplink or every downlink
/// of a call of three or more goes bad at once, and no relay explains it, the shared path is
/// blamed instead of everyone.
/// Round-trip time says nothing of direction, so it blames a participant's connection, not an
/// uplink or a downlink.
struct FaultLocator {
    /// What a piece of time's bad edges are blamed on.
    enum Culprit: Hashable, Comparable {
        case uplink(String)
        case downlink(String)
        /// A participant's connection, direction unknown (round-trip time).
        case connection(String)
        /// One sender → receiver path that cannot be pinned to either end.
        case path(CallEdge)
        /// Every stream through the TURN relay at this address, which two or more participants share.
        case relay(String)
        /// Every stream at once: a relay, the SFU or a network they share.
        case shared
        case device(String)

        private var order: (Int, String, String) {
            switch self {
            case .uplink(let p): (0, p, "")
            case .downlink(let p): (1, p, "")
            case .connection(let p): (2, p, "")
            case .path(let e): (3, e.senderId, e.receiverId ?? "")
            case .relay(let address): (4, address, "")
            case .shared: (5, "", "")
            case .device(let p): (6, p, "")
            }
        }

        static func < (a: Culprit, b: Culprit) -> Bool { a.order < b.order }
    }

    /// One culprit over one stretch of time, with the bad edges it explains.
    struct Fault: Hashable {
        var culprit: Culprit
        var startMs: Int64
        var endMs: Int64
        var edges: Set<CallEdge>
    }

    let graph: CallGraph
    /// When each edge has samples: from the first to the last sample of any of its series.
    private let activeSpans: [CallEdge: (first: Int64, last: Int64)]
    /// The relay addresses two or more participants share, with them (``CallGraph/sharedRelays``).
    private let relayGroups: [(address: String, members: [String])]

    init(graph: CallGraph) {
        self.graph = graph
        relayGroups = graph.sharedRelays.sorted { $0.key < $1.key }.map { (address: $0.key, members: $0.value) }
        var spans: [CallEdge: (first: Int64, last: Int64)] = [:]
        for s in graph.series {
            guard let first = s.samples.first?.tsMs, let last = s.samples.last?.tsMs else { continue }
            let edge = CallEdge(senderId: s.key.senderId, receiverId: s.key.receiverId)
            let old = spans[edge] ?? (first, last)
            spans[edge] = (min(old.first, first), max(old.last, last))
        }
        activeSpans = spans
    }

    func faults(from symptoms: [Symptom]) -> [Fault] {
        // A sweep over time: `live` holds the symptoms that started before the piece ends, less
        // those that ended before it starts, so each piece costs what overlaps it, not every
        // symptom of the call (a long call of fifty has thousands).
        let path = symptoms.filter { !$0.metric.isDevice }.sorted { $0.startMs < $1.startMs }
        var boundaries = Set<Int64>()
        for s in path { boundaries.insert(s.startMs); boundaries.insert(s.endMs) }
        let cuts = boundaries.sorted()
        var pieces: [Fault] = []
        var live: [Symptom] = []
        var next = 0
        var active = ActiveEdges([])
        // An edge is active in [a, b) when its span's first sample is before b and its last at or
        // after a; both bounds only grow, so the set changes only when one passes a span's end.
        let firsts = activeSpans.values.map(\.first).sorted(), lasts = activeSpans.values.map(\.last).sorted()
        var firstsPassed = 0, lastsPassed = 0, stale = true
        for (a, b) in zip(cuts, cuts.dropFirst()) where b > a {
            while next < path.count, path[next].startMs < b {
                live.append(path[next])
                next += 1
            }
            live.removeAll { $0.endMs <= a }
            let here = live
            guard !here.isEmpty else { continue }
            // Which edges carry media changes only when a stream starts or stops: the index of
            // them is built again only then, not for every piece.
            while firstsPassed < firsts.count, firsts[firstsPassed] < b { firstsPassed += 1; stale = true }
            while lastsPassed < lasts.count, lasts[lastsPassed] < a { lastsPassed += 1; stale = true }
            if stale {
                active = ActiveEdges(Set(activeSpans.filter { $0.value.first < b && a <= $0.value.last }.keys))
                stale = false
            }
            let directional = Set(here.filter { $0.metric.isDirectional }.map(\.edge))
            let roundTrip = Set(here.filter { !$0.metric.isDirectional }.map(\.edge))
            for (culprit, edges) in locate(bad: directional, active: active.adding(directional)) {
                pieces.append(Fault(culprit: culprit, startMs: a, endMs: b, edges: edges))
            }
            for (culprit, edges) in locateConnections(bad: roundTrip, active: active.adding(roundTrip)) {
                pieces.append(Fault(culprit: culprit, startMs: a, endMs: b, edges: edges))
            }
        }
        return Self.merged(pieces) + deviceFaults(symptoms.filter { $0.metric.isDevice })
    }

    // MARK: directional figures

    private struct Candidate {
        var culprit: FaultLocator.Culprit
        var edges: Set<CallEdge>
        /// Enough edges (or the SFU's own report) to tell this end from the other.
        var decisive: Bool
    }

    /// The edges with media in a piece of time, by sender and by receiver.
    struct ActiveEdges {
        private(set) var edges: Set<CallEdge>
        private(set) var bySender: [String: Set<CallEdge>] = [:]
        private(set) var byReceiver: [String: Set<CallEdge>] = [:]

        init(_ edges: Set<CallEdge>) {
            self.edges = []
            for edge in edges { insert(edge) }
        }

        private mutating func insert(_ edge: CallEdge) {
            guard edges.insert(edge).inserted else { return }
            bySender[edge.senderId, default: []].insert(edge)
            if let r = edge.receiverId { byReceiver[r, default: []].insert(edge) }
        }

        /// These and `more` (bad edges are active, but a symptom may outlast its series' span).
        func adding(_ more: Set<CallEdge>) -> ActiveEdges {
            guard !more.isSubset(of: edges) else { return self }
            var copy = self
            for edge in more { copy.insert(edge) }
            return copy
        }

        func touching(_ participant: String) -> Set<CallEdge> {
            (bySender[participant] ?? []).union(byReceiver[participant] ?? [])
        }
    }

    private func locate(bad: Set<CallEdge>, active: ActiveEdges) -> [(Culprit, Set<CallEdge>)] {
        guard !bad.isEmpty else { return [] }
        let bySender = active.bySender, byReceiver = active.byReceiver
        func uplink(_ s: String) -> Candidate {
            let edges = bySender[s] ?? []
            let decisive = Set(edges.compactMap(\.receiverId)).count >= 2 || bad.contains(CallEdge(senderId: s, receiverId: nil))
            return Candidate(culprit: .uplink(s), edges: edges, decisive: decisive)
        }
        func downlink(_ r: String) -> Candidate {
            let edges = byReceiver[r] ?? []
            return Candidate(culprit: .downlink(r), edges: edges, decisive: Set(edges.map(\.senderId)).count >= 2)
        }
        // Only ends that touch a bad edge can be blamed; the others matter only to the question
        // whether every uplink (or downlink) went bad at once.
        let badSenders = Set(bad.map(\.senderId)), badReceivers = Set(bad.compactMap(\.receiverId))
        // A relay that explains what went bad is the shared path, named.
        let relays = relayCandidates(bad: bad, active: active)
        if relays.isEmpty,
           isShared(bad: bad, ends: bySender.keys.count == badSenders.count ? bySender.keys.sorted().map(uplink) : [])
            || isShared(bad: bad, ends: byReceiver.keys.count == badReceivers.count ? byReceiver.keys.sorted().map(downlink) : []) {
            return [(.shared, bad)]
        }
        let candidates = relays + badSenders.sorted().map(uplink) + badReceivers.sorted().map(downlink)
        var (chosen, unexplained) = Self.cover(bad: bad, candidates: candidates)
        for edge in unexplained.sorted() {
            // Through an SFU that received the sender's stream fine, the loss came after it.
            let serverEdge = CallEdge(senderId: edge.senderId, receiverId: nil)
            if let receiver = edge.receiverId, active.edges.contains(serverEdge), !bad.contains(serverEdge) {
                chosen.append((.downlink(receiver), [edge]))
            } else {
                chosen.append((.path(edge), [edge]))
            }
        }
        unexplained.removeAll()
        return chosen
    }

    /// A TURN relay that two or more participants share is blamed when nearly every stream
    /// through it (to or from any of them, five in six) went bad at once, each of them on streams
    /// with at least two others and on most of their own, while streams that avoid it stayed
    /// mostly fine. One member's link would spoil only that member's streams; two members'
    /// uplinks at once would leave what they receive fine; so only the relay, or its network,
    /// spoils every stream through it in both directions. In a call of two nothing tells the
    /// relay from either end.
    private func relayCandidates(bad: Set<CallEdge>, active: ActiveEdges) -> [Candidate] {
        guard !relayGroups.isEmpty else { return [] }
        let people = Set(bad.flatMap { [$0.senderId] + ($0.receiverId.map { [$0] } ?? []) })
        return relayGroups.compactMap { group in
            guard group.members.contains(where: people.contains) else { return nil }
            var through = Set<CallEdge>()
            for member in group.members {
                let touching = active.touching(member)
                let others = Set(touching.filter(bad.contains).map { $0.senderId == member ? ($0.receiverId ?? "server") : $0.senderId })
                guard others.count >= 2, Self.badShare(touching, bad) >= 2.0 / 3 else { return nil }
                through.formUnion(touching)
            }
            let outside = active.edges.subtracting(through)
            guard Self.badShare(through, bad) >= 5.0 / 6, outside.isEmpty || Self.badShare(outside, bad) < 1.0 / 3 else { return nil }
            return Candidate(culprit: .relay(group.address), edges: through, decisive: true)
        }
    }

    /// Every uplink, or every downlink (`ends`: all of one kind), of a call of three or more went
    /// mostly bad at once: what they share (an SFU's ingress or egress, a relay, a common
    /// network) is at fault, not each.
    private func isShared(bad: Set<CallEdge>, ends: [Candidate]) -> Bool {
        ends.count >= 3 && ends.allSatisfy { Self.badShare($0.edges, bad) >= 2.0 / 3 }
    }

    private static func badShare(_ edges: Set<CallEdge>, _ bad: Set<CallEdge>) -> Double {
        guard !edges.isEmpty else { return 0 }
        var n = 0
        for edge in edges where bad.contains(edge) { n += 1 }
        return Double(n) / Double(edges.count)
    }

    /// Greedy set cover: the decisive, mostly-bad candidate that explains the most unexplained
    /// bad edges first (ties: fewer fine edges blamed, then uplinks, then by id).
    private static func cover(bad: Set<CallEdge>, candidates: [Candidate]) -> ([(Culprit, Set<CallEdge>)], Set<CallEdge>) {
        var unexplained = bad
        var chosen: [(Culprit, Set<CallEdge>)] = []
        // Counted, not built as sets: this runs for every piece of a long call. How many fine
        // edges a candidate would blame does not change while it is in the pool.
        func count(_ edges: Set<CallEdge>, in set: Set<CallEdge>) -> Int {
            var n = 0
            for edge in edges where set.contains(edge) { n += 1 }
            return n
        }
        var pool = candidates.filter { $0.decisive && badShare($0.edges, bad) >= 2.0 / 3 }
            .map { (candidate: $0, fine: $0.edges.count - count($0.edges, in: bad)) }
        while !unexplained.isEmpty {
            var best: (index: Int, explains: Int)?
            for (i, entry) in pool.enumerated() {
                let explains = count(entry.candidate.edges, in: unexplained)
                guard explains > 0 else { continue }
                if let current = best {
                    let other = pool[current.index]
                    if explains != current.explains {
                        if explains < current.explains { continue }
                    } else if entry.fine != other.fine {
                        if entry.fine > other.fine { continue }
                    } else if !(entry.candidate.culprit < other.candidate.culprit) {
                        continue
                    }
                }
                best = (i, explains)
            }
            guard let pick = best.map({ pool[$0.index].candidate }), let index = best?.index else { break }
            chosen.append((pick.culprit, pick.edges.intersection(bad)))
            unexplained.subtract(pick.edges)
            pool.remove(at: index)
        }
        return (chosen, unexplained)
    }

    // MARK: round-trip time

    private func locateConnections(bad: Set<CallEdge>, active: ActiveEdges) -> [(Culprit, Set<CallEdge>)] {
        guard !bad.isEmpty else { return [] }
        // Only people on a bad edge can be blamed.
        let people = Set(bad.flatMap { [$0.senderId] + ($0.receiverId.map { [$0] } ?? []) })
        let candidates: [Candidate] = people.sorted().map { p in
            let edges = active.touching(p)
            let others = Set(edges.map { $0.senderId == p ? ($0.receiverId ?? "server") : $0.senderId })
            let decisive = others.count >= 2 || bad.contains(CallEdge(senderId: p, receiverId: nil))
            return Candidate(culprit: .connection(p), edges: edges, decisive: decisive)
        }
        var (chosen, unexplained) = Self.cover(bad: bad, candidates: candidates)
        for edge in unexplained.sorted() where unexplained.contains(edge) {
            guard let receiver = edge.receiverId else {
                chosen.append((.connection(edge.senderId), [edge]))
                continue
            }
            // Both ends measure the same round trip: one path, not one per direction.
            let reverse = CallEdge(senderId: receiver, receiverId: edge.senderId)
            let both: Set<CallEdge> = unexplained.contains(reverse) ? [edge, reverse] : [edge]
            chosen.append((.path(edge), both))
            unexplained.subtract(both)
        }
        unexplained.removeAll()
        return chosen
    }

    // MARK: merging

    /// Pieces of one culprit that touch in time become one fault.
    static func merged(_ pieces: [Fault]) -> [Fault] {
        var result: [Fault] = []
        let byCulprit = Dictionary(grouping: pieces, by: \.culprit)
        for culprit in byCulprit.keys.sorted() {
            for piece in byCulprit[culprit, default: []].sorted(by: { $0.startMs < $1.startMs }) {
                if var last = result.last, last.culprit == culprit, piece.startMs <= last.endMs {
                    last.endMs = max(last.endMs, piece.endMs)
                    last.edges.formUnion(piece.edges)
                    result[result.count - 1] = last
                } else {
                    result.append(piece)
                }
            }
        }
        return result
    }

    private func deviceFaults(_ cpu: [Symptom]) -> [Fault] {
        Self.merged(cpu.map { Fault(culprit: .device($0.key.senderId), startMs: $0.startMs, endMs: $0.endMs, edges: [$0.edge]) })
    }
}
