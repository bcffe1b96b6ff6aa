import Testing
@testable import CallscopeCore

@Suite("rtcstats WebSocket frames")
struct RtcstatsStreamTests {
    static let t0 = 1_700_000_000_000.0

    static func frame(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

    @Test("the npm client's lines: a join named by the identity, the first getstats whole, deltas after it, states, a leave")
    func npmClientLines() throws {
        var stream = RtcstatsStream(meetingId: nil, participantId: nil, userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/96.0 Safari/537.36")
        #expect(stream.messages(for: try Self.frame(#"["identity",null,{"meetingUniqueId":"m-1","endpointId":"ep7","displayName":"Ana"},\#(Self.t0)]"#), nowMs: 0).isEmpty)
        let first = stream.messages(for: try Self.frame(#"["getstats","PC_0",{"OT1":{"type":"outbound-rtp","kind":"audio","ssrc":1,"bytesSent":0,"packetsSent":0,"timestamp":0},"timestamp":\#(Self.t0 + 1000)},\#(Self.t0 + 1000)]"#), nowMs: 0)
        #expect(first.map(\.typeName) == ["join", "stats"])
        #expect(first.allSatisfy { $0.meetingId == "m-1" && $0.participantId == "ep7" } && first.map(\.seq) == [1, 2])
        guard case .join(let join) = first[0].payload, case .stats(let stats) = first[1].payload, case .full(let report) = stats.body else {
            Issue.record("a join, then the first report whole")
            return
        }
        #expect(join.name == "Ana" && join.client.browser?.hasPrefix("Chrome") == true)
        #expect(report["OT1"]?["id"]?.string == "OT1" && report["OT1"]?["timestamp"]?.double == Self.t0 + 1000, "rtcstats' 0 is the report's time")
        let next = stream.messages(for: try Self.frame(#"["getstats","PC_0",{"OT1":{"bytesSent":12500,"timestamp":0},"timestamp":\#(Self.t0 + 2000)},\#(Self.t0 + 2000)]"#), nowMs: 0)
        guard case .stats(let later)? = next.first?.payload, case .delta = later.body else {
            Issue.record("later reports are deltas")
            return
        }
        #expect(later.timestampMs == Self.t0 + 2000)
        let failed = stream.messages(for: try Self.frame(#"["oniceconnectionstatechange","PC_0","failed",\#(Self.t0 + 3000)]"#), nowMs: 0)
        #expect(failed.map(\.typeName) == ["event", "error"])
        #expect(stream.leave(nowMs: Int64(Self.t0) + 4000, reason: "left").map(\.typeName) == ["leave"])
        #expect(stream.leave(nowMs: Int64(Self.t0) + 5000, reason: "left").isEmpty, "once")
        // Every message reads back through the ingest protocol's own decoder.
        for m in first + next + failed {
            let decoded = try IngestMessage.decode(try #require(m.protocolJSON))
            #expect(decoded.seq == m.seq && decoded.typeName == m.typeName)
        }
    }

    @Test("the Jitsi client's objects: identity, stats-entry lines as JSON text, keepalive, close; the URL's IDs win")
    func jitsiClientObjects() throws {
        var stream = RtcstatsStream(meetingId: "from-url", participantId: nil, userAgent: nil)
        _ = stream.messages(for: try Self.frame(#"{"statsSessionId":"s1","type":"identity","data":["identity",null,{"confID":"host/room","endpointId":"e1"},\#(Self.t0)]}"#), nowMs: 0)
        #expect(stream.messages(for: try Self.frame(#"{"statsSessionId":"s1","type":"keepalive"}"#), nowMs: 0).isEmpty)
        let entry = #"["navigator.mediaDevices.getUserMedia",null,{"audio":true,"video":false},\#(Self.t0 + 10)]"#
        let made = stream.messages(for: try Self.frame(#"{"statsSessionId":"s1","type":"stats-entry","data":\#(JSONValue.string(entry).serialized())}"#), nowMs: 0)
        #expect(made.map(\.typeName) == ["join", "event"] && made.allSatisfy { $0.meetingId == "from-url" && $0.participantId == "e1" })
        #expect(stream.messages(for: try Self.frame(#"{"statsSessionId":"s1","type":"close"}"#), nowMs: Int64(Self.t0) + 20).map(\.typeName) == ["leave"])
        #expect(stream.closed)
    }
}
