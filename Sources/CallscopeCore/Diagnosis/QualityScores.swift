/// Quality scores over time, per stream and per participant: an audio MOS (``AudioQuality``, 1 to
/// 4.5) for audio kinds and a video score (``VideoQuality``, 1 to 5) for video kinds, computed
/// from every receiver-side sample and averaged per slice (docs/quality.md §2–3).
///
/// A participant's **received** score of a kind is, per slice, the mean over the streams of that
/// kind they received: what they heard or saw. Their **sent** score is the mean over the
/// receivers of their streams: how the others got their media. A slice with no judged sample has
/// no point; a stream whose receiver got no packets while its sender sent scores the minimum.
///
/// ```swift
/// let scores = QualityScores(graph: graph, sliceMs: 10_000)
/// scores.received.first { $0.participantId == "bob" && $0.kind == .audio }?.median   // 4.38
/// ```
public struct QualityScores: Sendable, Hashable {
    /// One slice's mean score.
    public struct Point: Sendable, Hashable {
        public var startMs: Int64
        public var score: Double
    }

    /// A series of points with its median and worst.
    public struct Series: Sendable, Hashable {
        public var points: [Point]
        public var median: Double?
        public var worst: Double?

        init(_ points: [Point]) {
            self.points = points
            let sorted = points.map(\.score).sorted()
            median = sorted.isEmpty ? nil : sorted[(sorted.count - 1) / 2]
            worst = sorted.first
        }
    }

    public struct StreamScores: Sendable, Hashable {
        public var key: StreamKey
        public var scores: Series
    }

    public struct ParticipantScores: Sendable, Hashable {
        public var participantId: String
        public var kind: MediaKind
        public var scores: Series
    }

    public var sliceMs: Int64
    /// Every received stream, in key order.
    public var streams: [StreamScores]
    /// What each participant heard and saw, per kind.
    public var received: [ParticipantScores]
    /// How the others got each participant's media, per kind.
    public var sent: [ParticipantScores]

    public init(graph: CallGraph, sliceMs: Int64) {
        let sliceMs = max(1_000, sliceMs)
        self.sliceMs = sliceMs
        var streams: [StreamScores] = []
        for series in graph.series where series.side == .receiver {
            let points = Self.slices(Self.scored(series, graph), sliceMs: sliceMs)
            if !points.isEmpty { streams.append(StreamScores(key: series.key, scores: Series(points))) }
        }
        self.streams = streams.sorted { ($0.key.senderId, $0.key.receiverId ?? "", $0.key.kind.rawValue)
            < ($1.key.senderId, $1.key.receiverId ?? "", $1.key.kind.rawValue) }
        received = Self.pooled(self.streams, by: { $0.key.receiverId })
        sent = Self.pooled(self.streams, by: { $0.key.senderId })
    }

    /// Each judged sample's score, oldest first.
    static func scored(_ series: StreamSeries, _ graph: CallGraph) -> [(tsMs: Int64, score: Double)] {
        var result: [(tsMs: Int64, score: Double)] = []
        var previousMs: Int64?
        let senderSide = graph.senderCursor(for: series.key)
        for sample in series.samples {
            defer { previousMs = sample.tsMs }
            let sender = senderSide.sample(near: sample.tsMs)
            if sample.packets == 0 {
                // Silence is not bad quality; nothing received while the sender sent is.
                if let sent = sender?.packets, sent > 0 { result.append((sample.tsMs, 1)) }
                continue
            }
            if series.key.kind.isVideo {
                let interval = VideoQuality.Interval(
                    receivedPixels: pixels(sample), sentPixels: sender.flatMap(pixels), receivedFps: sample.fps,
                    sentFps: sender?.fps, frozenMs: sample.freezeDurationMs ?? 0,
                    intervalMs: previousMs.map { Double(sample.tsMs.subtracting(saturating: $0)) } ?? 0,
                    lossPercent: sample.lossPercent ?? 0)
                result.append((sample.tsMs, VideoQuality.score(interval)))
            } else {
                guard sample.lossPercent != nil || sample.jitterBufferDelayMs != nil else { continue }
                let mos = AudioQuality.mos(rttMs: sample.rttMs ?? sender?.rttMs ?? 0,
                                           jitterBufferDelayMs: sample.jitterBufferDelayMs ?? 0,
                                           lossPercent: sample.lossPercent ?? 0, concealmentPercent: sample.concealmentPercent ?? 0)
                result.append((sample.tsMs, mos))
            }
        }
        return result
    }

    private static func pixels(_ sample: StreamSample) -> Double? {
        guard let w = sample.frameWidth, let h = sample.frameHeight, w > 0, h > 0 else { return nil }
        return Double(w) * Double(h)
    }

    /// The mean score of each slice that has one.
    static func slices(_ scored: [(tsMs: Int64, score: Double)], sliceMs: Int64) -> [Point] {
        var sums: [Int64: (total: Double, count: Int)] = [:]
        for (ts, score) in scored where score.isFinite {
            let start = ts - ((ts % sliceMs) + sliceMs) % sliceMs
            sums[start, default: (0, 0)].total += score
            sums[start, default: (0, 0)].count += 1
        }
        return sums.keys.sorted().map { Point(startMs: $0, score: sums[$0]!.total / Double(sums[$0]!.count)) }
    }

    /// Per participant (as `owner` picks them) and kind, the mean of their streams' slices.
    static func pooled(_ streams: [StreamScores], by owner: (StreamScores) -> String?) -> [ParticipantScores] {
        var groups: [String: [MediaKind: [Point]]] = [:]
        for stream in streams {
            guard let pid = owner(stream), !pid.hasPrefix("unknown:") else { continue }
            groups[pid, default: [:]][stream.key.kind, default: []] += stream.scores.points
        }
        return groups.keys.sorted().flatMap { pid in
            MediaKind.allCases.compactMap { kind -> ParticipantScores? in
                guard let points = groups[pid]?[kind] else { return nil }
                let bySlice = Dictionary(grouping: points, by: \.startMs)
                let merged = bySlice.keys.sorted().map { start in
                    let scores = bySlice[start]!.map(\.score)
                    return Point(startMs: start, score: scores.reduce(0, +) / Double(scores.count))
                }
                return ParticipantScores(participantId: pid, kind: kind, scores: Series(merged))
            }
        }
    }
}
