/// The samples of one side of one stream, oldest first: a node's view of one edge of the call.
public struct StreamSeries: Sendable, Hashable {
    public var key: StreamKey
    public var side: StreamSide
    public var samples: [StreamSample]

    public init(key: StreamKey, side: StreamSide, samples: [StreamSample]) {
        self.key = key
        self.side = side
        self.samples = samples
    }
}

/// Who sends to whom: the edge of the call graph a stream side lies on. `receiverId` is `nil`
/// for what a participant sends to an SFU (the edge from the sender to the server).
public struct CallEdge: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var senderId: String
    public var receiverId: String?

    public init(senderId: String, receiverId: String?) {
        self.senderId = senderId
        self.receiverId = receiverId
    }

    public static func < (a: CallEdge, b: CallEdge) -> Bool {
        (a.senderId, a.receiverId ?? "") < (b.senderId, b.receiverId ?? "")
    }

    public var description: String { "\(senderId)→\(receiverId ?? "server")" }
}

/// A session's streams as the diagnosis sees them: every stream side over time, the participants'
/// names, and which of them send through a TURN relay.
///
/// ```swift
/// let graph = CallGraph(series: series, names: ["alice": "Alice"])
/// graph.senderCursor(for: receiverSeries.key).sample(near: 1_700_000_010_000)?.fps
/// ```
public struct CallGraph: Sendable {
    public var series: [StreamSeries]
    public var names: [String: String]
    /// The TURN relays each participant's selected candidate pairs went through, by the relay
    /// candidate's address (webrtc-stats `address` of a `relay` local candidate): participants
    /// behind one TURN server share it. An empty set: relayed, the address unknown.
    public var relays: [String: Set<String>]
    private var senderSeries: [StreamKey: Int] = [:]

    public init(series: [StreamSeries], names: [String: String] = [:], relays: [String: Set<String>] = [:]) {
        self.series = series.map { s in
            var sorted = s
            if zip(s.samples, s.samples.dropFirst()).contains(where: { $0.tsMs > $1.tsMs }) { sorted.samples.sort { $0.tsMs < $1.tsMs } }
            return sorted
        }
        self.names = names
        self.relays = relays
        for (i, s) in self.series.enumerated() where s.side == .sender { senderSeries[s.key] = i }
    }

    /// Participants whose selected candidate pair went through a TURN relay.
    public var relayedParticipants: Set<String> { Set(relays.keys) }

    /// The participants behind each relay address that two or more of them share, in id order.
    public var sharedRelays: [String: [String]] {
        var members: [String: [String]] = [:]
        for (participant, addresses) in relays {
            for address in addresses { members[address, default: []].append(participant) }
        }
        return members.filter { $0.value.count >= 2 }.mapValues { $0.sorted() }
    }

    /// `true` when some stream goes to an SFU rather than straight to its receiver.
    public var usesServer: Bool { series.contains { $0.key.receiverId == nil } }

    public func name(_ participantId: String) -> String { DisplayName.of(participantId, in: names) }

    /// Every participant that sends or receives a stream, in id order.
    public var participantIds: [String] {
        var ids = Set<String>()
        for s in series {
            ids.insert(s.key.senderId)
            if let r = s.key.receiverId { ids.insert(r) }
        }
        return ids.filter { !$0.hasPrefix("unknown:") }.sorted()
    }

    /// The sender side of the stream whose receiver side is `key`: the same key in a mesh call, the
    /// sender's stream to the server through an SFU.
    public func senderSeries(for key: StreamKey) -> StreamSeries? {
        if let i = senderSeries[key] { return series[i] }
        if let i = senderSeries[StreamKey(senderId: key.senderId, receiverId: nil, kind: key.kind)] { return series[i] }
        return nil
    }

    /// A reader of one sender series for questions asked in time order (a rule judging a receiver
    /// series sample by sample): each answer starts where the last one was, so a whole series
    /// costs one pass over its sender's samples. Earlier times are answered too, by search.
    final class SenderCursor {
        private let samples: [StreamSample]
        private var index = 0

        init(_ samples: [StreamSample]) { self.samples = samples }

        func sample(near tsMs: Int64, withinMs: Int64 = 5_000) -> StreamSample? {
            guard !samples.isEmpty else { return nil }
            if samples[index].tsMs > tsMs { return CallGraph.sample(in: samples, near: tsMs, withinMs: withinMs) }
            while index + 1 < samples.count, samples[index + 1].tsMs <= tsMs { index += 1 }
            var best = samples[index]
            if index + 1 < samples.count,
               samples[index + 1].tsMs.subtracting(saturating: tsMs) < tsMs.subtracting(saturating: best.tsMs) {
                best = samples[index + 1]
            }
            return abs(best.tsMs.subtracting(saturating: tsMs)) <= withinMs ? best : nil
        }
    }

    /// A cursor over the sender side of the stream whose receiver side is `key`.
    func senderCursor(for key: StreamKey) -> SenderCursor { SenderCursor(senderSeries(for: key)?.samples ?? []) }

    /// The sample of `samples` (oldest first) closest in time to `tsMs`, within `withinMs`. Rules
    /// that ask for every sample of a stream look its sender series up once and call this.
    public static func sample(in samples: [StreamSample], near tsMs: Int64, withinMs: Int64 = 5_000) -> StreamSample? {
        guard !samples.isEmpty else { return nil }
        var low = 0, high = samples.count
        while low < high {
            let mid = (low + high) / 2
            if samples[mid].tsMs < tsMs { low = mid + 1 } else { high = mid }
        }
        let candidates = [low - 1, low].filter { $0 >= 0 && $0 < samples.count }.map { samples[$0] }
        guard let best = candidates.min(by: { abs($0.tsMs.subtracting(saturating: tsMs)) < abs($1.tsMs.subtracting(saturating: tsMs)) }),
              abs(best.tsMs.subtracting(saturating: tsMs)) <= withinMs else { return nil }
        return best
    }
}
