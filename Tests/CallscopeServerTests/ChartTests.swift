import CallscopeCore
@testable import CallscopeServer
import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed SVG document: every element with its attributes and direct text, in document order.
private final class ParsedSVG: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text = ""
        var depth: Int
    }

    var elements: [Element] = []
    private var open: [Int] = []
    var error: String?

    static func parse(_ svg: String) -> ParsedSVG {
        let doc = ParsedSVG()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = doc
        if !parser.parse() { doc.error = doc.error ?? parser.parserError.map { "\($0)" } ?? "parse failed" }
        return doc
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
                attributes attributeDict: [String: String] = [:]) {
        elements.append(Element(name: elementName, attributes: attributeDict, depth: open.count))
        open.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        _ = open.popLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let i = open.last { elements[i].text += string }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        error = "\(parseError) at line \(parser.lineNumber), column \(parser.columnNumber)"
    }

    var root: Element? { elements.first }

    func all(_ name: String, class cls: String? = nil) -> [Element] {
        elements.filter { e in
            e.name == name && (cls.map { c in (e.attributes["class"] ?? "").split(separator: " ").contains(Substring(c)) } ?? true)
        }
    }

    /// The text of every `<text>` element.
    var texts: [String] { all("text").map(\.text) }

    /// The `<title>` children of element `index`.
    func titleOf(_ element: Element) -> String? {
        guard let i = elements.firstIndex(where: { $0.name == element.name && $0.attributes == element.attributes }) else { return nil }
        let next = i + 1
        guard next < elements.count, elements[next].name == "title", elements[next].depth == element.depth + 1 else { return nil }
        return elements[next].text
    }
}

/// 2024-05-14 10:02:00 UTC.
private let t0: Int64 = 1_715_680_920_000

private func points(_ values: [Double?], stepMs: Int64 = 2000, from: Int64 = t0) -> [ChartPoint] {
    values.enumerated().map { ChartPoint(tMs: from + Int64($0.offset) * stepMs, value: $0.element) }
}

private func wellFormed(_ svg: String, sourceLocation: SourceLocation = #_sourceLocation) -> ParsedSVG {
    let doc = ParsedSVG.parse(svg)
    #expect(doc.error == nil, "not well-formed XML: \(doc.error ?? "")", sourceLocation: sourceLocation)
    #expect(doc.root?.name == "svg", sourceLocation: sourceLocation)
    #expect(!svg.contains("style="), "no inline style attributes (CSP)", sourceLocation: sourceLocation)
    #expect(!svg.contains("<script"), sourceLocation: sourceLocation)
    return doc
}

/// A deterministic pseudo-random sequence in 0..<1.
private struct Noise {
    var state: UInt64
    mutating func next() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53)
    }
}

@Suite("Dashboard charts: formatting")
struct ChartFormatTests {
    @Test("numbers print with a point, no grouping, trailing zeros dropped")
    func decimals() {
        #expect(ChartFormat.decimal(2.5, fractionDigits: 2) == "2.5")
        #expect(ChartFormat.decimal(3, fractionDigits: 1) == "3")
        #expect(ChartFormat.decimal(1234567.891, fractionDigits: 2) == "1234567.89")
        #expect(ChartFormat.decimal(-0.04, fractionDigits: 1) == "0")
        #expect(ChartFormat.decimal(-2.25, fractionDigits: 1) == "-2.3")
        #expect(ChartFormat.decimal(0.05, fractionDigits: 2) == "0.05")
        #expect(ChartFormat.decimal(0.6000000000000001, fractionDigits: 1) == "0.6")
        #expect(ChartFormat.decimal(.nan, fractionDigits: 1) == "–")
        #expect(ChartFormat.decimal(.infinity, fractionDigits: 1) == "–")
    }

    @Test("units: ms, kbit/s and Mbit/s, %, width×height, fps")
    func units() {
        #expect(ChartFormat.ms(42) == "42 ms")
        #expect(ChartFormat.ms(42.4) == "42 ms")
        #expect(ChartFormat.ms(4.25) == "4.3 ms")
        #expect(ChartFormat.ms(9.96) == "10 ms")
        #expect(ChartFormat.ms(0) == "0 ms")
        #expect(ChartFormat.bitrate(kbps: 850) == "850 kbit/s")
        #expect(ChartFormat.bitrate(kbps: 7.5) == "7.5 kbit/s")
        #expect(ChartFormat.bitrate(kbps: 1234) == "1.2 Mbit/s")
        #expect(ChartFormat.bitrate(kbps: 999.7) == "1 Mbit/s")
        #expect(ChartFormat.bitrate(kbps: 2000) == "2 Mbit/s")
        #expect(ChartFormat.bitrate(kbps: 150_400) == "150 Mbit/s")
        #expect(ChartFormat.percent(3.42) == "3.4 %")
        #expect(ChartFormat.percent(5) == "5 %")
        #expect(ChartFormat.percent(0.04) == "0.04 %")
        #expect(ChartFormat.percent(0) == "0 %")
        #expect(ChartFormat.resolution(1280, 720) == "1280×720")
        #expect(ChartFormat.fps(29.84) == "29.8 fps")
        #expect(ChartFormat.fps(30) == "30 fps")
        #expect(ChartFormat.count(1, "freeze", "freezes") == "1 freeze")
        #expect(ChartFormat.count(3, "freeze", "freezes") == "3 freezes")
        #expect(ChartFormat.duration(ms: 10_000) == "10 s")
        #expect(ChartFormat.duration(ms: 90_000) == "1 min 30 s")
        #expect(ChartFormat.duration(ms: 7_500_000) == "2 h 5 min")
    }

    @Test("times are UTC clock times, dates by the civil calendar")
    func times() {
        let t = t0 + 3 * 1000 + 999 // 10:02:03.999
        #expect(ChartFormat.time(t) == "10:02:03 UTC")
        #expect(ChartFormat.clock(t, seconds: false) == "10:02")
        #expect(ChartFormat.clock(0) == "00:00:00")
        #expect(ChartFormat.clock(-1) == "23:59:59")
        #expect(ChartFormat.date(t0) == "2024-05-14")
        #expect(ChartFormat.date(951_782_400_000) == "2000-02-29")
        #expect(ChartFormat.date(0) == "1970-01-01")
        #expect(ChartFormat.range(t0, t0 + 32 * 60_000) == "10:02–10:34 UTC")
        #expect(ChartFormat.range(t0, t0 + 30_000) == "10:02:00–10:02:30 UTC")
        let late: Int64 = 1_715_730_600_000 // 2024-05-14 23:50
        #expect(ChartFormat.range(late, late + 30 * 60_000) == "2024-05-14 23:50 – 2024-05-15 00:20 UTC")
    }

    @Test("XML escaping leaves nothing that opens a tag or ends an attribute, and drops forbidden characters")
    func escaping() {
        #expect(SVGWriter.escape("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;")
        #expect(SVGWriter.escape(#"a & "b" 'c'"#) == "a &amp; &quot;b&quot; &#39;c&#39;")
        #expect(SVGWriter.escape("bell\u{7}\u{0}x\u{FFFE}") == "bellx")
        #expect(SVGWriter.escape("Zoë → 李\n") == "Zoë → 李\n")
    }

    @Test("wrapped text never breaks between a limit and its value or unit")
    func wrapping() {
        #expect(TextMetrics.glued("poor (jitter > 50 ms, < 8 fps or a freeze)".split(separator: " ").map(String.init))
            == ["poor", "(jitter", "> 50 ms,", "< 8 fps", "or", "a", "freeze)"])
        let lines = TextMetrics.wrap("Good ≤ 30 ms, moderate ≤ 50 ms, poor above.", fontSize: 10, maxWidth: 60, maxLines: 9)
        #expect(lines == ["Good", "≤ 30 ms,", "moderate", "≤ 50 ms,", "poor", "above."])
        let cut = TextMetrics.wrap("one two three four five six", fontSize: 10, maxWidth: 60, maxLines: 2)
        #expect(cut.count == 2)
        #expect(cut[1].hasSuffix("…"))
    }
}

@Suite("Dashboard charts: axes and series")
struct ChartScaleTests {
    @Test("value ticks: steps of 1, 2 or 5 × 10ⁿ from 0 to the first tick at or above the maximum")
    func valueTicks() {
        #expect(ChartTicks.values(upTo: 42).ticks == [0, 10, 20, 30, 40, 50])
        #expect(ChartTicks.values(upTo: 50).ticks == [0, 10, 20, 30, 40, 50])
        #expect(ChartTicks.values(upTo: 7).ticks == [0, 2, 4, 6, 8])
        #expect(ChartTicks.values(upTo: 300).ticks == [0, 100, 200, 300])
        #expect(ChartTicks.values(upTo: 720).ticks == [0, 200, 400, 600, 800])
        #expect(ChartTicks.values(upTo: 1234).ticks == [0, 500, 1000, 1500])
        #expect(ChartTicks.values(upTo: 5).ticks == [0, 1, 2, 3, 4, 5])
        #expect(ChartTicks.values(upTo: 31.5).ticks == [0, 5, 10, 15, 20, 25, 30, 35])
        #expect(ChartTicks.values(upTo: 11).ticks == [0, 2, 4, 6, 8, 10, 12])
        let small = ChartTicks.values(upTo: 0.9)
        #expect(small.step == 0.2)
        #expect(small.fractionDigits == 1)
        #expect(small.ticks.map { ChartFormat.decimal($0, fractionDigits: small.fractionDigits) } == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
        #expect(ChartTicks.values(upTo: 2, integral: true).ticks == [0, 1, 2])
        #expect(ChartTicks.values(upTo: 0).ticks == [0, 1])
        #expect(ChartTicks.values(upTo: .nan).ticks == [0, 1])
    }

    @Test("time ticks fall on whole clock units and fit the count")
    func timeTicks() {
        // 10:02–10:34 with room for 7 labels: every 5 minutes.
        let half = ChartTicks.times(fromMs: t0, toMs: t0 + 32 * 60_000, maxCount: 7)
        #expect(half.stepMs == 300_000)
        #expect(half.ticks.map { ChartTicks.timeLabel($0, stepMs: half.stepMs) } == ["10:05", "10:10", "10:15", "10:20", "10:25", "10:30"])
        // One minute: every 10 s, with seconds.
        let minute = ChartTicks.times(fromMs: t0, toMs: t0 + 60_000, maxCount: 7)
        #expect(minute.stepMs == 10_000)
        #expect(minute.ticks.first.map { ChartTicks.timeLabel($0, stepMs: minute.stepMs) } == "10:02:00")
        #expect(minute.ticks.count == 7)
        // Three hours: hourly at most 7 labels → 30 min.
        let long = ChartTicks.times(fromMs: t0, toMs: t0 + 3 * 3_600_000, maxCount: 7)
        #expect(long.stepMs == 1_800_000)
        #expect(long.ticks.first.map { ChartFormat.clock($0, seconds: false) } == "10:30")
    }

    @Test("a nil value or a gap over 2.5 × the median interval breaks the line")
    func gaps() {
        var pts = points([10, 11, 12, nil, 14, 15])
        pts += points([20, 21], from: t0 + 60_000) // 50 s after the last: a gap
        pts += points([30], from: t0 + 70_000)    // 8 s later: a gap too (> 5 s)
        let runs = SeriesReducer.segments(pts, fromMs: t0, toMs: t0 + 100_000)
        #expect(runs.map { $0.compactMap(\.value) } == [[10, 11, 12], [14, 15], [20, 21], [30]])
        // 5 s apart at a 2 s median is within 2.5 ×.
        let close = SeriesReducer.segments(points([1, 2, 3]) + [ChartPoint(tMs: t0 + 9000, value: 4)], fromMs: t0, toMs: t0 + 10_000)
        #expect(close.count == 1)
        // Points outside the window are left out, unsorted input is sorted, NaN counts as missing.
        let messy = [ChartPoint(tMs: t0 + 4000, value: 3), ChartPoint(tMs: t0, value: 1), ChartPoint(tMs: t0 + 2000, value: .nan),
                     ChartPoint(tMs: t0 - 2000, value: 9)]
        #expect(SeriesReducer.segments(messy, fromMs: t0, toMs: t0 + 10_000).map { $0.map(\.tMs) } == [[t0], [t0 + 4000]])

        let chart = MetricChart(metric: .jitter, fromMs: t0, toMs: t0 + 100_000, series: [ChartSeries(side: .sender, points: pts)])
        let doc = wellFormed(chart.render())
        let series = doc.all("g", class: "cs-series")
        #expect(series.count == 1)
        let data = series[0].attributes["data-points"] ?? ""
        // Breaks between the runs, marked `t,`.
        #expect(data.split(separator: ";").filter { $0.hasSuffix(",") }.count == 3)
        #expect(data.hasPrefix("\(t0),10;\(t0 + 2000),11;"))
        let path = doc.all("path", class: "cs-line").first?.attributes["d"] ?? ""
        #expect(path.filter { $0 == "M" }.count == 3)
        // The lone point is a dot.
        #expect(doc.all("circle", class: "cs-dot").count == 1)
    }

    @Test("1800 points are bucketed to at most 600, keeping the highest spike and the lowest dip")
    func bucketing() {
        var noise = Noise(state: 7)
        var values: [Double?] = (0..<1800).map { _ in 20 + noise.next() * 5 }
        values[1234] = 480
        values[321] = 0.5
        let pts = points(values)
        let to = t0 + 3_600_000
        let runs = SeriesReducer.reduce(SeriesReducer.segments(pts, fromMs: t0, toMs: to), fromMs: t0, toMs: to, maxPoints: 600)
        let kept = runs.joined().compactMap(\.value)
        #expect(runs.count == 1)
        #expect(kept.count <= 600)
        #expect(kept.count > 300)
        #expect(kept.max() == 480)
        #expect(kept.min() == 0.5)
        let times = runs.joined().map(\.tMs)
        #expect(times == times.sorted())
        #expect(times.contains(t0 + 1234 * 2000))

        // The chart says so too: the summary names the spike, the data attribute keeps it.
        let chart = MetricChart(metric: .rtt, fromMs: t0, toMs: to, series: [ChartSeries(side: .receiver, points: pts)])
        let doc = wellFormed(chart.render())
        let data = doc.all("g", class: "cs-receiver").first?.attributes["data-points"] ?? ""
        #expect(data.split(separator: ";").count <= 600)
        #expect(data.contains("\(t0 + 1234 * 2000),480"))
        #expect(doc.root?.attributes["aria-label"]?.contains("max 480 ms") == true)
        // Small series are left alone.
        #expect(SeriesReducer.reduce([points([1, 2, 3]).map { $0 }], fromMs: t0, toMs: to, maxPoints: 600)[0].count == 3)
    }
}

@Suite("Dashboard charts: metric chart")
struct MetricChartTests {
    /// A chart of `metric` with one value per side.
    fileprivate func chart(_ metric: ChartMetric, sender: [Double?], receiver: [Double?], limits: HealthThresholds = .default) -> ParsedSVG {
        let c = MetricChart(metric: metric, fromMs: t0, toMs: t0 + 60_000, series: [
            ChartSeries(side: .sender, points: points(sender)),
            ChartSeries(side: .receiver, points: points(receiver)),
        ], limits: limits)
        return wellFormed(c.render())
    }

    fileprivate func limitLabels(_ doc: ParsedSVG) -> [String] { doc.all("text", class: "cs-limit-label").map(\.text) }

    @Test("the limits of HealthThresholds are drawn and named, for every judged metric")
    func bands() {
        let jitter = chart(.jitter, sender: [10, 20, 42], receiver: [12, 55, 8])
        #expect(limitLabels(jitter) == ["good ≤ 30 ms", "moderate ≤ 50 ms", "poor > 50 ms"])
        #expect(jitter.all("rect", class: "cs-band-good").count == 1)
        #expect(jitter.all("rect", class: "cs-band-moderate").count == 1)
        #expect(jitter.all("rect", class: "cs-band-poor").count == 1)
        #expect(jitter.all("line", class: "cs-limit-good").count == 1)
        #expect(jitter.all("text", class: "cs-chart-title").first?.text == "Jitter (ms)")
        #expect(jitter.all("desc").first?.text == "Jitter: how unevenly packets arrive; high jitter makes audio choppy and video stutter. Good ≤ 30 ms, moderate ≤ 50 ms, poor above.")
        // y axis 0…60 (the data reach 55), in nice steps.
        #expect(jitter.all("g", class: "cs-axis-y").isEmpty == false)
        #expect(jitter.root?.attributes["data-ymax"] == "60")

        let rtt = chart(.rtt, sender: [120, 480], receiver: [90])
        #expect(limitLabels(rtt).contains("good ≤ 300 ms"))
        #expect(limitLabels(rtt).contains("moderate ≤ 500 ms"))

        // Data well inside the good band: the axis still reaches the good limit, not the moderate one.
        let loss = chart(.packetLoss, sender: [0, 0.4, 1.2], receiver: [0, 0])
        #expect(limitLabels(loss) == ["good ≤ 5 %"])
        #expect(loss.root?.attributes["data-ymax"] == "5")
        #expect(loss.all("rect", class: "cs-band-poor").isEmpty)

        // Higher is better: the bands turn over.
        let fps = chart(.fps, sender: [30, 29.5], receiver: [24, 6, 12])
        #expect(limitLabels(fps) == ["good ≥ 15 fps", "moderate ≥ 8 fps", "poor < 8 fps"])
        let good = fps.all("rect", class: "cs-band-good").first
        let poor = fps.all("rect", class: "cs-band-poor").first
        #expect(Double(good?.attributes["y"] ?? "") ?? 0 < Double(poor?.attributes["y"] ?? "") ?? 0, "good band above the poor one")

        // No limits for bitrate, resolution, concealment: no bands, and the explanation says so.
        let bitrate = chart(.bitrate, sender: [800, 1600], receiver: [750])
        #expect(bitrate.all("rect", class: "cs-band").isEmpty)
        #expect(bitrate.all("desc").first?.text.contains("sets no limit") == true)
        #expect(bitrate.all("text", class: "cs-chart-title").first?.text == "Bitrate (Mbit/s)")
        #expect(chart(.bitrate, sender: [300], receiver: [400]).all("text", class: "cs-chart-title").first?.text == "Bitrate (kbit/s)")

        // A project's own limits replace the defaults, in lines and words.
        var custom = HealthThresholds()
        custom.jitterGoodMs = 20
        custom.jitterModerateMs = 40
        let own = chart(.jitter, sender: [25], receiver: [45], limits: custom)
        #expect(limitLabels(own) == ["good ≤ 20 ms", "moderate ≤ 40 ms", "poor > 40 ms"])
        #expect(own.all("desc").first?.text.contains("Good ≤ 20 ms, moderate ≤ 40 ms") == true)
    }

    @Test("every metric has a title with its unit and an explanation with the real limits")
    func explanations() {
        let l = HealthThresholds.default
        #expect(ChartMetric.rtt.explanation(l).contains("Good ≤ 300 ms, moderate ≤ 500 ms, poor above."))
        #expect(ChartMetric.packetLoss.explanation(l).contains("Good ≤ 5 %, moderate ≤ 10 %, poor above."))
        #expect(ChartMetric.fps.explanation(l).contains("Good ≥ 15 fps, moderate ≥ 8 fps, poor below."))
        #expect(ChartMetric.freezes.explanation(l).contains("poor"))
        for metric in ChartMetric.allCases {
            let c = MetricChart(metric: metric, fromMs: t0, toMs: t0 + 10_000, series: [ChartSeries(side: .sender, points: points([1, 2, 3]))])
            let doc = wellFormed(c.render())
            let title = doc.all("text", class: "cs-chart-title").first?.text ?? ""
            #expect(title.contains("("), "title of \(metric) names a unit: \(title)")
            #expect(doc.all("desc").first?.text.isEmpty == false)
            #expect(doc.root?.attributes["data-metric"] == metric.rawValue)
        }
        #expect(ChartMetric.metrics(for: .audio).contains(.resolution) == false)
        #expect(ChartMetric.metrics(for: .screenVideo).contains(.fps))
    }

    @Test("both sizes: a wide and a narrow drawing of the same data, classed for the style sheet")
    func bothSizes() throws {
        var noise = Noise(state: 3)
        let pts = points((0..<1800).map { _ in 20 + noise.next() * 5 })
        let chart = MetricChart(metric: .jitter, fromMs: t0, toMs: t0 + 3_600_000, series: [ChartSeries(side: .receiver, points: pts)])
        let parts = chart.renderBothSizes().components(separatedBy: "</svg>").dropLast().map { $0 + "</svg>" }
        try #require(parts.count == 2)
        let wide = wellFormed(parts[0]), narrow = wellFormed(parts[1])
        #expect(wide.root?.attributes["class"]?.hasSuffix(" cs-wide") == true)
        #expect(narrow.root?.attributes["class"]?.hasSuffix(" cs-narrow") == true)
        #expect(wide.root?.attributes["viewBox"]?.hasPrefix("0 0 640 ") == true)
        #expect(narrow.root?.attributes["viewBox"]?.hasPrefix("0 0 360 ") == true)
        // The same title and limits, fewer points and time ticks in the narrow one.
        #expect(wide.texts.first == narrow.texts.first)
        let count = { (doc: ParsedSVG) in (doc.all("g", class: "cs-receiver").first?.attributes["data-points"] ?? "").split(separator: ";").count }
        #expect(count(narrow) <= 300 && count(narrow) < count(wide))
        let ticks = { (doc: ParsedSVG) in doc.elements.filter { $0.name == "text" && $0.depth == 2 }.count }
        #expect(ticks(narrow) <= ticks(wide))
        let bar = HealthBar(kind: .audio, fromMs: t0, toMs: t0 + 60_000, slices: []).renderBothSizes()
        #expect(bar.contains("cs-health-bar cs-kind-audio cs-wide") && bar.contains("cs-health-bar cs-kind-audio cs-narrow"))
    }

    @Test("the root is a responsive, labelled image with its window and the series for scripts")
    func structure() {
        var a = StreamSample(tsMs: t0 + 1000, side: .sender)
        a.jitterMs = 12
        var b = StreamSample(tsMs: t0 + 1000, side: .receiver)
        b.jitterMs = 42
        var c = StreamSample(tsMs: t0 + 3000, side: .receiver)
        c.jitterMs = 20
        var d = StreamSample(tsMs: t0 + 3000, side: .sender)
        d.jitterMs = 14
        let svg = MetricChart(metric: .jitter, fromMs: t0, toMs: t0 + 32 * 60_000, samples: [a, b, c, d],
                              senderName: "Alice", receiverName: "Bob").render()
        let doc = wellFormed(svg)
        let root = doc.root!
        #expect(root.attributes["viewBox"]?.hasPrefix("0 0 640 ") == true)
        #expect(root.attributes["width"] == "100%")
        #expect(root.attributes["role"] == "img")
        #expect(root.attributes["data-from"] == String(t0))
        #expect(root.attributes["data-to"] == String(t0 + 32 * 60_000))
        #expect(root.attributes["data-unit"] == "ms")
        #expect(root.attributes["aria-label"] == "Jitter, sender and receiver side, 10:02–10:34 UTC, max 42 ms (receiver side)")
        #expect(doc.all("title").first?.text == root.attributes["aria-label"])
        let sender = doc.all("g", class: "cs-sender").first
        let receiver = doc.all("g", class: "cs-receiver").first
        #expect(sender?.attributes["data-series"] == "sender")
        #expect(sender?.attributes["data-label"] == "Sender side (Alice)")
        #expect(sender?.attributes["data-points"] == "\(t0 + 1000),12;\(t0 + 3000),14")
        #expect(receiver?.attributes["data-points"] == "\(t0 + 1000),42;\(t0 + 3000),20")
        // Two lines that differ in colour and in dash.
        let lines = doc.all("path", class: "cs-line")
        #expect(lines.count == 2)
        #expect(lines[0].attributes["stroke"] != lines[1].attributes["stroke"])
        #expect(lines[0].attributes["stroke-dasharray"] != lines[1].attributes["stroke-dasharray"])
        #expect(doc.texts.contains("Sender side (Alice)"))
        #expect(doc.texts.contains("Receiver side (Bob)"))
        #expect(doc.texts.contains("UTC"))
        #expect(doc.texts.contains("10:05"))
        // The plot area for scripts.
        let plot = doc.all("rect", class: "cs-plot-area").first
        #expect(plot?.attributes["x"] != nil && plot?.attributes["height"] == "170")
    }

    @Test("resolution: height on the axis, width×height in the summary and data")
    func resolution() {
        var samples: [StreamSample] = []
        for (i, (w, h)) in [(640, 360), (1280, 720), (960, 540)].enumerated() {
            var s = StreamSample(tsMs: t0 + Int64(i) * 2000, side: .receiver)
            s.frameWidth = w
            s.frameHeight = h
            samples.append(s)
        }
        let doc = wellFormed(MetricChart(metric: .resolution, fromMs: t0, toMs: t0 + 10_000, samples: samples).render())
        #expect(doc.all("g", class: "cs-receiver").first?.attributes["data-points"] == "\(t0),360,640;\(t0 + 2000),720,1280;\(t0 + 4000),540,960")
        #expect(doc.root?.attributes["aria-label"]?.hasSuffix("min 640×360, max 1280×720") == true)
        #expect(doc.root?.attributes["aria-label"]?.contains("receiver side only") == true)
        #expect(doc.texts.contains("Sender side: no samples"))
    }

    @Test("hostile names and subjects come out as inert text")
    func escaping() {
        let evil = #"<img src=x onerror=alert(1)>"#
        let quote = #"" onload="alert(2)"#
        let svg = MetricChart(metric: .rtt, fromMs: t0, toMs: t0 + 60_000, series: [
            ChartSeries(side: .sender, name: evil, points: points([100, 200])),
            ChartSeries(side: .receiver, name: quote + "\u{1}&", points: points([150])),
        ], subject: evil + " → " + quote).render()
        #expect(!svg.contains("<img"))
        #expect(!svg.contains(#"" onload="#))
        #expect(svg.contains("&lt;img src=x onerror=alert(1)&gt;"))
        let doc = wellFormed(svg)
        #expect(doc.all("img").isEmpty)
        #expect(doc.root?.attributes["onload"] == nil)
        #expect(doc.all("g", class: "cs-sender").first?.attributes["data-label"] == "Sender side (\(evil))")
        #expect(doc.all("g", class: "cs-receiver").first?.attributes["data-label"] == "Receiver side (\(quote)&)")
        #expect(doc.root?.attributes["aria-label"]?.hasPrefix("Round-trip time (RTT) — \(evil) → \(quote)") == true)

        let bar = HealthBar(kind: .audio, fromMs: t0, toMs: t0 + 30_000, slices: [], participantName: evil).render()
        #expect(!bar.contains("<img"))
        #expect(wellFormed(bar).root?.attributes["aria-label"]?.contains(evil) == true)
    }

    @Test("no samples in the window: a clear empty chart")
    func empty() {
        for series in [[], [ChartSeries(side: .sender, points: [])], [ChartSeries(side: .sender, points: points([nil, nil]))],
                       [ChartSeries(side: .receiver, points: points([5, 6], from: t0 - 600_000))]] {
            let doc = wellFormed(MetricChart(metric: .jitter, fromMs: t0, toMs: t0 + 32 * 60_000, series: series).render())
            #expect(doc.all("text", class: "cs-chart-empty").first?.text == "No samples in this window")
            #expect(doc.root?.attributes["aria-label"] == "Jitter, 10:02–10:34 UTC: no samples in this window")
            #expect(doc.all("path").isEmpty)
            #expect(doc.all("rect", class: "cs-band").isEmpty)
        }
        // A window that ends before it starts does not crash either.
        _ = wellFormed(MetricChart(metric: .fps, fromMs: t0, toMs: t0 - 5, series: []).render())
    }
}

@Suite("Dashboard charts: health bar")
struct HealthBarTests {
    func slice(_ start: Int64, jitter: Double? = nil, rtt: Double? = nil, packets: Int64? = nil, lost: Int64? = nil,
               fps: Double? = nil, freezes: Int64? = nil, bitrate: Double? = nil, kind: MediaKind = .video) -> HealthSlice {
        var s = StreamSample(tsMs: start, side: .receiver)
        s.jitterMs = jitter
        s.rttMs = rtt
        s.packets = packets
        s.packetsLost = lost
        s.fps = fps
        s.freezeCount = freezes
        s.bitrateKbps = bitrate
        var f = HealthAccumulator()
        f.add(s, judgeFps: fps != nil)
        return HealthSlice(sessionId: "s", participantId: "p", kind: kind, startMs: start, figures: f)
    }

    @Test("one rect per slice, coloured as HealthAccumulator decides, grey runs for no data, figures in the titles")
    func slices() {
        let slices = [
            slice(t0, jitter: 12, rtt: 80, packets: 500, lost: 2, fps: 29.5, bitrate: 1460),
            slice(t0 + 10_000, jitter: 35, rtt: 80, fps: 30),
            slice(t0 + 20_000, jitter: 10, rtt: 90, packets: 100, lost: 20),
            // 30 s and 40 s: nothing.
            slice(t0 + 50_000, jitter: 10, fps: 24, freezes: 2),
            slice(t0 + 60_000, bitrate: 300),
            slice(t0 + 10_000, kind: .audio), // another kind: ignored
        ]
        let bar = HealthBar(kind: .video, fromMs: t0, toMs: t0 + 70_000, slices: slices, participantName: "Alice")
        let pieces = bar.pieces
        #expect(pieces.map { $0.colour?.rawValue ?? "none" } == ["good", "moderate", "poor", "none", "poor", "none"])
        #expect(pieces[3].startMs == t0 + 30_000 && pieces[3].endMs == t0 + 50_000)
        let doc = wellFormed(bar.render())
        let rects = doc.all("rect", class: "cs-slice")
        #expect(rects.count == 6)
        #expect(rects.map { $0.attributes["data-colour"] ?? "" } == ["good", "moderate", "poor", "none", "poor", "none"])
        #expect(rects.map { $0.attributes["fill"] ?? "" } == ["#2f9e44", "#e8890c", "#e03131", "#8a929b", "#e03131", "#8a929b"])
        #expect(rects[0].attributes["class"] == "cs-slice cs-health-good")
        #expect(rects[0].attributes["data-start"] == String(t0))
        #expect(rects[0].attributes["data-end"] == String(t0 + 10_000))
        #expect(rects[0].attributes["data-jitter"] == "12")
        #expect(rects[0].attributes["data-loss"] == "0.398")
        #expect(rects[0].attributes["data-bitrate"] == "1460")
        #expect(rects[3].attributes["data-jitter"] == nil)

        #expect(doc.titleOf(rects[0]) == """
            10:02:00–10:02:10 UTC: good
            Jitter 12 ms
            RTT 80 ms
            Packet loss (received) 0.4 %
            Frame rate 29.5 fps
            Bitrate 1.5 Mbit/s
            No freezes
            1 sample
            """)
        #expect(doc.titleOf(rects[1])?.contains("Jitter 35 ms (moderate)") == true)
        #expect(doc.titleOf(rects[2])?.contains("Packet loss (received) 16.7 % (poor)") == true)
        #expect(doc.titleOf(rects[3]) == "10:02:30–10:02:50 UTC: no data")
        #expect(doc.titleOf(rects[4])?.contains("2 freezes (poor)") == true)
        #expect(doc.titleOf(rects[5])?.hasPrefix("10:03:00–10:03:10 UTC: not rated") == true)

        // Slices without a metric are not counted in the shares (as HealthSummary).
        #expect(bar.sharesText == "good 25 % · moderate 25 % · poor 50 %")
        #expect(doc.root?.attributes["aria-label"] == "Video call health of Alice, 10:02:00–10:03:10 UTC: good 25 % · moderate 25 % · poor 50 % of the time with data; no data or not rated for 30 s")
        #expect(doc.texts.contains("Video"))
        #expect(doc.texts.contains("10:02:00 UTC"))
        #expect(doc.texts.contains("10:03:10 UTC"))
        let explanation = doc.all("text", class: "cs-health-explanation").map(\.text).joined(separator: " ")
        #expect(explanation == "Each slice is 10 s, coloured by its worst figure as this participant measured it: "
            + "green good (jitter ≤ 30 ms, RTT ≤ 300 ms, loss ≤ 5 %, ≥ 15 fps), "
            + "red poor (jitter > 50 ms, RTT > 500 ms, loss > 10 %, < 8 fps or a freeze), orange between, grey no data.")
    }

    @Test("audio bars leave frame rate out of the explanation; no slices at all is one grey rect")
    func audioAndEmpty() {
        let explanation = HealthBar.explanation(kind: .audio, sliceMs: 5000, limits: .default)
        #expect(explanation.hasPrefix("Each slice is 5 s, coloured by its worst figure"))
        #expect(explanation.contains("green good (jitter ≤ 30 ms, RTT ≤ 300 ms, loss ≤ 5 %), red poor"))
        #expect(!explanation.contains("fps"))
        var strict = HealthThresholds()
        strict.rttGoodMs = 150
        #expect(HealthBar.explanation(kind: .audio, sliceMs: 10_000, limits: strict).contains("RTT ≤ 150 ms"))
        let doc = wellFormed(HealthBar(kind: .screenAudio, fromMs: t0, toMs: t0 + 60_000, slices: []).render())
        let rects = doc.all("rect", class: "cs-slice")
        #expect(rects.count == 1)
        #expect(rects.first?.attributes["data-colour"] == "none")
        #expect(doc.texts.contains("Screen-share audio"))
        #expect(doc.texts.contains("no data"))
        #expect(doc.root?.attributes["aria-label"] == "Screen-share audio call health, 10:02:00–10:03:00 UTC: no data")
    }

    @Test("long sessions: each rect covers several slices and keeps the worst colour")
    func longSession() {
        // Two hours of 10 s slices, all good but one poor slice.
        var slices = (0..<720).map { slice(t0 + Int64($0) * 10_000, jitter: 10, kind: .audio) }
        slices[400] = slice(t0 + 400 * 10_000, jitter: 90, kind: .audio)
        let bar = HealthBar(kind: .audio, fromMs: t0, toMs: t0 + 7_200_000, slices: slices)
        #expect(bar.slicesPerRect == 2)
        let doc = wellFormed(bar.render())
        let rects = doc.all("rect", class: "cs-slice")
        #expect(rects.count == 360)
        #expect(rects.filter { $0.attributes["data-colour"] == "poor" }.count == 1)
        let poor = rects.first { $0.attributes["data-colour"] == "poor" }!
        #expect(poor.attributes["data-slices"] == "2")
        #expect(poor.attributes["data-jitter"] == "50") // (10 + 90) / 2
        #expect(doc.titleOf(poor)?.contains("Worst of 2 × 10 s slices") == true)
        #expect(bar.explanation.hasPrefix("Each slice is 20 s (the worst of 2 × 10 s)"))
        #expect(doc.root?.attributes["data-slice-ms"] == "20000")

        // An absurd span (from the epoch) still draws at most maxRects rects, quickly.
        let huge = HealthBar(kind: .audio, fromMs: 0, toMs: t0, slices: [slices[400]])
        let hugeRects = wellFormed(huge.render()).all("rect", class: "cs-slice")
        #expect(hugeRects.count <= 3)
        #expect(hugeRects.contains { $0.attributes["data-colour"] == "poor" })
    }
}

@Suite("Dashboard charts: previews")
struct ChartPreviewTests {
    /// Writes a realistic chart and health bar as SVG and as HTML pages (light and dark) to the
    /// directory in `CALLSCOPE_CHART_PREVIEW_DIR`, for a look in a browser. Does nothing without it.
    @Test("render previews when asked")
    func previews() throws {
        guard let dir = ProcessInfo.processInfo.environment["CALLSCOPE_CHART_PREVIEW_DIR"] else { return }
        let from = t0, to = t0 + 32 * 60_000
        var noise = Noise(state: 42)
        var samples: [StreamSample] = []
        var t = from + 1000
        while t < to {
            let minute = Double(t - from) / 60_000
            var s = StreamSample(tsMs: t, side: .sender)
            s.jitterMs = 6 + noise.next() * 6
            s.rttMs = 60 + noise.next() * 20
            s.bitrateKbps = 1400 + noise.next() * 300
            s.lossPercent = noise.next() < 0.9 ? 0 : noise.next() * 1.5
            s.fps = 29 + noise.next()
            s.frameWidth = 1280
            s.frameHeight = 720
            samples.append(s)
            // The receiver's downlink gets worse from minute 16 to 21, and drops out for 40 s at minute 25.
            if !(minute > 25 && minute < 25.7) {
                var r = StreamSample(tsMs: t + 300, side: .receiver)
                let bad = minute > 16 && minute < 21
                r.jitterMs = (bad ? 30 + noise.next() * 25 : 9 + noise.next() * 8) + (noise.next() < 0.01 ? 25 : 0)
                r.rttMs = bad ? 280 + noise.next() * 200 : 70 + noise.next() * 30
                r.bitrateKbps = bad ? 500 + noise.next() * 300 : 1300 + noise.next() * 300
                r.lossPercent = bad ? 4 + noise.next() * 9 : noise.next() * 0.6
                r.fps = bad ? 6 + noise.next() * 10 : 28 + noise.next() * 2
                r.frameWidth = bad ? 640 : 1280
                r.frameHeight = bad ? 360 : 720
                samples.append(r)
            }
            t += 2000
        }
        var svgs: [String] = []
        for metric in ChartMetric.metrics(for: .video) {
            svgs.append(MetricChart(metric: metric, fromMs: from, toMs: to, samples: samples, senderName: "Alice",
                                    receiverName: "<b>Bob</b>", subject: "Alice → <b>Bob</b>, video").render())
        }
        var slices: [HealthSlice] = []
        var acc: [Int64: HealthAccumulator] = [:]
        for s in samples where s.side == .receiver {
            var s2 = s
            s2.packets = 100
            s2.packetsLost = Int64((s.lossPercent ?? 0).rounded())
            acc[(s.tsMs - from) / 10_000 * 10_000 + from, default: HealthAccumulator()].add(s2, judgeFps: true)
        }
        for (start, f) in acc { slices.append(HealthSlice(sessionId: "s", participantId: "p", kind: .video, startMs: start, figures: f)) }
        let bars = MediaKind.allCases.map {
            HealthBar(kind: $0, fromMs: from, toMs: to, slices: $0 == .video ? slices : $0 == .audio ? slices.map {
                var a = $0; a.kind = .audio; return a
            } : [], participantName: "Bob").render()
        }
        // Narrow viewBoxes, for phones.
        var narrow = MetricChart(metric: .packetLoss, fromMs: from, toMs: to, samples: samples, senderName: "Alice", receiverName: "Bob")
        narrow.width = 380
        var narrowBar = HealthBar(kind: .video, fromMs: from, toMs: to, slices: slices)
        narrowBar.width = 380
        try narrow.render().write(toFile: dir + "/chart-loss-380.svg", atomically: true, encoding: .utf8)
        try narrowBar.render().write(toFile: dir + "/health-video-380.svg", atomically: true, encoding: .utf8)
        try svgs[0].write(toFile: dir + "/chart-jitter.svg", atomically: true, encoding: .utf8)
        try bars[1].write(toFile: dir + "/health-video.svg", atomically: true, encoding: .utf8)
        for (name, bg, fg) in [("light", "#ffffff", "#1f2328"), ("dark", "#16181d", "#e6e6e6")] {
            let page = """
                <!doctype html><html><head><meta charset="utf-8"><title>preview</title></head>
                <body bgcolor="\(bg)" text="\(fg)"><div>\(svgs.joined(separator: "</div><div>"))</div>
                <div>\(bars.joined(separator: "</div><div>"))</div></body></html>
                """
            try page.write(toFile: dir + "/preview-\(name).html", atomically: true, encoding: .utf8)
        }
    }
}
