import Foundation
import Testing
@testable import CallscopeCore

@Suite("webrtc-internals dumps")
struct WebRTCInternalsDumpTests {
    /// Three getStats() calls at 1 s: the peer-connection stat every time; outbound video every
    /// time, its `qualityLimitationReason` only in the last two; a remote-inbound stat only in
    /// the last two with its own (RTCP) timestamps; a derived series, which is not a stat field.
    static let small = #"""
    {"getUserMedia": [], "UserAgent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/144.0.0.0 Safari/537.36",
     "PeerConnections": {"92-1": {"url": "https://app.example/call", "updateLog": [
        {"type": "onconnectionstatechange", "value": "\"connected\"", "timestamp": 1770110091000.5},
        {"type": "no timestamp here", "value": "x"}],
      "stats": {
       "P-timestamp": {"startTime": "2026-02-03T09:14:50.620Z", "endTime": "2026-02-03T09:14:52.620Z",
                       "statsType": "peer-connection", "values": "[1770110090620.3,1770110091620.1,1770110092620.0]"},
       "P-dataChannelsOpened": {"startTime": "2026-02-03T09:14:50.620Z", "endTime": "2026-02-03T09:14:52.620Z",
                                "statsType": "peer-connection", "values": "[0,1,1]"},
       "OT01V-timestamp": {"startTime": "2026-02-03T09:14:50.620Z", "endTime": "2026-02-03T09:14:52.620Z",
                           "statsType": "outbound-rtp", "values": "[1770110090620.3,1770110091620.1,1770110092620.0]"},
       "OT01V-bytesSent": {"startTime": "2026-02-03T09:14:50.620Z", "endTime": "2026-02-03T09:14:52.620Z",
                           "statsType": "outbound-rtp", "values": "[1000,126000,251000]"},
       "OT01V-kind": {"startTime": "2026-02-03T09:14:50.620Z", "endTime": "2026-02-03T09:14:52.620Z",
                      "statsType": "outbound-rtp", "values": "[\"video\",\"video\",\"video\"]"},
       "OT01V-qualityLimitationReason": {"startTime": "2026-02-03T09:14:51.620Z", "endTime": "2026-02-03T09:14:52.620Z",
                                         "statsType": "outbound-rtp", "values": "[\"none\",\"bandwidth\"]"},
       "OT01V-[bytesSent_in_bits/s]": {"startTime": "2026-02-03T09:14:50.620Z", "endTime": "2026-02-03T09:14:52.620Z",
                                       "statsType": "outbound-rtp", "values": "[0,1000000,1000000]"},
       "RI-a-b-timestamp": {"startTime": "2026-02-03T09:14:51.620Z", "endTime": "2026-02-03T09:14:52.620Z",
                            "statsType": "remote-inbound-rtp", "values": "[1770110091400.0,1770110092400.0]"},
       "RI-a-b-packetsLost": {"startTime": "2026-02-03T09:14:51.620Z", "endTime": "2026-02-03T09:14:52.620Z",
                              "statsType": "remote-inbound-rtp", "values": "[0,3]"}
      }}}}
    """#

    @Test("series are aligned from their ends onto the getStats calls; ids keep their dashes; derived series are left out")
    func alignment() throws {
        let dump = try WebRTCInternalsDump(parsing: JSONValue.parse(Self.small))
        #expect(dump.userAgent?.contains("Chrome/144") == true)
        let pc = try #require(dump.peerConnections.first)
        #expect(pc.id == "92-1" && pc.url == "https://app.example/call")
        #expect(pc.reports.map(\.tsMs) == [1770110090620.3, 1770110091620.1, 1770110092620.0])
        func stat(_ report: Int, _ id: String) -> JSONValue? {
            pc.reports[report].stats.array?.first { $0["id"]?.string == id }
        }
        #expect(stat(0, "RI-a-b") == nil && stat(1, "RI-a-b")?["packetsLost"] == .number(0))
        #expect(stat(2, "RI-a-b")?["timestamp"] == .number(1770110092400), "a stat keeps its own timestamp")
        #expect(stat(2, "RI-a-b")?["type"] == .string("remote-inbound-rtp"))
        #expect(stat(0, "OT01V")?["qualityLimitationReason"] == nil)
        #expect(stat(1, "OT01V")?["qualityLimitationReason"] == .string("none"))
        #expect(stat(2, "OT01V")?["qualityLimitationReason"] == .string("bandwidth"))
        #expect(stat(2, "OT01V")?["bytesSent"] == .number(251000) && stat(2, "OT01V")?["[bytesSent_in_bits/s]"] == nil)
        #expect(pc.log.map(\.type) == ["onconnectionstatechange", "no timestamp here"] && pc.log[1].tsMs == nil)
    }

    @Test("the dump becomes one participant's ingest messages: join, stats, the log's states and failures, leave")
    func messages() throws {
        let dump = try WebRTCInternalsDump(parsing: JSONValue.parse(Self.small))
        let messages = dump.messages(meetingId: "m", participantId: "alice", name: "Alice")
        #expect(messages.map(\.typeName) == ["join", "stats", "event", "stats", "stats", "leave"])
        #expect(messages.map(\.seq) == [1, 2, 3, 4, 5, 6] && messages.allSatisfy { $0.meetingId == "m" && $0.participantId == "alice" })
        #expect(messages.first?.tsMs == 1770110090620 && messages.last?.tsMs == 1770110092620)
        guard case .join(let join) = messages[0].payload, case .event(let name, let data) = messages[2].payload else {
            Issue.record("\(messages)")
            return
        }
        #expect(join.name == "Alice" && join.client.userAgent?.contains("Chrome/144") == true)
        #expect(name == "connection-state" && data == .object(["pc": .string("92-1"), "state": .string("connected")]))
    }

    @Test("log entries of both eras: states quoted or bare, TURN errors as JSON or as lines, failed calls")
    func logEntries() {
        let failed = PeerConnectionLog.payloads(type: "iceConnectionStateChange", value: "failed", pc: "1-1")
        #expect(failed.count == 2)
        if case .error(let f)? = failed.last { #expect(f.code == "ice-failed") } else { Issue.record("\(failed)") }
        #expect(PeerConnectionLog.payloads(type: "legacyIceConnectionStateChange", value: "failed", pc: "1-1").isEmpty)
        let old = PeerConnectionLog.payloads(type: "icecandidateerror",
                                          value: "url: turn:18.132.95.233:3478\naddress: 10.0.0.2\nerrorCode: 701\nerrorText: unreachable", pc: "1-1")
        let new = PeerConnectionLog.payloads(type: "icecandidateerror",
                                          value: #"{"url":"turn:18.132.95.233:3478","errorCode":701,"errorText":"unreachable"}"#, pc: "1-1")
        for payload in [old, new] {
            guard case .error(let f)? = payload.first else { Issue.record("\(payload)"); continue }
            #expect(f.code == "turn-error" && f.message == "701 unreachable")
            #expect(f.data["url"] == .string("turn:18.132.95.233:3478") && f.data["errorCode"] == .number(701))
        }
        let sdp = PeerConnectionLog.payloads(type: "setRemoteDescriptionOnFailure", value: "OperationError: bad m-line", pc: "1-1")
        guard case .error(let f)? = sdp.first else { Issue.record("\(sdp)"); return }
        #expect(f.code == "set-remote-description-failed" && f.message == "OperationError: bad m-line")
    }

    @Test("what is not a dump, or a broken one, is refused with where and why")
    func refusals() {
        func error(_ text: String) -> String? {
            do {
                _ = try WebRTCInternalsDump(parsing: JSONValue.parse(text))
                return nil
            } catch let e as ImportError {
                return e.message
            } catch {
                return "\(error)"
            }
        }
        #expect(error("[1,2]") == "a webrtc-internals dump is a JSON object")
        #expect(error(#"{"peerConnections": {}}"#) == #"no "PeerConnections": not a webrtc-internals dump"#)
        #expect(error(#"{"PeerConnections": {"1-1": 3}}"#) == "PeerConnections.1-1 is not an object")
        #expect(error(#"{"PeerConnections": {"1-1": {"stats": {"X-a": {"values": "[1,"}}}}}"#)?
            .hasPrefix("PeerConnections.1-1.stats.X-a.values is not JSON: ") == true)
        #expect(error(#"{"PeerConnections": {"1-1": {"stats": {"X-a": {"startTime": "x"}}}}}"#)
            == "PeerConnections.1-1.stats.X-a has no values")
        #expect(error(#"{"getUserMedia": [], "PeerConnections": {}}"#) == nil, "an empty dump parses, with nothing in it")
    }

    @Test("ISO 8601 times in UTC, with or without a fraction")
    func iso8601() {
        #expect(EpochTime.parseISO8601("2026-02-03T09:14:50.620Z") == 1_770_110_090_620)
        #expect(EpochTime.parseISO8601("1970-01-01T00:00:00Z") == 0)
        #expect(EpochTime.parseISO8601("2000-02-29T12:00:00.5Z") == 951_825_600_500)
        for bad in ["2026-13-01T00:00:00Z", "2026-02-03", "2026-02-03T09:14:50.620+01:00", "1969-12-31T23:59:59Z", "x"] {
            #expect(EpochTime.parseISO8601(bad) == nil, "\(bad)")
        }
    }

    /// The corpus holds one real session in both formats (files #1 and #2): what the dump's
    /// reports derive must be what the rtcstats reports derive.
    @Test(.enabled(if: CorpusFile.exists, "shared corpus not found beside the package (../shared/corpus); skipped"))
    func sameSessionAsRtcstats() throws {
        let path = CorpusFile.path.replacingOccurrences(of: "rtcstats_dump.txt", with: "webrtc_internals_dump.txt")
        let dump = try WebRTCInternalsDump(parsing: JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path)))))
        #expect(dump.peerConnections.map(\.id) == ["92-1", "94-1"])
        let pc = try #require(dump.peerConnections.last)
        #expect(pc.reports.count >= 50 && pc.log.count > 10)
        func bitrates(_ reports: [JSONValue]) throws -> [String: Double] {
            var stats = PeerConnectionStats()
            var byTime: [String: Double] = [:]
            for report in reports {
                for d in try stats.ingest(report: report, context: StreamContext(participantId: "tab")) {
                    guard let kbps = d.sample.bitrateKbps else { continue }
                    byTime["\(d.key.kind) \(d.sample.side) \(d.sample.tsMs / 1000)"] = kbps
                }
            }
            return byTime
        }
        let fromDump = try bitrates(pc.reports.map(\.stats)), fromRtcstats = try bitrates(try CorpusFile.reports(pc: "94-1"))
        let common = Set(fromDump.keys).intersection(fromRtcstats.keys)
        #expect(common.count > 150, "\(fromDump.count) \(fromRtcstats.count)")
        for key in common {
            #expect(abs(fromDump[key]! - fromRtcstats[key]!) < 0.5, "\(key): \(fromDump[key]!) vs \(fromRtcstats[key]!)")
        }
    }
}

extension WebRTCInternalsDumpTests {
    @Test("a dump of older Chrome's legacy goog stats (ssrc_…_send series of strings) reads as standard stats")
    func legacySeries() throws {
        func series(_ prop: String, _ values: String) -> String {
            #""ssrc_7_send-\#(prop)": {"startTime": "2019-05-01T10:00:00.000Z", "endTime": "2019-05-01T10:00:02.000Z", "statsType": "ssrc", "values": "\#(values)"}"#
        }
        let text = #"{"getUserMedia": [], "UserAgent": "Mozilla/5.0 (Windows NT 10.0) Chrome/74.0.3729.169 Safari/537.36", "PeerConnections": {"5-1": {"stats": {"#
            + [series("timestamp", "[1556704800000,1556704801000,1556704802000]"),
               series("mediaType", #"[\"video\",\"video\",\"video\"]"#), series("ssrc", #"[\"7\",\"7\",\"7\"]"#),
               series("bytesSent", #"[\"0\",\"125000\",\"250000\"]"#), series("packetsSent", #"[\"0\",\"100\",\"200\"]"#),
               series("packetsLost", #"[\"0\",\"5\",\"10\"]"#), series("googRtt", #"[\"0\",\"120\",\"120\"]"#),
               series("googFrameRateSent", #"[\"30\",\"30\",\"24\"]"#),
               series("googBandwidthLimitedResolution", #"[\"false\",\"false\",\"true\"]"#)].joined(separator: ",")
            + "}}}}"
        let dump = try WebRTCInternalsDump(parsing: JSONValue.parse(text))
        let call = OfflineCall(messages: dump.messages(meetingId: "m", participantId: "alice"))
        let sent = try #require(call.series.first { $0.side == .sender })
        // 125,000 bytes a second: 1,000 kbit/s; 5 of 100 packets lost; RTT 120 ms; bandwidth-limited at the end.
        let last = try #require(sent.samples.last)
        #expect(sent.key.kind == .video && last.bitrateKbps == 1000 && last.lossPercent == 5 && last.rttMs == 120, "\(sent.samples)")
        #expect(last.fps == 24 && last.qualityLimitation == .bandwidth, "\(last)")
    }
}
