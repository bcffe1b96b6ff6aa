import CallscopeCore

/// A time-series chart of one metric of one stream, sender side against receiver side, as SVG text.
///
/// ```swift
/// let svg = MetricChart(metric: .jitter, fromMs: from, toMs: to, samples: samples,
///                       senderName: "Alice", receiverName: "Bob", subject: "Alice → Bob, video").render()
/// ```
///
/// What the chart holds: a title with the unit, a one-line explanation with the real limits of
/// ``limits``, a legend, faint good/moderate/poor bands with dashed, labelled limit lines (inverted for
/// higher-is-better metrics), a y axis from 0 with 1-2-5 ticks (it always reaches the good limit, and
/// the moderate one once the data passes the good one), a UTC clock-time x axis, and one line per side
/// (sender: solid blue, receiver: dashed purple). A line breaks at a point without a value and across
/// a gap over 2.5 × the median sample interval. Series over ``maxPointsPerSeries`` points are thinned
/// by min/max bucketing (``SeriesReducer``), so spikes survive.
///
/// The markup needs no script and no `style` attribute (CSP `style-src 'self'`): default colours are
/// presentation attributes that CSS overrides through the classes; text and axes use `currentColor`.
/// Every piece of text is XML-escaped. The root is `<svg viewBox … width="100%" role="img" aria-label>`
/// with a `<title>` (the summary) and a `<desc>` (the explanation).
///
/// ## Data for scripts (hover, zoom)
/// - Root `<svg class="cs-chart cs-metric-jitter">`: `data-metric` (``ChartMetric`` raw value),
///   `data-unit` (the unit of every value below: ms, kbit/s, %, px, fps, freezes), `data-from`,
///   `data-to` (the window, ms since the epoch: a range picked on the chart maps linearly onto
///   them, for `?from=&to=`), `data-ymax` (the value at the top of the plot, in `data-unit`).
/// - `<rect class="cs-plot-area" x y width height>`: the plot in viewBox units, drawn last (on top)
///   with a transparent fill, so it receives pointer events. Time maps linearly from `data-from`
///   at `x` to `data-to` at `x + width`; value from 0 at `y + height` to `data-ymax` at `y`.
/// - One `<g class="cs-series cs-sender|cs-receiver" data-series="sender|receiver" data-label="…">`
///   per side, with `data-points`: the drawn (bucketed) points as `t,v` entries joined by `;`, where
///   `t` is ms since the epoch and `v` a decimal with a `.` (at most 3 decimals). An entry with an
///   empty `v` (`t,`) is a break in the line. Resolution charts add the frame width: `t,h,w`
///   (`w` empty when unknown). Example: `1715680920000,12.5;1715680922000,14;1715680923000,;…`.
struct MetricChart: Sendable {
    var metric: ChartMetric
    var fromMs: Int64
    var toMs: Int64
    /// Usually one sender-side and one receiver-side series; drawn in this order.
    var series: [ChartSeries]
    var limits: HealthThresholds
    /// What the chart is about, after the title and in the summary: "Alice → Bob, video". User text.
    var subject: String?
    /// The viewBox width, in user units (the SVG itself scales to 100 % of its container).
    var width: Double = 640
    /// The height of the plot area; the viewBox height adds the title, explanation, legend and axis.
    var plotHeight: Double = 170
    /// Series with more points in the window are bucketed down to about this many.
    var maxPointsPerSeries = 600
    var sizeClass: String?

    init(metric: ChartMetric, fromMs: Int64, toMs: Int64, series: [ChartSeries],
         limits: HealthThresholds = .default, subject: String? = nil) {
        self.metric = metric
        // Within 1970…9999 (``EpochTime``): the axis arithmetic below cannot overflow.
        self.fromMs = EpochTime.clamped(fromMs)
        self.toMs = max(EpochTime.clamped(toMs), self.fromMs + 1)
        self.series = series
        self.limits = limits
        self.subject = subject
    }

    /// The sender-side and receiver-side series of `samples` (split by ``StreamSample/side``).
    init(metric: ChartMetric, fromMs: Int64, toMs: Int64, samples: [StreamSample], senderName: String? = nil,
         receiverName: String? = nil, limits: HealthThresholds = .default, subject: String? = nil) {
        self.init(metric: metric, fromMs: fromMs, toMs: toMs, series: [
            ChartSeries(side: .sender, name: senderName, samples: samples, metric: metric),
            ChartSeries(side: .receiver, name: receiverName, samples: samples, metric: metric),
        ], limits: limits, subject: subject)
    }

    // MARK: Look

    static let fontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

    /// Default presentation of a side's line; the classes `cs-sender` / `cs-receiver` restyle it.
    static func stroke(_ side: StreamSide) -> (colour: String, dash: String?) {
        side == .sender ? ("#2f7ed8", nil) : ("#b5489a", "7 4")
    }

    /// Default fills of the good/moderate/poor bands and health slices.
    static func colour(_ c: HealthColour) -> String {
        switch c {
        case .good: "#2f9e44"
        case .moderate: "#e8890c"
        case .poor: "#e03131"
        }
    }

    // MARK: Derived text

    /// The title: name and axis unit, then the subject.
    func title(axisUnit: String) -> String {
        let base: String
        switch metric {
        case .rtt: base = "Round-trip time, RTT (\(axisUnit))"
        case .resolution: base = "Resolution (frame height, px)"
        case .freezes: base = "Freezes (per stats interval)"
        case .concealment: base = "Audio concealment (%)"
        default: base = "\(metric.name) (\(axisUnit))"
        }
        guard let subject, !subject.isEmpty else { return base }
        return base + " — " + subject
    }

    /// The explanation under the title.
    var explanation: String { metric.explanation(limits) }

    // MARK: Rendering

    private struct Drawn {
        var series: ChartSeries
        var runs: [[ChartPoint]]
        var hasData: Bool { !runs.isEmpty }
    }

    /// The SVG document (`<svg>…</svg>`), ready to embed in HTML or serve as `image/svg+xml`.
    func render() -> String {
        let drawn = series.map { s -> Drawn in
            let runs = SeriesReducer.segments(s.points, fromMs: fromMs, toMs: toMs)
            return Drawn(series: s, runs: SeriesReducer.reduce(runs, fromMs: fromMs, toMs: toMs, maxPoints: maxPointsPerSeries))
        }
        let values = drawn.flatMap { $0.runs.joined().compactMap(\.value) }
        let metricLimits = metric.limits(limits)

        // The y domain: the data, and the limits that give it context.
        // 5 % headroom, so that a line at its maximum does not run along the top grid line.
        var domainMax = (values.max() ?? 0) * 1.05
        if let l = metricLimits {
            domainMax = max(domainMax, l.good)
            if !l.higherIsBetter, let m = values.max(), m > l.good { domainMax = max(domainMax, l.moderate) }
        }
        let divisor = metric == .bitrate && domainMax >= 1000 ? 1000.0 : 1
        let axisUnit = divisor == 1000 ? "Mbit/s" : metric.unit
        let ticks = ChartTicks.values(upTo: domainMax / divisor, integral: metric.isIntegral)
        let yTop = (ticks.ticks.last ?? 1) * divisor

        // Layout, top to bottom.
        let pad = 8.0
        let left = 50.0
        let right = width - 14
        var w = SVGWriter()
        var y = 18.0
        let titleText = TextMetrics.truncated(title(axisUnit: axisUnit), fontSize: 14, maxWidth: width - 2 * pad)
        let explanationLines = TextMetrics.wrap(explanation, fontSize: 11, maxWidth: width - 2 * pad, maxLines: 4)
        let legendTop = y + 14 * Double(explanationLines.count) + 18
        let legend = legendLayout(drawn, startX: pad, maxX: width - pad, baseline: legendTop)
        let top = legend.bottom + 12
        let bottom = top + plotHeight
        let height = bottom + 26
        let plotWidth = right - left

        func x(_ t: Int64) -> Double { left + Double(t - fromMs) / Double(toMs - fromMs) * plotWidth }
        func yOf(_ v: Double) -> Double { bottom - min(max(v / yTop, 0), 1) * plotHeight }

        let summary = values.isEmpty ? emptySummary : summaryText(drawn)
        w.open("svg", [
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("class", rootClass("cs-chart cs-metric-\(metric.rawValue)")),
            ("viewBox", "0 0 \(SVGWriter.number(width)) \(SVGWriter.number(height))"),
            ("width", "100%"),
            ("role", "img"),
            ("aria-label", summary),
            ("font-family", Self.fontFamily),
            ("fill", "currentColor"),
            ("data-metric", metric.rawValue),
            ("data-unit", metric.unit),
            ("data-from", String(fromMs)),
            ("data-to", String(toMs)),
            ("data-ymax", ChartFormat.decimal(yTop, fractionDigits: 3)),
        ])
        w.element("title", text: summary)
        w.element("desc", text: explanation)

        // Caption.
        w.element("text", [("class", "cs-chart-title"), ("x", SVGWriter.number(pad)), ("y", SVGWriter.number(y)),
                           ("font-size", "14"), ("font-weight", "600")], text: titleText)
        for line in explanationLines {
            y += 14
            w.element("text", [("class", "cs-chart-explanation"), ("x", SVGWriter.number(pad)), ("y", SVGWriter.number(y)),
                               ("font-size", "11"), ("fill-opacity", "0.8")], text: line)
        }
        w.append(legend.markup)

        // Bands and limit lines.
        if !values.isEmpty, let l = metricLimits {
            drawBands(&w, l, left: left, right: right, yOf: yOf, yTop: yTop)
        }

        // Grid and y axis.
        w.open("g", [("class", "cs-axis cs-axis-y"), ("font-size", "10")])
        if !values.isEmpty {
            for tick in ticks.ticks {
                let ty = yOf(tick * divisor)
                if tick > 0 {
                    w.leaf("line", [("class", "cs-grid"), ("x1", SVGWriter.number(left)), ("x2", SVGWriter.number(right)),
                                    ("y1", SVGWriter.number(ty)), ("y2", SVGWriter.number(ty)),
                                    ("stroke", "currentColor"), ("stroke-opacity", "0.12")])
                }
                w.element("text", [("x", SVGWriter.number(left - 6)), ("y", SVGWriter.number(ty + 3.5)), ("text-anchor", "end")],
                          text: ChartFormat.decimal(tick, fractionDigits: ticks.fractionDigits))
            }
        }
        w.close()

        // X axis.
        w.open("g", [("class", "cs-axis cs-axis-x"), ("font-size", "10")])
        w.leaf("line", [("x1", SVGWriter.number(left)), ("x2", SVGWriter.number(right)), ("y1", SVGWriter.number(bottom)),
                        ("y2", SVGWriter.number(bottom)), ("stroke", "currentColor"), ("stroke-opacity", "0.5")])
        w.leaf("line", [("x1", SVGWriter.number(left)), ("x2", SVGWriter.number(left)), ("y1", SVGWriter.number(top)),
                        ("y2", SVGWriter.number(bottom)), ("stroke", "currentColor"), ("stroke-opacity", "0.3")])
        let sampleLabel = "00:00:00"
        let maxTicks = Int(plotWidth / (TextMetrics.width(sampleLabel, fontSize: 10) + 24))
        let times = ChartTicks.times(fromMs: fromMs, toMs: toMs, maxCount: maxTicks)
        for t in times.ticks {
            let tx = x(t)
            let label = ChartTicks.timeLabel(t, stepMs: times.stepMs)
            let half = TextMetrics.width(label, fontSize: 10) / 2
            let anchor = tx - half < left - 4 ? "start" : tx + half > width - 2 ? "end" : "middle"
            w.leaf("line", [("x1", SVGWriter.number(tx)), ("x2", SVGWriter.number(tx)), ("y1", SVGWriter.number(bottom)),
                            ("y2", SVGWriter.number(bottom + 4)), ("stroke", "currentColor"), ("stroke-opacity", "0.5")])
            w.element("text", [("x", SVGWriter.number(tx)), ("y", SVGWriter.number(bottom + 15)), ("text-anchor", anchor)], text: label)
        }
        w.element("text", [("class", "cs-axis-unit"), ("x", SVGWriter.number(left - 6)), ("y", SVGWriter.number(bottom + 15)),
                           ("text-anchor", "end"), ("fill-opacity", "0.7")], text: "UTC")
        w.close()

        if values.isEmpty {
            w.element("text", [("class", "cs-chart-empty"), ("x", SVGWriter.number((left + right) / 2)),
                               ("y", SVGWriter.number((top + bottom) / 2 + 5)), ("text-anchor", "middle"), ("font-size", "14")],
                      text: "No samples in this window")
        }

        // Series.
        for d in drawn {
            let style = Self.stroke(d.series.side)
            w.open("g", [("class", "cs-series cs-\(d.series.side.rawValue)"), ("data-series", d.series.side.rawValue),
                         ("data-label", d.series.label), ("data-points", dataPoints(d.runs))])
            var path = ""
            for run in d.runs where run.count > 1 {
                for (i, p) in run.enumerated() {
                    path += (i == 0 ? "M" : "L") + SVGWriter.number(x(p.tMs)) + "," + SVGWriter.number(yOf(p.value ?? 0))
                }
            }
            if !path.isEmpty {
                var attrs: SVGWriter.Attributes = [("class", "cs-line"), ("d", path), ("fill", "none"), ("stroke", style.colour),
                                                   ("stroke-width", "2"), ("stroke-linejoin", "round"), ("stroke-linecap", "round")]
                if let dash = style.dash { attrs.append(("stroke-dasharray", dash)) }
                w.leaf("path", attrs)
            }
            // A lone point has no line to be part of: a dot shows it.
            for run in d.runs where run.count == 1 {
                let p = run[0]
                w.leaf("circle", [("class", "cs-dot"), ("cx", SVGWriter.number(x(p.tMs))), ("cy", SVGWriter.number(yOf(p.value ?? 0))),
                                  ("r", "2.5"), ("fill", style.colour)])
            }
            w.close()
        }

        w.leaf("rect", [("class", "cs-plot-area"), ("x", SVGWriter.number(left)), ("y", SVGWriter.number(top)),
                        ("width", SVGWriter.number(plotWidth)), ("height", SVGWriter.number(plotHeight)), ("fill", "transparent")])
        return w.finish()
    }

    /// `t,v;t,v;…` with `t,` between runs (see the type's documentation).
    func dataPoints(_ runs: [[ChartPoint]]) -> String {
        var parts: [String] = []
        for (i, run) in runs.enumerated() {
            if i > 0, let last = runs[i - 1].last, let first = run.first {
                parts.append("\(last.tMs + (first.tMs - last.tMs) / 2),")
            }
            for p in run {
                var entry = "\(p.tMs)," + (p.value.map { ChartFormat.decimal($0, fractionDigits: 3) } ?? "")
                if metric == .resolution { entry += "," + (p.frameWidth.map(String.init) ?? "") }
                parts.append(entry)
            }
        }
        return parts.joined(separator: ";")
    }

    // MARK: Pieces

    private func legendLayout(_ drawn: [Drawn], startX: Double, maxX: Double, baseline: Double) -> (markup: SVGWriter, bottom: Double) {
        var w = SVGWriter()
        w.open("g", [("class", "cs-legend"), ("font-size", "11")])
        var x = startX
        var y = baseline
        for d in drawn {
            var label = d.series.label
            if !d.hasData { label += ": no samples" }
            label = TextMetrics.truncated(label, fontSize: 11, maxWidth: maxX - startX - 30)
            let itemWidth = 24 + 6 + TextMetrics.width(label, fontSize: 11)
            if x > startX, x + itemWidth > maxX {
                x = startX
                y += 16
            }
            let style = Self.stroke(d.series.side)
            var attrs: SVGWriter.Attributes = [
                ("class", "cs-legend-line cs-\(d.series.side.rawValue)"), ("x1", SVGWriter.number(x)), ("x2", SVGWriter.number(x + 24)),
                ("y1", SVGWriter.number(y - 4)), ("y2", SVGWriter.number(y - 4)), ("stroke", style.colour), ("stroke-width", "2.5"),
            ]
            if let dash = style.dash { attrs.append(("stroke-dasharray", dash)) }
            w.leaf("line", attrs)
            w.element("text", [("x", SVGWriter.number(x + 30)), ("y", SVGWriter.number(y))], text: label)
            x += itemWidth + 20
        }
        w.close()
        return (w, y)
    }

    private func drawBands(_ w: inout SVGWriter, _ l: MetricLimits, left: Double, right: Double,
                           yOf: (Double) -> Double, yTop: Double) {
        // Each band: colour, from value, to value (clipped to the axis).
        let bands: [(HealthColour, Double, Double)] = l.higherIsBetter
            ? [(.poor, 0, l.moderate), (.moderate, l.moderate, l.good), (.good, l.good, yTop)]
            : [(.good, 0, l.good), (.moderate, l.good, l.moderate), (.poor, l.moderate, yTop)]
        let labels = metric.limitLabels(l)
        w.open("g", [("class", "cs-limits"), ("font-size", "10")])
        for (colour, lo, hi) in bands {
            let a = min(max(lo, 0), yTop), b = min(max(hi, 0), yTop)
            guard b > a else { continue }
            w.leaf("rect", [("class", "cs-band cs-band-\(colour.rawValue)"), ("x", SVGWriter.number(left)), ("y", SVGWriter.number(yOf(b))),
                            ("width", SVGWriter.number(right - left)), ("height", SVGWriter.number(yOf(a) - yOf(b))),
                            ("fill", Self.colour(colour)), ("fill-opacity", "0.09")])
        }
        for (colour, value) in [(HealthColour.good, l.good), (.moderate, l.moderate)] where value > 0 && value <= yTop {
            let ly = yOf(value)
            w.leaf("line", [("class", "cs-limit cs-limit-\(colour.rawValue)"), ("x1", SVGWriter.number(left)),
                            ("x2", SVGWriter.number(right)), ("y1", SVGWriter.number(ly)), ("y2", SVGWriter.number(ly)),
                            ("stroke", Self.colour(colour)), ("stroke-width", "1"), ("stroke-dasharray", "4 3")])
        }
        // Labels inside the band they name, at the right; left out where the band is too thin.
        let minBand = 13.0
        func label(_ text: String, _ colour: HealthColour, at value: Double, above: Bool, bandTo other: Double) {
            guard value > 0, value <= yTop else { return }
            let ly = yOf(value), oy = yOf(min(max(other, 0), yTop))
            guard abs(oy - ly) >= minBand else { return }
            w.element("text", [("class", "cs-limit-label cs-limit-\(colour.rawValue)"), ("x", SVGWriter.number(right - 4)),
                               ("y", SVGWriter.number(above ? ly - 3.5 : ly + 11)), ("text-anchor", "end"),
                               ("fill-opacity", "0.75")], text: text)
        }
        if l.higherIsBetter {
            label(labels.good, .good, at: l.good, above: true, bandTo: yTop)
            label(labels.moderate, .moderate, at: l.moderate, above: true, bandTo: l.good)
            label(labels.poor, .poor, at: l.moderate, above: false, bandTo: 0)
        } else {
            label(labels.good, .good, at: l.good, above: false, bandTo: 0)
            label(labels.moderate, .moderate, at: l.moderate, above: false, bandTo: l.good)
            label(labels.poor, .poor, at: l.moderate, above: true, bandTo: yTop)
        }
        w.close()
    }

    // MARK: Summary

    private var titleName: String {
        guard let subject, !subject.isEmpty else { return metric.name }
        return metric.name + " — " + subject
    }

    private var emptySummary: String {
        "\(titleName), \(ChartFormat.range(fromMs, toMs)): no samples in this window"
    }

    /// "Jitter — Alice → Bob, sender and receiver side, 10:02–10:34 UTC, max 42 ms (receiver side)".
    private func summaryText(_ drawn: [Drawn]) -> String {
        let withData = drawn.filter(\.hasData)
        let sides: String
        let sideSet = Set(withData.map(\.series.side))
        if sideSet.count == 2 { sides = "sender and receiver side" }
        else if let only = sideSet.first { sides = "\(only.rawValue) side only" }
        else { sides = "no side" }

        var maxPoint: (ChartPoint, StreamSide)?
        var minPoint: (ChartPoint, StreamSide)?
        for d in withData {
            for p in d.runs.joined() {
                guard let v = p.value else { continue }
                if maxPoint == nil || v > maxPoint!.0.value! { maxPoint = (p, d.series.side) }
                if minPoint == nil || v < minPoint!.0.value! { minPoint = (p, d.series.side) }
            }
        }
        var text = "\(titleName), \(sides), \(ChartFormat.range(fromMs, toMs))"
        let tag = { (side: StreamSide) in sideSet.count == 2 ? " (\(side.rawValue) side)" : "" }
        if metric.limits(limits)?.higherIsBetter == true || metric == .resolution, let (p, side) = minPoint {
            text += ", min \(metric.format(p.value!, frameWidth: p.frameWidth))\(tag(side))"
        }
        if let (p, side) = maxPoint {
            text += ", max \(metric.format(p.value!, frameWidth: p.frameWidth))\(tag(side))"
        }
        return text
    }
}

extension MetricChart: TwoSizeDrawing {
    mutating func fitNarrow() {
        plotHeight = 150
        maxPointsPerSeries = 300
    }
}
