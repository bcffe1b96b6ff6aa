import CallscopeCore
import CallscopeServer

/// What `callscope report` prints: the dump's peer connections, each stream side with the median
/// and 95th percentile of its figures, the diagnosis's verdict, and the events and errors in
/// time order; as text for people or as JSON.
struct ReportDocument {
    struct Figure {
        var name: String
        var unit: String
        var median: Double
        var p95: Double
    }

    struct StreamRow {
        var senderId: String
        var receiverId: String?
        var kind: MediaKind
        var side: StreamSide
        var samples: Int
        var figures: [Figure]
    }

    let file: String
    let dump: LoadedDump
    let call: OfflineCall
    let participant: String
    let streams: [StreamRow]
    let diagnosis: Diagnosis

    init(file: String, dump: LoadedDump, call: OfflineCall, participant: String) {
        self.file = file
        self.dump = dump
        self.call = call
        self.participant = participant
        streams = call.series.map(Self.row)
        diagnosis = call.diagnosis()
    }

    /// The figures a stream side carries, in the order they are printed.
    static let measures: [(name: String, unit: String, value: @Sendable (StreamSample) -> Double?)] = [
        ("bitrate", "kbit/s", { $0.bitrateKbps }), ("loss", "%", { $0.lossPercent }), ("jitter", "ms", { $0.jitterMs }),
        ("rtt", "ms", { $0.rttMs }), ("fps", "fps", { $0.fps }), ("jitterBufferDelay", "ms", { $0.jitterBufferDelayMs }),
    ]

    static func row(_ series: StreamSeries) -> StreamRow {
        let figures = measures.compactMap { m -> Figure? in
            let values = series.samples.compactMap(m.value).filter(\.isFinite).sorted()
            guard !values.isEmpty else { return nil }
            return Figure(name: m.name, unit: m.unit, median: values[(values.count - 1) / 2],
                          p95: values[min(values.count - 1, Int((Double(values.count) * 0.95).rounded(.up)) - 1)])
        }
        return StreamRow(senderId: series.key.senderId, receiverId: series.key.receiverId, kind: series.key.kind,
                         side: series.side, samples: series.samples.count, figures: figures)
    }

    /// "remote sender 2" for a sender this browser only knows as an unnamed remote end, as the
    /// verdict calls it (`DisplayName`).
    static func who(_ id: String?) -> String {
        guard let id else { return "the server" }
        return DisplayName.of(id, in: [:])
    }

    /// "09:14:52.820 UTC".
    static func clock(_ ms: Int64) -> String {
        let ofDay = ((ms % 86_400_000) + 86_400_000) % 86_400_000
        func pad(_ n: Int64, _ width: Int) -> String { String(repeating: "0", count: max(0, width - String(n).count)) + String(n) }
        return "\(pad(ofDay / 3_600_000, 2)):\(pad(ofDay / 60_000 % 60, 2)):\(pad(ofDay / 1000 % 60, 2)).\(pad(ofDay % 1000, 3)) UTC"
    }

    static func number(_ v: Double) -> String {
        guard v.isFinite, abs(v) < 1e15 else { return String(v) }   // Int64(1e300) would trap
        return v.rounded() == v || abs(v) >= 100 ? String(Int64(v.rounded())) : String((v * 10).rounded() / 10)
    }

    /// The events and errors, oldest first, as (time, what).
    var timeline: [(tsMs: Int64, line: String)] {
        let events = call.events.map { ($0.tsMs, "\($0.name) \($0.dataJSON)") }
        let errors = call.errors.map { ($0.tsMs, "error \($0.code) (\($0.severity.rawValue)): \($0.message)") }
        return (events + errors).sorted { $0.0 < $1.0 }
    }

    func text() -> String {
        var out = "\(file): a \(dump.format) dump\n"
        if let ua = dump.userAgent {
            let client = UserAgentDescription(userAgent: ua)
            out += "Browser: \([client.browser, client.os].compactMap { $0 }.joined(separator: " on "))\n"
        }
        if let notice = dump.notice { out += notice + "\n" }
        out += "One participant's view (\(participant)): the far end of each peer connection is seen only through what "
            + "this browser received and what the far end reported back in RTCP.\n\n"
        out += "Peer connections\n"
        for pc in dump.peerConnections {
            let span = (pc.lastMs ?? 0) - (pc.firstMs ?? 0)
            out += "  \(pc.id)  \(pc.reports) reports over \(Self.number((span / 1000).rounded(.down))) s\(pc.url.map { "  \($0)" } ?? "")\n"
        }
        out += "\nStreams (median / 95th percentile)\n"
        for s in streams {
            let figures = s.figures.map { "\($0.name) \(Self.number($0.median))/\(Self.number($0.p95)) \($0.unit)" }
            out += "  \(Self.who(s.senderId)) → \(Self.who(s.receiverId)) \(s.kind.rawValue), \(s.side == .sender ? "as sent" : "as received")"
                + " (\(s.samples) samples): \(figures.joined(separator: ", "))\n"
        }
        if streams.isEmpty { out += "  none: the dump holds no media statistics\n" }
        out += "\nVerdict\n" + diagnosis.verdict.map { "  \($0)\n" }.joined()
        if call.refusedCount > 0 {
            out += "\n\(call.refusedCount) reports could not be read: \(call.refused.joined(separator: "; "))\n"
        }
        out += "\nEvents and errors\n"
        out += timeline.map { "  \(Self.clock($0.tsMs))  \($0.line)\n" }.joined()
        if timeline.isEmpty { out += "  none\n" }
        return out
    }

    func json() -> String {
        let streams: [JSONValue] = self.streams.map { s in
            var figures: [String: JSONValue] = [:]
            for f in s.figures { figures[f.name] = .object(["unit": .string(f.unit), "median": .number(f.median), "p95": .number(f.p95)]) }
            return .object(["senderId": .string(s.senderId), "receiverId": s.receiverId.map(JSONValue.string) ?? .null,
                            "kind": .string(s.kind.rawValue), "side": .string(s.side.rawValue),
                            "samples": .number(Double(s.samples)), "figures": .object(figures)])
        }
        let problems: [JSONValue] = diagnosis.problems.map { p in
            .object(["cause": .string(p.cause { $0 }), "direction": .string(p.direction.rawValue), "metric": .string(p.metric.rawValue),
                     "startMs": .number(Double(p.startMs)), "endMs": .number(Double(p.endMs)), "severity": .string(p.severity.rawValue)])
        }
        let document: JSONValue = .object([
            "file": .string(file), "format": .string(dump.format), "notice": dump.notice.map(JSONValue.string) ?? .null, "userAgent": dump.userAgent.map(JSONValue.string) ?? .null,
            "peerConnections": .array(dump.peerConnections.map { pc in
                .object(["id": .string(pc.id), "reports": .number(Double(pc.reports)),
                         "firstMs": pc.firstMs.map(JSONValue.number) ?? .null, "lastMs": pc.lastMs.map(JSONValue.number) ?? .null])
            }),
            "streams": .array(streams),
            "verdict": .array(diagnosis.verdict.map(JSONValue.string)),
            "problems": .array(problems),
            "timeline": .array(timeline.map { .object(["tsMs": .number(Double($0.tsMs)), "what": .string($0.line)]) }),
        ])
        return document.serialized()
    }
}
