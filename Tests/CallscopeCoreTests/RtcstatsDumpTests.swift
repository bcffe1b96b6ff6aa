import Foundation
import Testing
@testable import CallscopeCore

@Suite("rtcstats dumps")
struct RtcstatsDumpTests {
    /// The rtcstats-server layout: absolute times, getstats deltas (the second leaves out what
    /// did not change and writes its stat's timestamp as 0), a 5-element line with a sequence
    /// number, a failed ICE connection and a refused camera.
    static let serverLayout = """
    ["connectionInfo",null,"{\\"userAgent\\":\\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/96.0.4664.93 Safari/537.36\\"}",1639380000000]
    ["create","PC_0",{"iceServers":[]},1639380000100]
    ["getstats","PC_0",{"OT1":{"type":"outbound-rtp","kind":"video","ssrc":7,"bytesSent":1000,"packetsSent":10,"timestamp":1639380001000},"timestamp":1639380001000},1639380001010]
    ["getstats","PC_0",{"OT1":{"bytesSent":251000,"packetsSent":260,"timestamp":0},"timestamp":1639380003000},1639380003010,4]
    ["oniceconnectionstatechange","PC_0","failed",1639380004000]
    ["navigator.mediaDevices.getUserMediaOnFailure",null,"NotAllowedError: Permission denied",1639380005000]
    """

    @Test("the rtcstats-server layout: entries, the user agent from a connectionInfo string, deltas from an empty report")
    func serverLayoutReads() throws {
        let dump = try RtcstatsDump(parsing: Array(Self.serverLayout.utf8))
        #expect(dump.fileFormat == 0 && dump.entries.count == 6 && !dump.hasLegacyStats)
        #expect(dump.userAgent?.contains("Chrome/96") == true)
        #expect(dump.entries[3].tsMs == 1639380003010, "the time is the fourth element, not the last")
        let messages = dump.messages(meetingId: "m", participantId: "alice")
        #expect(messages.map(\.typeName) == ["join", "stats", "stats", "event", "error", "error", "leave"])
        let codes = messages.compactMap { m -> String? in if case .error(let f) = m.payload { f.code } else { nil } }
        #expect(codes == ["ice-failed", "getusermedia-notallowederror"])
        let call = OfflineCall(messages: messages)
        let sent = try #require(call.series.first { $0.side == .sender })
        #expect(sent.key.receiverId == "Peer PC_0", "no stream came in: a connection to one peer")
        // 250,000 bytes in 2 s: 1,000 kbit/s, derived from the second (delta) report.
        #expect(sent.samples.last?.bitrateKbps == 1000 && call.refusedCount == 0)
    }

    @Test("rtcstats v3: the header and metadata, times as deltas from the line before, compressed method ids, extras")
    func version3Reads() throws {
        let text = """
        RTCStatsDump
        {"fileFormat":3,"userAgent":"Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0.0.0 Safari/537.36"}
        [39,"1",{"iceServers":[]},1757000000000]
        ["navigator.mediaDevices.getUserMedia","1-0",{"video":true},"60-0",12.5]
        ["g","1",{"OT1":{"id":"OT1","type":"outbound-rtp","kind":"audio","ssrc":1,"bytesSent":100,"packetsSent":1,"timestamp":1757000001000}},987.5]
        [999,"1",{},1]

        """
        let dump = try RtcstatsDump(parsing: Array(text.utf8))
        #expect(dump.fileFormat == 3 && dump.userAgent?.contains("Chrome/140") == true)
        #expect(dump.entries.map(\.method) == ["create", "navigator.mediaDevices.getUserMedia", "getStats"])
        #expect(dump.entries.map(\.tsMs) == [1757000000000, 1757000000012.5, 1757000001000])
        #expect(dump.unknownMethods == 1)
        guard case .stats(let stats)? = dump.messages(meetingId: "m", participantId: "a").dropFirst().first?.payload,
              case .full = stats.body else {
            Issue.record("a v3 getStats is a full report")
            return
        }
    }

    @Test("compressed rtcstats v3: numbered methods, stat ids, property names and types; deltas with a top-level t; removed stats")
    func version3Compressed() throws {
        let text = """
        RTCStatsDump
        {"fileFormat":3,"userAgent":"Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0.0.0 Safari/537.36"}
        [39,"1",{"iceServers":[]},1757000000000]
        ["g","1",{"0":{"type":2,"11":"video","10":7,"79":10,"80":1000},"1":{"type":12,"11":"video"},"t":1757000001000},1000]
        [24,"1","checking",500]
        ["g","1",{"0":{"79":260,"80":251000},"1":null,"t":1757000003000},1500]
        [25,"1","failed",10]

        """
        let dump = try RtcstatsDump(parsing: Array(text.utf8))
        #expect(dump.entries.map(\.method) == ["create", "getStats", "oniceconnectionstatechange", "getStats", "onconnectionstatechange"])
        #expect(dump.unknownMethods == 0)
        let messages = dump.messages(meetingId: "m", participantId: "alice")
        guard case .stats(let first)? = messages.first(where: { $0.typeName == "stats" })?.payload, case .delta(let delta) = first.body
        else {
            Issue.record("a compressed getStats is a delta")
            return
        }
        #expect(delta["0"]?["type"]?.string == "outbound-rtp" && delta["0"]?["bytesSent"]?.double == 1000)
        #expect(delta["0"]?["kind"]?.string == "video" && delta["1"]?["type"]?.string == "media-source")
        #expect(first.timestampMs == 1_757_000_001_000)
        let call = OfflineCall(messages: messages)
        let sent = try #require(call.series.first { $0.side == .sender })
        // 250,000 bytes in the 2 s between the two reports: 1,000 kbit/s.
        #expect(sent.key.receiverId == "Peer 1" && sent.samples.last?.bitrateKbps == 1000 && call.refusedCount == 0, "\(call.refused)")
        #expect(call.events.contains { $0.name == "ice-state" && $0.dataJSON.contains("checking") })
        #expect(call.events.contains { $0.name == "connection-state" && $0.dataJSON.contains("failed") })
    }

    @Test("what is not an rtcstats dump, or a broken one, is refused with the line")
    func refusals() {
        func message(_ text: String) -> String? {
            do {
                _ = try RtcstatsDump(parsing: Array(text.utf8))
                return nil
            } catch {
                return (error as ImportError).message
            }
        }
        #expect(message("") == "the file is empty")
        #expect(message("RTCStatsDump\n") == "line 2: expected the rtcstats v3 metadata object, the file ends")
        #expect(message("RTCStatsDump\n[1]") == "line 2: expected the rtcstats v3 metadata object")
        #expect(message("[\"create\",null,{},1]\n\n[\"x\",null]") == "line 3: expected [method, peer connection, value, time]")
        #expect(message("[\"create\",null,{},1]\n[\"x\",null,{},1") == "line 2, column 15: not JSON: unexpected end of input, expected ',' or ']'")
        #expect(message("[\"create\",null,{},\"soon\"]") == "line 1: the fourth element must be a time in ms since the epoch")
        #expect(RtcstatsDump.matches(Array("RTCStatsDump\n{}".utf8)) && RtcstatsDump.matches(Array(#"["create",null,{},1]"#.utf8)))
        #expect(!RtcstatsDump.matches(Array(#"{"PeerConnections":{}}"#.utf8)) && !RtcstatsDump.matches(Array("[1,2,3,4]".utf8)))
    }

    @Test("hostile numbers in a dump (times of 1e300, -1e300, 2^63; counters of 1e300) read without a trap, times held in range")
    func hostileNumbers() throws {
        #expect(IngestMessage.recordedMs(1e300) == EpochTime.maxMs && IngestMessage.recordedMs(-1e300) == 0)
        #expect(IngestMessage.recordedMs(.nan) == 0 && IngestMessage.recordedMs(9_223_372_036_854_775_807) == EpochTime.maxMs)
        let text = """
        ["create","PC_0",{},1e300]
        ["getstats","PC_0",{"OT":{"type":"outbound-rtp","kind":"audio","bytesSent":1e300,"packetsSent":-5,"timestamp":-1e300},"timestamp":1e300},9.3e18]
        ["getstats","PC_0",{"OT":{"bytesSent":-1e300,"timestamp":0},"timestamp":1e-300},2]
        ["onicecandidateerror","PC_0",{"errorCode":1e300,"url":"turn:x"},3]
        """
        let messages = try RtcstatsDump(parsing: Array(text.utf8)).messages(meetingId: "m", participantId: "a")
        #expect(messages.allSatisfy { EpochTime.range.contains($0.tsMs) } && messages.count == 5)
        _ = OfflineCall(messages: messages).diagnosis()
    }

    /// jitsi's chrome-relay dump: a meet.jit.si call whose only connection goes through a TURN
    /// relay over TLS, with loss and many freezes.
    @Test(.enabled(if: CorpusFile.exists, "shared corpus not found beside the package (../shared/corpus); skipped"))
    func relayedJitsiCall() throws {
        let path = CorpusFile.path.replacingOccurrences(of: "Guilospanck_webrtc-stats-analyzer__rtcstats_dump.txt",
                                                        with: "jitsi_rtcstats-server__chrome-relay")
        let dump = try RtcstatsDump(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        let call = OfflineCall(messages: dump.messages(meetingId: "m", participantId: "me"))
        #expect(call.refusedCount == 0, "\(call.refused)")
        #expect(call.graph.relayedParticipants == ["me"])
        let path0 = try #require(call.events.first { $0.name == "connection-path" })
        #expect(path0.dataJSON.contains(#""local":"relay""#) && path0.dataJSON.contains(#""relayProtocol":"tls""#))
        #expect(call.series.filter { $0.side == .receiver }.count >= 3, "an SFU connection: several received streams")
        let frozen = call.series.filter { s in s.side == .receiver && s.samples.contains { ($0.freezeCount ?? 0) > 0 } }
        #expect(!frozen.isEmpty, "the dump's freezes are in the received video")
    }
}

extension RtcstatsDumpTests {
    /// Chrome's legacy stats as rtcstats-server recorded them: strings for numbers, deltas, a
    /// stat's `timestamp` 0 for the report's.
    static let legacyLayout = """
    ["getstats","PC_0",{"ssrc_11_send":{"timestamp":0,"type":"ssrc","mediaType":"audio","ssrc":"11","packetsSent":"0","bytesSent":"0","packetsLost":"0","googRtt":"0","googJitterReceived":"0"},"ssrc_22_recv":{"timestamp":0,"type":"ssrc","mediaType":"video","ssrc":"22","packetsReceived":"0","packetsLost":"0","bytesReceived":"0","googJitterReceived":"0","googFrameRateOutput":"0","googFrameWidthReceived":"1280","googFrameHeightReceived":"720","framesDecoded":"0"},"Conn-audio-1-0":{"timestamp":0,"type":"googCandidatePair","googActiveConnection":"true","googRtt":"80","googLocalAddress":"192.168.1.5:5000","googLocalCandidateType":"local","googRemoteAddress":"203.0.113.9:6000","googRemoteCandidateType":"stun","googTransportType":"udp","bytesSent":"0","bytesReceived":"0"},"bweforvideo":{"timestamp":0,"type":"VideoBwe","googAvailableSendBandwidth":"2000000"},"timestamp":1605197000000},1605197000000]
    ["getstats","PC_0",{"ssrc_11_send":{"timestamp":0,"packetsSent":"100","bytesSent":"10000","packetsLost":"12","googRtt":"80","googJitterReceived":"15"},"ssrc_22_recv":{"timestamp":0,"packetsReceived":"400","packetsLost":"4","bytesReceived":"250000","googJitterReceived":"9","googFrameRateOutput":"25","framesDecoded":"25"},"timestamp":1605197001000},1605197001000]
    """

    @Test("legacy goog stats: ssrc_…_send, ssrc_…_recv and the active Conn-… pair become standard stats, figures checked by hand")
    func legacyStats() throws {
        let dump = try RtcstatsDump(parsing: Array(Self.legacyLayout.utf8))
        #expect(dump.hasLegacyStats)
        let call = OfflineCall(messages: dump.messages(meetingId: "m", participantId: "alice"))
        #expect(call.refusedCount == 0, "\(call.refused)")
        let sent = try #require(call.series.first { $0.side == .sender }?.samples.last)
        // 10,000 bytes in 1 s: 80 kbit/s; 12 of 100 reported lost; RTT and jitter in ms as written.
        #expect(sent.bitrateKbps == 80 && sent.lossPercent == 12 && sent.rttMs == 80 && sent.jitterMs == 15, "\(sent)")
        let received = try #require(call.series.first { $0.side == .receiver && $0.key.kind == .video }?.samples.last)
        // 250,000 bytes in 1 s: 2,000 kbit/s; 4 lost of 404 expected; 25 fps at 1280×720.
        #expect(received.bitrateKbps == 2000 && received.fps == 25 && received.frameWidth == 1280 && received.jitterMs == 9, "\(received)")
        #expect(abs((received.lossPercent ?? 0) - 4.0 / 404 * 100) < 1e-9, "\(received)")
        let path = try #require(call.events.first { $0.name == "connection-path" })
        #expect(path.dataJSON.contains("\"local\":\"host\"") && path.dataJSON.contains("\"remote\":\"srflx\""), "\(path.dataJSON)")
    }
}
