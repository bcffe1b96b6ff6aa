import Testing
@testable import CallscopeCore

/// Two consecutive Chrome reports of bob's SFU connection, 2000 ms apart, with Chrome's field
/// names: inbound audio + video, outbound video in 3 simulcast layers (q/h/f) with their
/// remote-inbound-rtp stats, outbound audio, remote-outbound-rtp, transport and candidate pair.
enum ChromeFixture {
    static let t0 = 1_700_000_000_000.0
    static let bob = StreamContext(participantId: "bob")

    /// Report A at t0. Counters are chosen so that report B minus report A is easy to check.
    static let reportA = #"""
    [
      {"id": "T01", "type": "transport", "timestamp": 1700000000000, "selectedCandidatePairId": "CPabc_def",
       "dtlsState": "connected", "bytesSent": 1000000, "bytesReceived": 2000000},
      {"id": "CPabc_def", "type": "candidate-pair", "timestamp": 1700000000000, "transportId": "T01",
       "state": "succeeded", "nominated": true, "currentRoundTripTime": 0.05, "totalRoundTripTime": 1.5,
       "responsesReceived": 30, "availableOutgoingBitrate": 2500000},
      {"id": "COT01_111", "type": "codec", "timestamp": 1700000000000, "mimeType": "audio/opus", "payloadType": 111,
       "clockRate": 48000, "channels": 2, "transportId": "T01"},
      {"id": "IT01A111", "type": "inbound-rtp", "timestamp": 1700000000000, "kind": "audio", "mid": "0",
       "ssrc": 111, "trackIdentifier": "track-audio-in", "transportId": "T01", "codecId": "CIT01_111",
       "bytesReceived": 100000, "packetsReceived": 5000, "packetsLost": 10, "jitter": 0.012,
       "concealedSamples": 1000, "totalSamplesReceived": 960000, "jitterBufferDelay": 38400,
       "jitterBufferEmittedCount": 960000, "remoteId": "ROA111"},
      {"id": "IT01V222", "type": "inbound-rtp", "timestamp": 1700000000000, "kind": "video", "mid": "1",
       "ssrc": 222, "trackIdentifier": "track-video-in", "transportId": "T01",
       "bytesReceived": 5000000, "packetsReceived": 6000, "packetsLost": 7, "jitter": 0.018,
       "framesDecoded": 3000, "framesPerSecond": 29, "frameWidth": 960, "frameHeight": 540,
       "freezeCount": 2, "totalFreezesDuration": 1.25, "jitterBufferDelay": 150, "jitterBufferEmittedCount": 3000,
       "remoteId": "ROV222"},
      {"id": "ROA111", "type": "remote-outbound-rtp", "timestamp": 1699999999500, "kind": "audio", "ssrc": 111,
       "localId": "IT01A111", "bytesSent": 99000, "packetsSent": 4990, "remoteTimestamp": 1699999999400,
       "reportsSent": 20, "roundTripTimeMeasurements": 0, "totalRoundTripTime": 0},
      {"id": "ROV222", "type": "remote-outbound-rtp", "timestamp": 1699999999800, "kind": "video", "ssrc": 222,
       "localId": "IT01V222", "bytesSent": 4990000, "packetsSent": 5990, "remoteTimestamp": 1699999999700,
       "reportsSent": 100, "roundTripTimeMeasurements": 10, "totalRoundTripTime": 0.7, "roundTripTime": 0.075},
      {"id": "SV3", "type": "media-source", "timestamp": 1700000000000, "kind": "video",
       "trackIdentifier": "track-video-out", "width": 1280, "height": 720, "framesPerSecond": 30},
      {"id": "SA4", "type": "media-source", "timestamp": 1700000000000, "kind": "audio",
       "trackIdentifier": "track-audio-out", "audioLevel": 0.01},
      {"id": "OT01V301", "type": "outbound-rtp", "timestamp": 1700000000000, "kind": "video", "mid": "2", "rid": "q",
       "ssrc": 301, "mediaSourceId": "SV3", "transportId": "T01", "active": true, "bytesSent": 500000,
       "packetsSent": 1000, "framesEncoded": 1500, "framesPerSecond": 15, "frameWidth": 320, "frameHeight": 180,
       "qualityLimitationReason": "none", "remoteId": "RIV301"},
      {"id": "OT01V302", "type": "outbound-rtp", "timestamp": 1700000000000, "kind": "video", "mid": "2", "rid": "h",
       "ssrc": 302, "mediaSourceId": "SV3", "transportId": "T01", "active": true, "bytesSent": 1500000,
       "packetsSent": 2000, "framesEncoded": 3000, "framesPerSecond": 30, "frameWidth": 640, "frameHeight": 360,
       "qualityLimitationReason": "none", "remoteId": "RIV302"},
      {"id": "OT01V303", "type": "outbound-rtp", "timestamp": 1700000000000, "kind": "video", "mid": "2", "rid": "f",
       "ssrc": 303, "mediaSourceId": "SV3", "transportId": "T01", "active": true, "bytesSent": 5000000,
       "packetsSent": 5000, "framesEncoded": 3000, "framesPerSecond": 30, "frameWidth": 1280, "frameHeight": 720,
       "qualityLimitationReason": "bandwidth", "remoteId": "RIV303"},
      {"id": "RIV301", "type": "remote-inbound-rtp", "timestamp": 1699999999900, "kind": "video", "ssrc": 301,
       "localId": "OT01V301", "packetsLost": 0, "fractionLost": 0, "jitter": 0.004, "roundTripTime": 0.035,
       "totalRoundTripTime": 0.35, "roundTripTimeMeasurements": 10},
      {"id": "RIV302", "type": "remote-inbound-rtp", "timestamp": 1699999999900, "kind": "video", "ssrc": 302,
       "localId": "OT01V302", "packetsLost": 5, "fractionLost": 0, "jitter": 0.009, "roundTripTime": 0.045,
       "totalRoundTripTime": 0.45, "roundTripTimeMeasurements": 10},
      {"id": "RIV303", "type": "remote-inbound-rtp", "timestamp": 1699999999900, "kind": "video", "ssrc": 303,
       "localId": "OT01V303", "packetsLost": 10, "fractionLost": 0.01, "jitter": 0.006, "roundTripTime": 0.04,
       "totalRoundTripTime": 0.4, "roundTripTimeMeasurements": 10},
      {"id": "OT01A400", "type": "outbound-rtp", "timestamp": 1700000000000, "kind": "audio", "mid": "3",
       "ssrc": 400, "mediaSourceId": "SA4", "transportId": "T01", "bytesSent": 80000, "packetsSent": 4000,
       "remoteId": "RIA400"},
      {"id": "RIA400", "type": "remote-inbound-rtp", "timestamp": 1699999998000, "kind": "audio", "ssrc": 400,
       "localId": "OT01A400", "packetsLost": 3, "fractionLost": 0, "jitter": 0.002, "roundTripTime": 0.03,
       "totalRoundTripTime": 0.12, "roundTripTimeMeasurements": 4}
    ]
    """#

    /// Report B at t0 + 2000 ms. Δ against A:
    /// - IT01A111: bytes +16_000, packets +100, lost +4, concealed +960 of +96_000 samples,
    ///   jitterBufferDelay +3_840 s over +96_000 emitted samples.
    /// - IT01V222: bytes +250_000, packets +250, lost +0, framesDecoded +60, freezes +1 lasting +0.5 s,
    ///   jitterBufferDelay +3 s over +60 frames.
    /// - OT01V301/302/303: bytes +25_000/+75_000/+250_000, packets +50/+100/+250; their RTCP
    ///   reports are fresh (roundTripTimeMeasurements +1), lost +2/+0/+4.
    /// - OT01A400: bytes +16_000, packets +100; RIA400 did not change (no new audio RTCP report).
    /// - candidate pair currentRoundTripTime 0.06.
    static let reportB = #"""
    [
      {"id": "T01", "type": "transport", "timestamp": 1700000002000, "selectedCandidatePairId": "CPabc_def",
       "dtlsState": "connected", "bytesSent": 1400000, "bytesReceived": 2300000},
      {"id": "CPabc_def", "type": "candidate-pair", "timestamp": 1700000002000, "transportId": "T01",
       "state": "succeeded", "nominated": true, "currentRoundTripTime": 0.06, "totalRoundTripTime": 1.56,
       "responsesReceived": 31, "availableOutgoingBitrate": 2500000},
      {"id": "COT01_111", "type": "codec", "timestamp": 1700000002000, "mimeType": "audio/opus", "payloadType": 111,
       "clockRate": 48000, "channels": 2, "transportId": "T01"},
      {"id": "IT01A111", "type": "inbound-rtp", "timestamp": 1700000002000, "kind": "audio", "mid": "0",
       "ssrc": 111, "trackIdentifier": "track-audio-in", "transportId": "T01", "codecId": "CIT01_111",
       "bytesReceived": 116000, "packetsReceived": 5100, "packetsLost": 14, "jitter": 0.015,
       "concealedSamples": 1960, "totalSamplesReceived": 1056000, "jitterBufferDelay": 42240,
       "jitterBufferEmittedCount": 1056000, "remoteId": "ROA111"},
      {"id": "IT01V222", "type": "inbound-rtp", "timestamp": 1700000002000, "kind": "video", "mid": "1",
       "ssrc": 222, "trackIdentifier": "track-video-in", "transportId": "T01",
       "bytesReceived": 5250000, "packetsReceived": 6250, "packetsLost": 7, "jitter": 0.02,
       "framesDecoded": 3060, "framesPerSecond": 30, "frameWidth": 1280, "frameHeight": 720,
       "freezeCount": 3, "totalFreezesDuration": 1.75, "jitterBufferDelay": 153, "jitterBufferEmittedCount": 3060,
       "remoteId": "ROV222"},
      {"id": "ROA111", "type": "remote-outbound-rtp", "timestamp": 1700000001500, "kind": "audio", "ssrc": 111,
       "localId": "IT01A111", "bytesSent": 115000, "packetsSent": 5090, "remoteTimestamp": 1700000001400,
       "reportsSent": 21, "roundTripTimeMeasurements": 0, "totalRoundTripTime": 0},
      {"id": "ROV222", "type": "remote-outbound-rtp", "timestamp": 1700000001800, "kind": "video", "ssrc": 222,
       "localId": "IT01V222", "bytesSent": 5240000, "packetsSent": 6240, "remoteTimestamp": 1700000001700,
       "reportsSent": 102, "roundTripTimeMeasurements": 12, "totalRoundTripTime": 0.86, "roundTripTime": 0.08},
      {"id": "SV3", "type": "media-source", "timestamp": 1700000002000, "kind": "video",
       "trackIdentifier": "track-video-out", "width": 1280, "height": 720, "framesPerSecond": 30},
      {"id": "SA4", "type": "media-source", "timestamp": 1700000002000, "kind": "audio",
       "trackIdentifier": "track-audio-out", "audioLevel": 0.02},
      {"id": "OT01V301", "type": "outbound-rtp", "timestamp": 1700000002000, "kind": "video", "mid": "2", "rid": "q",
       "ssrc": 301, "mediaSourceId": "SV3", "transportId": "T01", "active": true, "bytesSent": 525000,
       "packetsSent": 1050, "framesEncoded": 1530, "framesPerSecond": 15, "frameWidth": 320, "frameHeight": 180,
       "qualityLimitationReason": "none", "remoteId": "RIV301"},
      {"id": "OT01V302", "type": "outbound-rtp", "timestamp": 1700000002000, "kind": "video", "mid": "2", "rid": "h",
       "ssrc": 302, "mediaSourceId": "SV3", "transportId": "T01", "active": true, "bytesSent": 1575000,
       "packetsSent": 2100, "framesEncoded": 3060, "framesPerSecond": 30, "frameWidth": 640, "frameHeight": 360,
       "qualityLimitationReason": "none", "remoteId": "RIV302"},
      {"id": "OT01V303", "type": "outbound-rtp", "timestamp": 1700000002000, "kind": "video", "mid": "2", "rid": "f",
       "ssrc": 303, "mediaSourceId": "SV3", "transportId": "T01", "active": true, "bytesSent": 5250000,
       "packetsSent": 5250, "framesEncoded": 3058, "framesPerSecond": 29, "frameWidth": 1280, "frameHeight": 720,
       "qualityLimitationReason": "bandwidth", "remoteId": "RIV303"},
      {"id": "RIV301", "type": "remote-inbound-rtp", "timestamp": 1700000001900, "kind": "video", "ssrc": 301,
       "localId": "OT01V301", "packetsLost": 2, "fractionLost": 0.04, "jitter": 0.005, "roundTripTime": 0.04,
       "totalRoundTripTime": 0.39, "roundTripTimeMeasurements": 11},
      {"id": "RIV302", "type": "remote-inbound-rtp", "timestamp": 1700000001900, "kind": "video", "ssrc": 302,
       "localId": "OT01V302", "packetsLost": 5, "fractionLost": 0, "jitter": 0.01, "roundTripTime": 0.05,
       "totalRoundTripTime": 0.5, "roundTripTimeMeasurements": 11},
      {"id": "RIV303", "type": "remote-inbound-rtp", "timestamp": 1700000001900, "kind": "video", "ssrc": 303,
       "localId": "OT01V303", "packetsLost": 14, "fractionLost": 0.016, "jitter": 0.007, "roundTripTime": 0.045,
       "totalRoundTripTime": 0.445, "roundTripTimeMeasurements": 11},
      {"id": "OT01A400", "type": "outbound-rtp", "timestamp": 1700000002000, "kind": "audio", "mid": "3",
       "ssrc": 400, "mediaSourceId": "SA4", "transportId": "T01", "bytesSent": 96000, "packetsSent": 4100,
       "remoteId": "RIA400"},
      {"id": "RIA400", "type": "remote-inbound-rtp", "timestamp": 1699999998000, "kind": "audio", "ssrc": 400,
       "localId": "OT01A400", "packetsLost": 3, "fractionLost": 0, "jitter": 0.002, "roundTripTime": 0.03,
       "totalRoundTripTime": 0.12, "roundTripTimeMeasurements": 4}
    ]
    """#

    static func json(_ text: String) -> JSONValue {
        do { return try JSONValue.parse(text) } catch { fatalError("fixture does not parse: \(error)") }
    }

    /// Report `text` with `edit` applied to the stat `id` (members set; `nil` removes a member).
    static func edited(_ text: String, _ edits: [String: [String: JSONValue?]], timestampMs: Double? = nil) -> JSONValue {
        guard case .array(var stats) = json(text) else { fatalError("fixture is an array") }
        for position in stats.indices {
            guard case .object(var stat) = stats[position], case .string(let id)? = stat["id"] else { continue }
            if let timestampMs { stat["timestamp"] = .number(timestampMs) }
            for (name, value) in edits[id] ?? [:] { stat[name] = value }
            stats[position] = .object(stat)
        }
        return .array(stats)
    }

    /// Ingests A then B and returns B's samples.
    static func samplesAB(context: StreamContext = bob, options: StatsDerivationOptions = StatsDerivationOptions(),
                          a: JSONValue = json(reportA), b: JSONValue = json(reportB)) throws -> [DerivedSample] {
        var pc = PeerConnectionStats(options: options)
        _ = try pc.ingest(report: a, context: context)
        return try pc.ingest(report: b, context: context)
    }
}

extension Array where Element == DerivedSample {
    /// The one sample of this stream and side.
    func sample(_ senderId: String, _ receiverId: String?, _ kind: MediaKind, _ side: StreamSide,
                sourceLocation: SourceLocation = #_sourceLocation) throws -> StreamSample {
        let matches = filter {
            $0.key == StreamKey(senderId: senderId, receiverId: receiverId, kind: kind) && $0.sample.side == side
        }
        #expect(matches.count == 1, "samples: \(map(\.key))", sourceLocation: sourceLocation)
        return try #require(matches.first, sourceLocation: sourceLocation).sample
    }
}

/// `a ≈ b` for computed doubles.
func isClose(_ value: Double?, _ expected: Double, tolerance: Double = 1e-9) -> Bool {
    guard let value else { return false }
    return abs(value - expected) <= tolerance * max(1, abs(expected))
}

@Suite("Stats derivation")
struct StatsDerivationTests {
    @Test func firstReportHasGaugesButNoRates() throws {
        var pc = PeerConnectionStats()
        let samples = try pc.ingest(report: ChromeFixture.json(ChromeFixture.reportA), context: ChromeFixture.bob)
        // inbound audio, inbound video, outbound video (3 layers → 1), outbound audio.
        #expect(samples.count == 4)
        let video = try samples.sample("unknown:1", "bob", .video, .receiver)
        #expect(video.tsMs == 1_700_000_000_000)
        #expect(video.bitrateKbps == nil && video.packets == nil && video.lossPercent == nil)
        #expect(video.freezeCount == nil && video.jitterBufferDelayMs == nil)
        #expect(isClose(video.jitterMs, 18))                        // 0.018 s × 1000
        #expect(video.fps == 29)                                  // framesPerSecond
        #expect(video.frameWidth == 960 && video.frameHeight == 540)
        #expect(isClose(video.rttMs, 75))                           // remote-outbound roundTripTime 0.075 s
        #expect(video.bytesTotal == 5_000_000 && video.packetsTotal == 6_000 && video.packetsLostTotal == 7)

        let sent = try samples.sample("bob", nil, .video, .sender)
        #expect(sent.bitrateKbps == nil && sent.packets == nil && sent.packetsLost == nil && sent.lossPercent == nil)
        #expect(sent.frameWidth == 1280 && sent.frameHeight == 720 && sent.fps == 30)
        #expect(isClose(sent.rttMs, 45))                            // max(35, 45, 40) ms
        #expect(sent.bytesTotal == 7_000_000)                     // 500_000 + 1_500_000 + 5_000_000
    }

    @Test func receiverSideAudio() throws {
        let samples = try ChromeFixture.samplesAB()
        let audio = try samples.sample("unknown:0", "bob", .audio, .receiver)
        #expect(audio.tsMs == 1_700_000_002_000)
        #expect(isClose(audio.bitrateKbps, 64))                     // 8 × 16_000 B / 2 s / 1000 = 64 kbit/s
        #expect(audio.packets == 100)                             // 5_100 − 5_000
        #expect(audio.packetsLost == 4)                           // 14 − 10
        #expect(isClose(audio.lossPercent, 3.846153846153846))      // 4 / (100 + 4) × 100
        #expect(isClose(audio.jitterMs, 15))                        // 0.015 s × 1000
        #expect(isClose(audio.concealmentPercent, 1))               // 960 / 96_000 × 100
        #expect(isClose(audio.jitterBufferDelayMs, 40))             // 3_840 s / 96_000 × 1000
        // ROA111 has no roundTripTime and no new measurements: the candidate pair's 0.06 s.
        #expect(isClose(audio.rttMs, 60))
        #expect(audio.fps == nil && audio.frameWidth == nil && audio.freezeCount == nil)
        #expect(audio.bytesTotal == 116_000 && audio.packetsTotal == 5_100 && audio.packetsLostTotal == 14)
    }

    @Test func receiverSideVideo() throws {
        let samples = try ChromeFixture.samplesAB()
        let video = try samples.sample("unknown:1", "bob", .video, .receiver)
        #expect(isClose(video.bitrateKbps, 1000))                   // 8 × 250_000 B / 2 s / 1000 = 1000 kbit/s
        #expect(video.packets == 250 && video.packetsLost == 0)
        #expect(video.lossPercent == 0)                           // 0 / (250 + 0): packets flowed, none lost
        #expect(isClose(video.jitterMs, 20))                        // 0.02 s × 1000
        #expect(video.fps == 30)                                  // framesPerSecond
        #expect(video.frameWidth == 1280 && video.frameHeight == 720)
        #expect(video.freezeCount == 1)                           // 3 − 2
        #expect(isClose(video.freezeDurationMs, 500))               // (1.75 − 1.25) s × 1000
        #expect(isClose(video.jitterBufferDelayMs, 50))             // (153 − 150) s / 60 frames × 1000
        #expect(isClose(video.rttMs, 80))                           // ROV222 roundTripTime 0.08 s
        #expect(video.concealmentPercent == nil)
    }

    @Test func fpsFromFrameCountersWithoutFramesPerSecond() throws {
        let samples = try ChromeFixture.samplesAB(
            b: ChromeFixture.edited(ChromeFixture.reportB, ["IT01V222": ["framesPerSecond": nil]]))
        let video = try samples.sample("unknown:1", "bob", .video, .receiver)
        #expect(isClose(video.fps, 30))                             // (3_060 − 3_000) frames / 2 s
    }

    @Test func rttFromRemoteOutboundCountersWithoutRoundTripTime() throws {
        let samples = try ChromeFixture.samplesAB(
            b: ChromeFixture.edited(ChromeFixture.reportB, ["ROV222": ["roundTripTime": nil]]))
        let video = try samples.sample("unknown:1", "bob", .video, .receiver)
        #expect(isClose(video.rttMs, 80))                           // (0.86 − 0.7) s / (12 − 10) × 1000
    }

    @Test func senderSideSimulcastLayersMakeOneSample() throws {
        let samples = try ChromeFixture.samplesAB()
        let sent = try samples.sample("bob", nil, .video, .sender)
        // 8 × (25_000 + 75_000 + 250_000) B / 2 s / 1000 = 100 + 300 + 1000 = 1400 kbit/s
        #expect(isClose(sent.bitrateKbps, 1400))
        #expect(sent.packets == 400)                              // 50 + 100 + 250
        #expect(sent.packetsLost == 6)                            // remote-inbound lost +2, +0, +4
        #expect(isClose(sent.lossPercent, 1.5))                     // 6 / 400 × 100
        #expect(isClose(sent.jitterMs, 10))                         // max(5, 10, 7) ms
        #expect(isClose(sent.rttMs, 50))                            // max(40, 50, 45) ms
        // The largest layer (1280×720) gives resolution, FPS and quality limitation.
        #expect(sent.frameWidth == 1280 && sent.frameHeight == 720)
        #expect(sent.fps == 29)
        #expect(sent.qualityLimitation == .bandwidth)
        #expect(sent.bytesTotal == 7_350_000)                     // 525_000 + 1_575_000 + 5_250_000
        #expect(sent.packetsTotal == 8_400)                       // 1_050 + 2_100 + 5_250
        #expect(sent.packetsLostTotal == 21)                      // 2 + 5 + 14
        #expect(sent.freezeCount == nil && sent.concealmentPercent == nil)
    }

    @Test func senderSideAudioWithoutANewReceiverReport() throws {
        let samples = try ChromeFixture.samplesAB()
        let sent = try samples.sample("bob", nil, .audio, .sender)
        #expect(isClose(sent.bitrateKbps, 64))                      // 8 × 16_000 B / 2 s / 1000
        #expect(sent.packets == 100)
        // RIA400 is the same RTCP report as in A: nothing new was lost, and no fresh loss ratio.
        #expect(sent.packetsLost == 0)
        #expect(sent.lossPercent == nil)
        #expect(isClose(sent.rttMs, 30))                            // roundTripTime 0.03 s, still the latest
        #expect(isClose(sent.jitterMs, 2))
    }

    @Test func senderLossSpansFromOneReceiverReportToTheNext() throws {
        // C, 2 s after B: the next audio RTCP report arrives, lost 3 → 8, measurements 4 → 5.
        // Packets sent since A, where the previous report was first seen: 4_300 − 4_000 = 300.
        let c = ChromeFixture.edited(ChromeFixture.reportB, [
            "OT01A400": ["bytesSent": .number(112_000), "packetsSent": .number(4_300)],
            "RIA400": ["timestamp": .number(1_700_000_003_000), "packetsLost": .number(8),
                       "roundTripTimeMeasurements": .number(5), "totalRoundTripTime": .number(0.16)],
        ], timestampMs: 1_700_000_004_000)
        var pc = PeerConnectionStats()
        _ = try pc.ingest(report: ChromeFixture.json(ChromeFixture.reportA), context: ChromeFixture.bob)
        _ = try pc.ingest(report: ChromeFixture.json(ChromeFixture.reportB), context: ChromeFixture.bob)
        var samples = try pc.ingest(report: c, context: ChromeFixture.bob)
        var sent = try samples.sample("bob", nil, .audio, .sender)
        #expect(sent.packets == 200)                              // 4_300 − 4_100 this tick
        #expect(sent.packetsLost == 5)                            // 8 − 3
        #expect(isClose(sent.lossPercent, 5.0 / 300 * 100))         // 5 lost of the 300 sent since A ≈ 1.667 %
        // Without roundTripTime: (0.16 − 0.12) s / (5 − 4) × 1000 = 40 ms.
        samples = try ChromeFixture.samplesAB(
            a: ChromeFixture.json(ChromeFixture.reportB),
            b: ChromeFixture.edited(ChromeFixture.reportB, [
                "RIA400": ["packetsLost": .number(8), "roundTripTimeMeasurements": .number(5),
                           "totalRoundTripTime": .number(0.16), "roundTripTime": nil],
            ], timestampMs: 1_700_000_004_000))
        sent = try samples.sample("bob", nil, .audio, .sender)
        #expect(isClose(sent.rttMs, 40))
    }

    @Test func fractionLostWhenCountersAreMissing() throws {
        let samples = try ChromeFixture.samplesAB(
            b: ChromeFixture.edited(ChromeFixture.reportB, [
                "RIV301": ["packetsLost": nil], "RIV302": ["packetsLost": nil], "RIV303": ["packetsLost": nil],
            ]))
        let sent = try samples.sample("bob", nil, .video, .sender)
        #expect(sent.packetsLost == nil)
        #expect(isClose(sent.lossPercent, 4))                       // max fractionLost 0.04 × 100
    }

    @Test func counterGoingBackwardsStartsANewSeries() throws {
        // The inbound video restarted: bytesReceived and framesDecoded went down.
        let b = ChromeFixture.edited(ChromeFixture.reportB, [
            "IT01V222": ["bytesReceived": .number(40_000), "packetsReceived": .number(50), "framesDecoded": .number(12),
                         "packetsLost": .number(0), "freezeCount": .number(0), "totalFreezesDuration": .number(0),
                         "jitterBufferDelay": .number(0.5), "jitterBufferEmittedCount": .number(12)],
        ])
        var pc = PeerConnectionStats()
        _ = try pc.ingest(report: ChromeFixture.json(ChromeFixture.reportA), context: ChromeFixture.bob)
        var video = try pc.ingest(report: b, context: ChromeFixture.bob).sample("unknown:1", "bob", .video, .receiver)
        // No rates and no negative spike; gauges still set.
        #expect(video.bitrateKbps == nil && video.packets == nil && video.packetsLost == nil && video.lossPercent == nil)
        #expect(video.freezeCount == nil && video.freezeDurationMs == nil && video.jitterBufferDelayMs == nil)
        #expect(video.fps == 30 && video.frameWidth == 1280 && isClose(video.jitterMs, 20))
        #expect(video.bytesTotal == 40_000)
        // The next report continues the new series: 8 × (140_000 − 40_000) B / 2 s / 1000 = 400 kbit/s.
        let c = ChromeFixture.edited(ChromeFixture.reportB, [
            "IT01V222": ["bytesReceived": .number(140_000), "packetsReceived": .number(150), "framesDecoded": .number(72),
                         "packetsLost": .number(0), "freezeCount": .number(0), "totalFreezesDuration": .number(0),
                         "jitterBufferDelay": .number(2.5), "jitterBufferEmittedCount": .number(72)],
        ], timestampMs: 1_700_000_004_000)
        video = try pc.ingest(report: c, context: ChromeFixture.bob).sample("unknown:1", "bob", .video, .receiver)
        #expect(isClose(video.bitrateKbps, 400))
        #expect(video.packets == 100 && video.freezeCount == 0)
        #expect(isClose(video.jitterBufferDelayMs, 2000.0 / 60))    // (2.5 − 0.5) s / 60 frames × 1000
    }

    @Test func negativeLossDeltaCountsAsZero() throws {
        // packetsLost may go down when duplicates arrive: not a reset, and no negative loss.
        let samples = try ChromeFixture.samplesAB(
            b: ChromeFixture.edited(ChromeFixture.reportB, ["IT01A111": ["packetsLost": .number(8)]]))
        let audio = try samples.sample("unknown:0", "bob", .audio, .receiver)
        #expect(audio.packetsLost == 0 && audio.lossPercent == 0)
        #expect(isClose(audio.bitrateKbps, 64))
    }

    @Test func noPacketsGivesNoLossValue() throws {
        let samples = try ChromeFixture.samplesAB(
            b: ChromeFixture.edited(ChromeFixture.reportB, [
                "IT01A111": ["bytesReceived": .number(100_000), "packetsReceived": .number(5_000), "packetsLost": .number(10)],
            ]))
        let audio = try samples.sample("unknown:0", "bob", .audio, .receiver)
        #expect(audio.bitrateKbps == 0 && audio.packets == 0 && audio.packetsLost == 0)
        #expect(audio.lossPercent == nil)
    }

    @Test func missingFieldsGiveNilNotACrash() throws {
        let samples = try ChromeFixture.samplesAB(
            b: ChromeFixture.edited(ChromeFixture.reportB, [
                "IT01A111": ["packetsLost": nil, "jitter": nil, "concealedSamples": nil, "jitterBufferDelay": .string("?")],
            ]))
        let audio = try samples.sample("unknown:0", "bob", .audio, .receiver)
        #expect(isClose(audio.bitrateKbps, 64))
        #expect(audio.packets == 100)
        #expect(audio.packetsLost == nil && audio.lossPercent == nil && audio.packetsLostTotal == nil)
        #expect(audio.jitterMs == nil && audio.concealmentPercent == nil && audio.jitterBufferDelayMs == nil)
    }

    @Test func gapOverMaxGapStartsANewSeries() throws {
        let late = ChromeFixture.edited(ChromeFixture.reportB, [:], timestampMs: 1_700_000_020_000)
        var samples = try ChromeFixture.samplesAB(b: late)
        var video = try samples.sample("unknown:1", "bob", .video, .receiver)
        #expect(video.tsMs == 1_700_000_020_000)
        #expect(video.bitrateKbps == nil && video.packets == nil && video.fps == 30)
        // Within a larger limit the same 20 s are one interval: 8 × 250_000 B / 20 s / 1000 = 100 kbit/s.
        samples = try ChromeFixture.samplesAB(options: StatsDerivationOptions(maxGapMs: 30_000), b: late)
        video = try samples.sample("unknown:1", "bob", .video, .receiver)
        #expect(isClose(video.bitrateKbps, 100))
    }

    @Test func sameOrEarlierTimestampStartsANewSeries() throws {
        let same = ChromeFixture.edited(ChromeFixture.reportB, [:], timestampMs: ChromeFixture.t0)
        let video = try ChromeFixture.samplesAB(b: same).sample("unknown:1", "bob", .video, .receiver)
        #expect(video.bitrateKbps == nil && video.fps == 30)
    }

    @Test func newStatIdStartsANewSeries() throws {
        // The video receiver was renegotiated: a new SSRC and stat id on the same mid.
        guard case .array(var stats) = ChromeFixture.json(ChromeFixture.reportB) else { return }
        for position in stats.indices where stats[position]["id"] == .string("IT01V222") {
            guard case .object(var stat) = stats[position] else { continue }
            stat["id"] = .string("IT01V999")
            stat["ssrc"] = .number(999)
            stats[position] = .object(stat)
        }
        let samples = try ChromeFixture.samplesAB(b: .array(stats))
        let video = try samples.sample("unknown:1", "bob", .video, .receiver)
        #expect(video.bitrateKbps == nil && video.packets == nil)
        #expect(video.bytesTotal == 5_250_000 && video.fps == 30)
        // The audio stream kept its id and its rates.
        #expect(isClose(try samples.sample("unknown:0", "bob", .audio, .receiver).bitrateKbps, 64))
    }

    @Test func inactiveSimulcastLayerIsKeptButNeverTheLargest() throws {
        // The app paused the 1280×720 layer; Chrome keeps reporting it with active: false, no
        // resolution and unchanged counters.
        let inactive: [String: JSONValue?] = [
            "active": .bool(false), "frameWidth": nil, "frameHeight": nil, "framesPerSecond": nil,
            "bytesSent": .number(5_000_000), "packetsSent": .number(5_000), "framesEncoded": .number(3_000),
        ]
        let samples = try ChromeFixture.samplesAB(
            b: ChromeFixture.edited(ChromeFixture.reportB, ["OT01V303": inactive]))
        let sent = try samples.sample("bob", nil, .video, .sender)
        #expect(isClose(sent.bitrateKbps, 400))                     // 100 + 300 + 0 kbit/s
        #expect(sent.packets == 150)                              // 50 + 100 + 0
        #expect(sent.frameWidth == 640 && sent.frameHeight == 360 && sent.fps == 30)
        #expect(sent.qualityLimitation == QualityLimitationReason.none)
    }

    @Test func hostileNumbersDoNotTrap() throws {
        let samples = try ChromeFixture.samplesAB(
            b: ChromeFixture.edited(ChromeFixture.reportB, [
                "IT01V222": ["bytesReceived": .number(1e300), "packetsReceived": .number(1e300),
                             "frameWidth": .number(-1e300), "frameHeight": .number(.infinity)],
                "IT01A111": ["timestamp": .number(1e300)],
            ]))
        let video = try samples.sample("unknown:1", "bob", .video, .receiver)
        #expect(video.packets == StreamSample.maxCount)                  // clamped to 2^53, not Int64.max
        #expect(video.frameWidth == nil && video.frameHeight == nil)   // negative and infinite: no value
        // A stat dated after year 9999 is dropped: no sample to overflow a slice or an axis.
        #expect(!samples.contains { $0.key.kind == .audio && $0.sample.side == .receiver })
    }

    @Test func outputOrderIsDeterministic() throws {
        let samples = try ChromeFixture.samplesAB()
        #expect(samples.map(\.key.description) == [
            "unknown:0→bob audio", "unknown:1→bob video", "bob→* audio", "bob→* video",
        ])
        #expect(samples.map(\.sample.side) == [.receiver, .receiver, .sender, .sender])
    }
}
