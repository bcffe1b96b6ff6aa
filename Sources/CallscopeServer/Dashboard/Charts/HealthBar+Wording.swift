import CallscopeCore

/// What a health bar says in words: its explanation, each piece's hover text, its shares of
/// time per colour and its one-line summary (the bar's `aria-label`).
extension HealthBar {
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

    static func share(_ fraction: Double) -> String {
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
}
