/// Finds the symptoms of one stream side: stretches where a figure stayed bad, not single spikes
/// (docs/quality.md §4).
///
/// A symptom opens when `badInWindow` of the last `window` judged samples are bad and those bad
/// samples span at least `minSpanMs`; it starts at the first of them. It closes at the first of
/// `clearRun` consecutive clear samples, or of one fewer spanning `minSpanMs` (sparse RTCP
/// figures) (hysteresis: "clear" is well inside the good range, so a
/// figure hovering at the limit keeps an open symptom open and does not open a new one), at a
/// pause longer than `maxGapMs`, or at the series' end. Samples in the first `warmupMs` of a
/// series, or after a pause, are not judged.
///
/// ```swift
/// let symptoms = SymptomDetector(levels: ProblemLevels()).symptoms(of: series, in: graph)
/// ```
public struct SymptomDetector: Sendable {
    public var levels: ProblemLevels

    public init(levels: ProblemLevels) { self.levels = levels }

    public func symptoms(of series: StreamSeries, in graph: CallGraph) -> [Symptom] {
        SymptomRule.rules(for: series, graph: graph, levels: levels).flatMap { detect($0, in: series) }
    }

    private struct Judged {
        var tsMs: Int64
        var judgement: SymptomJudgement
    }

    private struct Open {
        var startMs: Int64
        var values: [Double]
        var clearRun = 0
        var clearStartMs: Int64 = 0
    }

    private func detect(_ rule: SymptomRule, in series: StreamSeries) -> [Symptom] {
        var found: [Symptom] = []
        var window: [Judged] = []
        var open: Open?
        var seriesStartMs: Int64?
        var previousTsMs: Int64?

        func close(at endMs: Int64, openAtEnd: Bool) {
            guard let o = open else { return }
            found.append(symptom(rule, series, o, endMs: max(endMs, o.startMs), openAtEnd: openAtEnd))
            open = nil
        }

        for sample in series.samples {
            if let previous = previousTsMs, sample.tsMs.subtracting(saturating: previous) > levels.maxGapMs {
                close(at: previous, openAtEnd: false)
                window.removeAll()
                seriesStartMs = nil
            }
            previousTsMs = sample.tsMs
            let start = seriesStartMs ?? sample.tsMs
            seriesStartMs = start
            guard sample.tsMs.subtracting(saturating: start) >= rule.warmupMs,
                  let judgement = rule.judge(sample) else { continue }
            if var o = open {
                o.values.append(judgement.value)
                if judgement.clear {
                    if o.clearRun == 0 { o.clearStartMs = sample.tsMs }
                    o.clearRun += 1
                } else {
                    o.clearRun = 0
                }
                open = o
                let clearSpanMs = sample.tsMs.subtracting(saturating: o.clearStartMs)
                if o.clearRun >= levels.clearRun || (o.clearRun >= max(2, levels.clearRun - 1) && clearSpanMs >= levels.minSpanMs) {
                    close(at: o.clearStartMs, openAtEnd: false)
                    window.removeAll()
                }
                continue
            }
            window.append(Judged(tsMs: sample.tsMs, judgement: judgement))
            if window.count > levels.window { window.removeFirst(window.count - levels.window) }
            // Counted in place: this runs for every sample and rule of the call.
            guard judgement.bad else { continue }
            var badCount = 0
            for judged in window where judged.judgement.bad { badCount += 1 }
            if badCount >= levels.badInWindow, let first = window.first(where: { $0.judgement.bad }),
               sample.tsMs.subtracting(saturating: first.tsMs) >= levels.minSpanMs {
                let fromFirst = window.drop { $0.tsMs < first.tsMs }
                open = Open(startMs: first.tsMs, values: fromFirst.map(\.judgement.value))
            }
        }
        if let last = previousTsMs { close(at: last, openAtEnd: true) }
        return found
    }

    private func symptom(_ rule: SymptomRule, _ series: StreamSeries, _ open: Open, endMs: Int64, openAtEnd: Bool) -> Symptom {
        // The clear run that closed it is not part of it.
        let values = open.clearRun > 0 && !openAtEnd ? Array(open.values.dropLast(open.clearRun)) : open.values
        let sorted = values.sorted()
        let median = sorted.isEmpty ? 0 : sorted[(sorted.count - 1) / 2]
        let worst = (rule.higherIsWorse ? sorted.last : sorted.first) ?? 0
        let duration = endMs.subtracting(saturating: open.startMs)
        return Symptom(key: series.key, side: series.side, metric: rule.metric, startMs: open.startMs, endMs: endMs,
                       openAtEnd: openAtEnd, worst: worst, median: median,
                       severity: rule.severe(median, values, duration) ? .severe : .moderate)
    }
}
