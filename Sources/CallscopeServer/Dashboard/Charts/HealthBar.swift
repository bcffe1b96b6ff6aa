import CallscopeCore

/// One participant's call-health row for one media kind, as SVG text: a bar of time slices coloured
/// green / orange / red by ``HealthAccumulator/colour(_:)`` (grey where there is no data), over
/// the session's time span, with the kind label, the share of time in each colour, start/end times
/// and a one-line explanation of the limits.
///
/// ```swift
/// let svg = HealthBar(kind: .video, fromMs: session.startMs, toMs: session.endMs ?? now,
///                     slices: slices, sliceMs: 10_000, participantName: p.name).render()
/// ```
///
/// Each slice is a `<rect class="cs-slice cs-health-good|moderate|poor|none">` with a `<title>`
/// (time range, colour, and the figures behind it with units: jitter, RTT, loss, FPS, bitrate,
/// freezes, samples — each not-good figure marked with its colour) and these attributes for scripts:
/// `data-start`, `data-end` (ms since the epoch), `data-colour` (`good`, `moderate`, `poor`, `none`),
/// and when known `data-jitter` (ms), `data-rtt` (ms), `data-loss` (%), `data-fps`,
/// `data-bitrate` (kbit/s), `data-freezes`, `data-samples`, `data-slices` (how many stored slices
/// the rect covers). A run of slices without any data is one grey rect. Sessions with more than
/// ``maxRects`` slices are shown with each rect covering several slices: the rect takes the worst
/// colour among them (one red slice is never averaged away) and the title shows their combined figures.
/// The root `<svg class="cs-health-bar" data-kind data-from data-to>` has `role="img"` and an
/// `aria-label` with the kind, the time span and the shares, since colour alone tells nothing to
/// a screen reader or to a colour-blind reader.
struct HealthBar: Sendable {
    var kind: MediaKind
    var fromMs: Int64
    var toMs: Int64
    /// The participant's slices; slices of other kinds are ignored.
    var slices: [HealthSlice]
    /// The length of a stored slice (`--health-slice`, 10 s by default).
    var sliceMs: Int64
    var limits: HealthThresholds
    /// Whose health this is, for the accessible summary. User text.
    var participantName: String?
    /// Whether to print the explanation under the bar (leave it out when a page shows it once for
    /// several bars; it stays in the `<desc>`).
    var showExplanation = true
    /// At most this many rects: beyond it, each rect covers several slices.
    var maxRects = 360
    var width: Double = 640
    var sizeClass: String?

    init(kind: MediaKind, fromMs: Int64, toMs: Int64, slices: [HealthSlice], sliceMs: Int64 = 10_000,
         limits: HealthThresholds = .default, participantName: String? = nil) {
        self.kind = kind
        // Times from 1970 to year 9999 only (``EpochTime``), so that no span arithmetic overflows
        // and the loops below stay within `maxRects`, whatever a stored row or a URL says.
        self.fromMs = EpochTime.clamped(fromMs)
        self.toMs = max(EpochTime.clamped(toMs), self.fromMs + 1)
        self.slices = slices.filter { $0.kind == kind && EpochTime.range.contains($0.startMs) }
        self.sliceMs = max(1, sliceMs)
        self.limits = limits
        self.participantName = participantName
    }

    // MARK: Rendering

    static let noDataColour = "#8a929b"

    /// The SVG document (`<svg>…</svg>`).
    func render() -> String {
        let (from, to) = span
        let pad = 8.0
        let barTop = 24.0, barHeight = 22.0
        let barLeft = pad, barRight = width - pad
        let explanationLines = showExplanation
            ? TextMetrics.wrap(explanation, fontSize: 11, maxWidth: width - 2 * pad, maxLines: 6) : []
        let axisBaseline = barTop + barHeight + 15
        let height = axisBaseline + 8 + 14 * Double(explanationLines.count) + (explanationLines.isEmpty ? 0 : 4)
        func x(_ t: Int64) -> Double { barLeft + Double(t - from) / Double(to - from) * (barRight - barLeft) }

        let summary = self.summary
        var w = SVGWriter()
        w.open("svg", [
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("class", rootClass("cs-health-bar cs-kind-\(kind.rawValue)")),
            ("viewBox", "0 0 \(SVGWriter.number(width)) \(SVGWriter.number(height))"),
            ("width", "100%"),
            ("role", "img"),
            ("aria-label", summary),
            ("font-family", MetricChart.fontFamily),
            ("fill", "currentColor"),
            ("data-kind", kind.rawValue),
            ("data-from", String(from)),
            ("data-to", String(to)),
            ("data-slice-ms", String(sliceMs * Int64(slicesPerRect))),
        ])
        w.element("title", text: summary)
        w.element("desc", text: explanation)

        let shares = sharesText ?? "no data"
        let sharesWidth = TextMetrics.width(shares, fontSize: 11)
        w.element("text", [("class", "cs-health-kind"), ("x", SVGWriter.number(pad)), ("y", "16"), ("font-size", "13"), ("font-weight", "600")],
                  text: TextMetrics.truncated(kind.displayName, fontSize: 13, maxWidth: width - 3 * pad - sharesWidth))
        w.element("text", [("class", "cs-health-shares"), ("x", SVGWriter.number(width - pad)), ("y", "16"), ("font-size", "11"),
                           ("text-anchor", "end"), ("fill-opacity", "0.8")], text: shares)

        w.open("g", [("class", "cs-slices"), ("shape-rendering", "crispEdges")])
        for piece in pieces {
            let x0 = x(piece.startMs), x1 = x(piece.endMs)
            let colourName = piece.colour?.rawValue ?? "none"
            var attrs: SVGWriter.Attributes = [
                ("class", "cs-slice cs-health-\(colourName)"),
                ("x", SVGWriter.number(x0)), ("y", SVGWriter.number(barTop)),
                ("width", SVGWriter.number(max(x1 - x0, 0.5))), ("height", SVGWriter.number(barHeight)),
                ("fill", piece.colour.map(MetricChart.colour) ?? Self.noDataColour),
            ]
            if piece.colour == nil { attrs.append(("fill-opacity", "0.5")) }
            attrs += [("data-start", String(piece.startMs)), ("data-end", String(piece.endMs)), ("data-colour", colourName)]
            if let f = piece.figures {
                let d = { (v: Double) in ChartFormat.decimal(v, fractionDigits: 3) }
                if let v = f.meanJitterMs { attrs.append(("data-jitter", d(v))) }
                if let v = f.meanRttMs { attrs.append(("data-rtt", d(v))) }
                if let v = f.lossPercent { attrs.append(("data-loss", d(v))) }
                if let v = f.meanFps { attrs.append(("data-fps", d(v))) }
                if let v = f.meanBitrateKbps { attrs.append(("data-bitrate", d(v))) }
                attrs.append(("data-freezes", String(f.freezeCount)))
                attrs.append(("data-samples", String(f.samples)))
                attrs.append(("data-slices", String(piece.sliceCount)))
            }
            w.open("rect", attrs)
            w.element("title", text: title(of: piece))
            w.close()
        }
        w.close()

        // Time axis: start and end in full, clock ticks between where they fit.
        w.open("g", [("class", "cs-axis cs-axis-x"), ("font-size", "10"), ("fill-opacity", "0.8")])
        let startLabel = ChartFormat.time(from), endLabel = ChartFormat.time(to)
        w.element("text", [("x", SVGWriter.number(barLeft)), ("y", SVGWriter.number(axisBaseline))], text: startLabel)
        w.element("text", [("x", SVGWriter.number(barRight)), ("y", SVGWriter.number(axisBaseline)), ("text-anchor", "end")], text: endLabel)
        let startEnd = barLeft + TextMetrics.width(startLabel, fontSize: 10) + 18
        let endStart = barRight - TextMetrics.width(endLabel, fontSize: 10) - 18
        let maxTicks = Int((barRight - barLeft) / (TextMetrics.width("00:00:00", fontSize: 10) + 28))
        let times = ChartTicks.times(fromMs: from, toMs: to, maxCount: maxTicks)
        for t in times.ticks {
            let tx = x(t)
            let label = ChartTicks.timeLabel(t, stepMs: times.stepMs)
            let half = TextMetrics.width(label, fontSize: 10) / 2
            guard tx - half > startEnd, tx + half < endStart else { continue }
            w.leaf("line", [("x1", SVGWriter.number(tx)), ("x2", SVGWriter.number(tx)), ("y1", SVGWriter.number(barTop + barHeight)),
                            ("y2", SVGWriter.number(barTop + barHeight + 4)), ("stroke", "currentColor"), ("stroke-opacity", "0.5")])
            w.element("text", [("x", SVGWriter.number(tx)), ("y", SVGWriter.number(axisBaseline)), ("text-anchor", "middle")],
                      text: label)
        }
        w.close()

        var y = axisBaseline + 4
        for line in explanationLines {
            y += 14
            w.element("text", [("class", "cs-health-explanation"), ("x", SVGWriter.number(pad)), ("y", SVGWriter.number(y)), ("font-size", "11"),
                               ("fill-opacity", "0.8")], text: line)
        }
        return w.finish()
    }
}

extension HealthBar: TwoSizeDrawing {
    mutating func fitNarrow() {
        maxRects = 180
    }
}
