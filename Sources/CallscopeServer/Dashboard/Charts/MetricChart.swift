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

    struct Drawn {
        var series: ChartSeries
        var runs: [[ChartPoint]]
        var hasData: Bool { !runs.isEmpty }
    }

    /// The SVG document (`<svg>…</svg>`), ready to embed in HTML or serve as `image/svg+xml`.
    /// Top to bottom: caption (title, explanation, legend), bands and limit lines, the y and x
    /// axes, the series, and the transparent plot area that takes pointer events.
    func render() -> String {
        let drawn = series.map { s -> Drawn in
            let runs = SeriesReducer.segments(s.points, fromMs: fromMs, toMs: toMs)
            return Drawn(series: s, runs: SeriesReducer.reduce(runs, fromMs: fromMs, toMs: toMs, maxPoints: maxPointsPerSeries))
        }
        let values = drawn.flatMap { $0.runs.joined().compactMap(\.value) }
        let metricLimits = metric.limits(limits)
        let scale = ValueScale(metric: metric, values: values, limits: metricLimits)

        // Layout, top to bottom.
        let pad = 8.0
        let titleText = TextMetrics.truncated(title(axisUnit: scale.axisUnit), fontSize: 14, maxWidth: width - 2 * pad)
        let explanationLines = TextMetrics.wrap(explanation, fontSize: 11, maxWidth: width - 2 * pad, maxLines: 4)
        let titleBaseline = 18.0
        let legend = legendLayout(drawn, startX: pad, maxX: width - pad,
                                  baseline: titleBaseline + 14 * Double(explanationLines.count) + 18)
        let top = legend.bottom + 12
        let plot = PlotFrame(left: 50, right: width - 14, top: top, bottom: top + plotHeight, fromMs: fromMs, toMs: toMs,
                             yTop: scale.yTop)
        let height = plot.bottom + 26

        var w = SVGWriter()
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
            ("data-ymax", ChartFormat.decimal(scale.yTop, fractionDigits: 3)),
        ])
        w.element("title", text: summary)
        w.element("desc", text: explanation)
        drawCaption(&w, title: titleText, explanation: explanationLines, x: pad, baseline: titleBaseline)
        w.append(legend.markup)
        if !values.isEmpty, let l = metricLimits { drawBands(&w, l, plot) }
        drawYAxis(&w, plot, scale, hasData: !values.isEmpty)
        drawXAxis(&w, plot)
        if values.isEmpty {
            w.element("text", [("class", "cs-chart-empty"), ("x", SVGWriter.number((plot.left + plot.right) / 2)),
                               ("y", SVGWriter.number((plot.top + plot.bottom) / 2 + 5)), ("text-anchor", "middle"),
                               ("font-size", "14")],
                      text: "No samples in this window")
        }
        for d in drawn { drawSeries(&w, d, plot) }
        w.leaf("rect", [("class", "cs-plot-area"), ("x", SVGWriter.number(plot.left)), ("y", SVGWriter.number(plot.top)),
                        ("width", SVGWriter.number(plot.width)), ("height", SVGWriter.number(plot.height)),
                        ("fill", "transparent")])
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
