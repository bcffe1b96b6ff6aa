import CallscopeCore

/// Where the plot sits in the chart's viewBox, and how times and values map onto it.
struct PlotFrame {
    var left: Double
    var right: Double
    var top: Double
    var bottom: Double
    var fromMs: Int64
    var toMs: Int64
    /// The value at the top of the plot.
    var yTop: Double

    var width: Double { right - left }
    var height: Double { bottom - top }
    /// A time's x: linear from `fromMs` at `left` to `toMs` at `right`.
    func x(_ t: Int64) -> Double { left + Double(t - fromMs) / Double(toMs - fromMs) * width }
    /// A value's y: 0 at `bottom`, `yTop` at `top`, clamped to the plot.
    func y(_ v: Double) -> Double { bottom - min(max(v / yTop, 0), 1) * height }
}

/// The y axis of a chart: its 1-2-5 ticks from 0, the value at the top, and its unit (bitrate
/// switches to Mbit/s from 1000 kbit/s).
struct ValueScale {
    var ticks: (ticks: [Double], fractionDigits: Int)
    /// Axis values are the data's divided by this (1000 for Mbit/s).
    var divisor: Double
    var axisUnit: String
    var yTop: Double

    /// The y domain: the data, and the limits that give it context (the good limit always, the
    /// moderate one once the data passes the good one), with 5 % headroom, so that a line at its
    /// maximum does not run along the top grid line.
    init(metric: ChartMetric, values: [Double], limits: MetricLimits?) {
        var domainMax = (values.max() ?? 0) * 1.05
        if let l = limits {
            domainMax = max(domainMax, l.good)
            if !l.higherIsBetter, let m = values.max(), m > l.good { domainMax = max(domainMax, l.moderate) }
        }
        divisor = metric == .bitrate && domainMax >= 1000 ? 1000.0 : 1
        axisUnit = divisor == 1000 ? "Mbit/s" : metric.unit
        let t = ChartTicks.values(upTo: domainMax / divisor, integral: metric.isIntegral)
        ticks = (t.ticks, t.fractionDigits)
        yTop = (t.ticks.last ?? 1) * divisor
    }
}

extension MetricChart {
    /// The title, then the explanation's lines under it.
    func drawCaption(_ w: inout SVGWriter, title: String, explanation: [String], x: Double, baseline: Double) {
        var y = baseline
        w.element("text", [("class", "cs-chart-title"), ("x", SVGWriter.number(x)), ("y", SVGWriter.number(y)),
                           ("font-size", "14"), ("font-weight", "600")], text: title)
        for line in explanation {
            y += 14
            w.element("text", [("class", "cs-chart-explanation"), ("x", SVGWriter.number(x)), ("y", SVGWriter.number(y)),
                               ("font-size", "11"), ("fill-opacity", "0.8")], text: line)
        }
    }

    /// Grid lines and tick labels of the y axis (none without data).
    func drawYAxis(_ w: inout SVGWriter, _ plot: PlotFrame, _ scale: ValueScale, hasData: Bool) {
        w.open("g", [("class", "cs-axis cs-axis-y"), ("font-size", "10")])
        if hasData {
            for tick in scale.ticks.ticks {
                let ty = plot.y(tick * scale.divisor)
                if tick > 0 {
                    w.leaf("line", [("class", "cs-grid"), ("x1", SVGWriter.number(plot.left)), ("x2", SVGWriter.number(plot.right)),
                                    ("y1", SVGWriter.number(ty)), ("y2", SVGWriter.number(ty)),
                                    ("stroke", "currentColor"), ("stroke-opacity", "0.12")])
                }
                w.element("text", [("x", SVGWriter.number(plot.left - 6)), ("y", SVGWriter.number(ty + 3.5)), ("text-anchor", "end")],
                          text: ChartFormat.decimal(tick, fractionDigits: scale.ticks.fractionDigits))
            }
        }
        w.close()
    }

    /// The axes' lines and the UTC clock-time ticks, as many as fit without their labels touching.
    func drawXAxis(_ w: inout SVGWriter, _ plot: PlotFrame) {
        let (left, right, top, bottom) = (plot.left, plot.right, plot.top, plot.bottom)
        w.open("g", [("class", "cs-axis cs-axis-x"), ("font-size", "10")])
        w.leaf("line", [("x1", SVGWriter.number(left)), ("x2", SVGWriter.number(right)), ("y1", SVGWriter.number(bottom)),
                        ("y2", SVGWriter.number(bottom)), ("stroke", "currentColor"), ("stroke-opacity", "0.5")])
        w.leaf("line", [("x1", SVGWriter.number(left)), ("x2", SVGWriter.number(left)), ("y1", SVGWriter.number(top)),
                        ("y2", SVGWriter.number(bottom)), ("stroke", "currentColor"), ("stroke-opacity", "0.3")])
        let sampleLabel = "00:00:00"
        let maxTicks = Int(plot.width / (TextMetrics.width(sampleLabel, fontSize: 10) + 24))
        let times = ChartTicks.times(fromMs: fromMs, toMs: toMs, maxCount: maxTicks)
        for t in times.ticks {
            let tx = plot.x(t)
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
    }

    /// One side's line (broken into its runs), a dot for each lone point, and its points as data.
    func drawSeries(_ w: inout SVGWriter, _ d: Drawn, _ plot: PlotFrame) {
        let style = Self.stroke(d.series.side)
        w.open("g", [("class", "cs-series cs-\(d.series.side.rawValue)"), ("data-series", d.series.side.rawValue),
                     ("data-label", d.series.label), ("data-points", dataPoints(d.runs))])
        var path = ""
        for run in d.runs where run.count > 1 {
            for (i, p) in run.enumerated() {
                path += (i == 0 ? "M" : "L") + SVGWriter.number(plot.x(p.tMs)) + "," + SVGWriter.number(plot.y(p.value ?? 0))
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
            w.leaf("circle", [("class", "cs-dot"), ("cx", SVGWriter.number(plot.x(p.tMs))), ("cy", SVGWriter.number(plot.y(p.value ?? 0))),
                              ("r", "2.5"), ("fill", style.colour)])
        }
        w.close()
    }

    func legendLayout(_ drawn: [Drawn], startX: Double, maxX: Double, baseline: Double) -> (markup: SVGWriter, bottom: Double) {
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

    /// Faint good/moderate/poor bands, dashed limit lines, and their labels.
    func drawBands(_ w: inout SVGWriter, _ l: MetricLimits, _ plot: PlotFrame) {
        let (left, right, yTop) = (plot.left, plot.right, plot.yTop)
        let yOf = plot.y
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
}
