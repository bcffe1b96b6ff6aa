import CallscopeCore

/// One point of a chart series: a time and a value, `nil` for a tick without this metric (which
/// breaks the line).
struct ChartPoint: Sendable, Hashable {
    var tMs: Int64
    var value: Double?
    /// The frame width, for resolution charts (whose `value` is the height).
    var frameWidth: Int?

    init(tMs: Int64, value: Double?, frameWidth: Int? = nil) {
        self.tMs = tMs
        self.value = value
        self.frameWidth = frameWidth
    }
}

/// The points one side of a stream measured for one metric.
struct ChartSeries: Sendable, Hashable {
    var side: StreamSide
    /// Who measured it, shown in the legend: "Sender side (Alice)". May be any user text.
    var name: String?
    var points: [ChartPoint]

    init(side: StreamSide, name: String? = nil, points: [ChartPoint]) {
        self.side = side
        self.name = name
        self.points = points
    }

    /// The `metric` values of the samples of `side` (samples of the other side are skipped).
    init(side: StreamSide, name: String? = nil, samples: [StreamSample], metric: ChartMetric) {
        self.side = side
        self.name = name
        self.points = samples.lazy.filter { $0.side == side }.map {
            ChartPoint(tMs: $0.tsMs, value: metric.value(of: $0), frameWidth: metric == .resolution ? $0.frameWidth : nil)
        }
    }

    /// "Sender side" or "Receiver side", with the name in brackets when known.
    var label: String {
        let base = side == .sender ? "Sender side" : "Receiver side"
        guard let name, !name.isEmpty else { return base }
        return "\(base) (\(name))"
    }
}

/// Cuts a series into drawable runs and thins large ones.
enum SeriesReducer {
    /// Consecutive points further apart than this many median intervals are not joined.
    static let gapFactor = 2.5

    /// The runs of `points` inside `[fromMs, toMs]` that a line may join: a run ends at a point
    /// without a value and where two points are more than ``gapFactor`` × the median interval
    /// apart. Points are sorted by time; values that are not finite count as missing.
    static func segments(_ points: [ChartPoint], fromMs: Int64, toMs: Int64) -> [[ChartPoint]] {
        let inWindow = points.filter { $0.tMs >= fromMs && $0.tMs <= toMs }.sorted { $0.tMs < $1.tMs }
        var intervals: [Int64] = []
        for i in inWindow.indices.dropFirst() {
            let d = inWindow[i].tMs - inWindow[i - 1].tMs
            if d > 0 { intervals.append(d) }
        }
        intervals.sort()
        let median: Double? = intervals.isEmpty ? nil
            : intervals.count % 2 == 1 ? Double(intervals[intervals.count / 2])
            : Double(intervals[intervals.count / 2 - 1] + intervals[intervals.count / 2]) / 2
        let maxGap = median.map { $0 * gapFactor }

        var runs: [[ChartPoint]] = []
        var run: [ChartPoint] = []
        for p in inWindow {
            guard let v = p.value, v.isFinite else {
                if !run.isEmpty { runs.append(run); run = [] }
                continue
            }
            if let last = run.last, let maxGap, Double(p.tMs - last.tMs) > maxGap {
                runs.append(run)
                run = []
            }
            run.append(p)
        }
        if !run.isEmpty { runs.append(run) }
        return runs
    }

    /// `runs` thinned to about `maxPoints` points in all when they hold more: the window is cut
    /// into `maxPoints / 2` equal time buckets, and each run keeps, per bucket, its lowest and its
    /// highest point (in time order), so that spikes and dips survive. Runs stay apart.
    static func reduce(_ runs: [[ChartPoint]], fromMs: Int64, toMs: Int64, maxPoints: Int) -> [[ChartPoint]] {
        let total = runs.reduce(0) { $0 + $1.count }
        guard total > maxPoints, maxPoints >= 2 else { return runs }
        let buckets = maxPoints / 2
        let width = Double(max(1, toMs - fromMs)) / Double(buckets)
        return runs.map { run in
            var out: [ChartPoint] = []
            var bucket = -1
            var low: ChartPoint?
            var high: ChartPoint?
            func flush() {
                guard let lo = low, let hi = high else { return }
                if lo == hi { out.append(lo) } else if lo.tMs <= hi.tMs { out += [lo, hi] } else { out += [hi, lo] }
            }
            for p in run {
                let b = min(buckets - 1, max(0, Int(Double(p.tMs - fromMs) / width)))
                if b != bucket {
                    flush()
                    bucket = b
                    low = p
                    high = p
                    continue
                }
                if let v = p.value {
                    if v < low!.value! { low = p }
                    if v > high!.value! { high = p }
                }
            }
            flush()
            return out
        }
    }
}
