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

    // MARK: Explanation

    /// How the colours are decided, with the real limits: "Each slice is 10 s, coloured by its worst
    /// figure as this participant measured it: green good (jitter ≤ 30 ms, RTT ≤ 300 ms, loss ≤ 5 %),
    /// red poor (jitter > 50 ms, RTT > 500 ms, loss > 10 %), orange between, grey no data." Video kinds
    /// add the frame rate (and freezes, which are always poor).
    static func explanation(kind: MediaKind, sliceMs: Int64, limits: HealthThresholds, slicesPerRect: Int = 1) -> String {
        let length = ChartFormat.duration(ms: sliceMs.multiplied(saturating: Int64(slicesPerRect)))
        let each = slicesPerRect > 1
            ? "Each slice is \(length) (the worst of \(slicesPerRect) × \(ChartFormat.duration(ms: sliceMs)))"
            : "Each slice is \(length)"
        var good = "jitter ≤ \(ChartFormat.ms(limits.jitterGoodMs)), RTT ≤ \(ChartFormat.ms(limits.rttGoodMs)), loss ≤ \(ChartFormat.percent(limits.lossGoodPercent))"
        var poor = "jitter > \(ChartFormat.ms(limits.jitterModerateMs)), RTT > \(ChartFormat.ms(limits.rttModerateMs)), loss > \(ChartFormat.percent(limits.lossModeratePercent))"
        if kind.isVideo {
            good += ", ≥ \(ChartFormat.fps(limits.fpsGood))"
            poor += ", < \(ChartFormat.fps(limits.fpsPoor)) or a freeze"
        }
        return "\(each), coloured by its worst figure as this participant measured it: green good (\(good)), red poor (\(poor)), orange between, grey no data."
    }

    var explanation: String {
        Self.explanation(kind: kind, sliceMs: sliceMs, limits: limits, slicesPerRect: slicesPerRect)
    }

    // MARK: Slots

    /// The span drawn: the given one, widened to whole stored slices that lie outside it.
    var span: (from: Int64, to: Int64) {
        Self.span(fromMs: fromMs, toMs: toMs, slices: slices, sliceMs: sliceMs)
    }

    /// `fromMs`…`toMs` widened to whole `slices` that lie outside it: bars given the span of all
    /// their slices share one time axis.
    static func span(fromMs: Int64, toMs: Int64, slices: [HealthSlice], sliceMs: Int64) -> (from: Int64, to: Int64) {
        var from = EpochTime.clamped(fromMs), to = EpochTime.clamped(toMs)
        let starts = slices.map(\.startMs).filter(EpochTime.range.contains)
        if let first = starts.min() { from = min(from, first) }
        if let last = starts.max() { to = max(to, last + sliceMs) }
        return (from, to)
    }

    private var firstSlotStart: Int64 {
        let f = span.from
        return f >= 0 ? f / sliceMs * sliceMs : (f - sliceMs + 1) / sliceMs * sliceMs
    }

    private var slotCount: Int {
        Int((span.to - firstSlotStart + sliceMs - 1) / sliceMs)
    }

    /// How many stored slices one rect covers.
    var slicesPerRect: Int {
        let n = slotCount
        return max(1, (n + maxRects - 1) / max(1, maxRects))
    }

    /// One drawn piece of the bar.
    struct Piece: Sendable, Hashable {
        var startMs: Int64
        var endMs: Int64
        /// `nil`: grey (no data, or data without a judged metric).
        var colour: HealthColour?
        /// The combined figures; `nil` where no slice exists.
        var figures: HealthAccumulator?
        /// Stored slices behind the piece.
        var sliceCount: Int
    }

    /// The pieces of the bar, left to right: one per slot (or group of slots), runs without data
    /// merged into one.
    var pieces: [Piece] {
        let (from, to) = span
        let first = firstSlotStart
        let groupMs = sliceMs * Int64(slicesPerRect)
        // Stored slices by group: O(slices + groups), whatever the span.
        var groups: [Int64: (figures: HealthAccumulator, colour: HealthColour?, count: Int)] = [:]
        for slice in slices {
            let g = (slice.startMs - first) / groupMs
            let c = slice.figures.colour(limits)
            if var e = groups[g] {
                e.figures.merge(slice.figures)
                if let c { e.colour = max(e.colour ?? c, c) }
                e.count += 1
                groups[g] = e
            } else {
                groups[g] = (slice.figures, c, 1)
            }
        }
        var pieces: [Piece] = []
        var g: Int64 = 0
        while first + g * groupMs < to {
            let start = first + g * groupMs
            let e = groups[g]
            let piece = Piece(startMs: max(start, from), endMs: min(start + groupMs, to), colour: e?.colour,
                              figures: e?.figures, sliceCount: e?.count ?? 0)
            if piece.figures == nil, let last = pieces.last, last.figures == nil, last.endMs == piece.startMs {
                pieces[pieces.count - 1].endMs = piece.endMs
            } else {
                pieces.append(piece)
            }
            g += 1
        }
        return pieces
    }

    // MARK: Text

    private static func share(_ fraction: Double) -> String {
        let pct = fraction * 100
        if pct > 0, pct < 0.5 { return "< 1 %" }
        if pct < 100, pct > 99.5 { return "> 99 %" }
        return ChartFormat.decimal(pct, fractionDigits: 0) + " %"
    }

    /// "good 92 % · moderate 6 % · poor 2 %" over the time with data (as ``HealthSummary``).
    var sharesText: String? {
        guard let s = HealthSummary.summaries(of: slices, limits: limits).first(where: { $0.kind == kind }) else { return nil }
        return "good \(Self.share(s.good)) · moderate \(Self.share(s.moderate)) · poor \(Self.share(s.poor))"
    }

    /// The hover text of a piece.
    func title(of piece: Piece) -> String {
        let range = ChartFormat.range(piece.startMs, piece.endMs, seconds: true)
        guard let f = piece.figures else { return "\(range): no data" }
        var lines = ["\(range): \(piece.colour?.rawValue ?? "not rated (no jitter, RTT, loss or frame rate)")"]
        if slicesPerRect > 1 {
            lines.append("Worst of \(piece.sliceCount) × \(ChartFormat.duration(ms: sliceMs)) slices; figures over all of them")
        }
        func mark(_ c: HealthColour) -> String { c == .good ? "" : " (\(c.rawValue))" }
        if let j = f.meanJitterMs { lines.append("Jitter \(ChartFormat.ms(j))\(mark(limits.colour(jitterMs: j)))") }
        if let r = f.meanRttMs { lines.append("RTT \(ChartFormat.ms(r))\(mark(limits.colour(rttMs: r)))") }
        if let l = f.sentLossPercent { lines.append("Packet loss (sent) \(ChartFormat.percent(l))\(mark(limits.colour(lossPercent: l)))") }
        if let l = f.receivedLossPercent {
            lines.append("Packet loss (received) \(ChartFormat.percent(l))\(mark(limits.colour(lossPercent: l)))")
        }
        if let fps = f.meanFps { lines.append("Frame rate \(ChartFormat.fps(fps))\(mark(limits.colour(fps: fps)))") }
        if let b = f.meanBitrateKbps { lines.append("Bitrate \(ChartFormat.bitrate(kbps: b))") }
        if kind.isVideo || f.freezeCount > 0 {
            lines.append(f.freezeCount > 0 ? "\(ChartFormat.count(f.freezeCount, "freeze", "freezes")) (poor)" : "No freezes")
        }
        lines.append(ChartFormat.count(f.samples, "sample", "samples"))
        return lines.joined(separator: "\n")
    }

    /// "Video call health of Alice, 10:02–10:34 UTC: good 92 % · moderate 6 % · poor 2 % of the time with data; no data for 2 min".
    var summary: String {
        var text = "\(kind.displayName) call health"
        if let participantName, !participantName.isEmpty { text += " of \(participantName)" }
        let (from, to) = span
        text += ", \(ChartFormat.range(from, to))"
        guard let shares = sharesText else { return text + ": no data" }
        text += ": \(shares) of the time with data"
        let grey = pieces.filter { $0.colour == nil }.reduce(Int64(0)) { $0 + ($1.endMs - $1.startMs) }
        if grey > 0 { text += "; no data or not rated for \(ChartFormat.duration(ms: grey))" }
        return text
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
