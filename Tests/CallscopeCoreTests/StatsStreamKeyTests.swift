import Testing
@testable import CallscopeCore

/// Which stream an rtp stat belongs to: labels, mesh connections, unknown senders, media kinds.
@Suite("Stats stream keys")
struct StatsStreamKeyTests {
    @Test func labelsMapScreenVideoAndParticipantsByMid() throws {
        let labels = try StreamLabels(parsing: JSONValue.parse(#"""
            {"mid": {"1": {"remoteParticipantId": "alice", "kind": "screen-video"},
                     "0": {"remoteParticipantId": "alice"},
                     "2": {"remoteParticipantId": "carol"}}}
            """#))
        let context = StreamContext(participantId: "bob", labels: labels)
        let samples = try ChromeFixture.samplesAB(context: context)
        // Inbound mid 1 is alice's screen share; mid 0 is her microphone (kind from the stat).
        let screen = try samples.sample("alice", "bob", .screenVideo, .receiver)
        #expect(isClose(screen.bitrateKbps, 1000))
        _ = try samples.sample("alice", "bob", .audio, .receiver)
        // Outbound mid 2 goes to carol; the unlabelled mid 3 has no known receiver.
        #expect(isClose(try samples.sample("bob", "carol", .video, .sender).bitrateKbps, 1400))
        _ = try samples.sample("bob", nil, .audio, .sender)
        #expect(samples.count == 4)
    }

    @Test func labelsByTrackIdentifierAndSsrc() throws {
        let labels = try StreamLabels(parsing: JSONValue.parse(#"""
            {"trackIdentifier": {"track-video-out": {"kind": "screen-video"},
                                 "track-audio-in": {"remoteParticipantId": "dave"}},
             "ssrc": {"222": {"remoteParticipantId": "erin", "kind": "video"},
                      "400": {"remoteParticipantId": "frank", "kind": "screen-audio"}}}
            """#))
        let samples = try ChromeFixture.samplesAB(context: StreamContext(participantId: "bob", labels: labels))
        // The outbound video's track comes from its media-source (mediaSourceId → trackIdentifier).
        _ = try samples.sample("bob", nil, .screenVideo, .sender)
        _ = try samples.sample("dave", "bob", .audio, .receiver)
        _ = try samples.sample("erin", "bob", .video, .receiver)
        _ = try samples.sample("bob", "frank", .screenAudio, .sender)
    }

    @Test func labelFieldsMergeInLookupOrder() throws {
        let labels = try StreamLabels(parsing: JSONValue.parse(#"""
            {"mid": {"1": {"remoteParticipantId": "alice"}},
             "trackIdentifier": {"t": {"remoteParticipantId": "ignored", "kind": "screen-video"}},
             "ssrc": {"5": {"remoteParticipantId": "also ignored", "kind": "audio"}}}
            """#))
        #expect(labels.label(mid: "1", trackIdentifier: "t", ssrc: 5) == StreamLabel(remoteParticipantId: "alice", kind: .screenVideo))
        #expect(labels.label(mid: nil, trackIdentifier: nil, ssrc: 5) == StreamLabel(remoteParticipantId: "also ignored", kind: .audio))
        #expect(labels.label(mid: "9", trackIdentifier: nil, ssrc: nil) == StreamLabel())
    }

    @Test func meshConnectionNamesTheRemoteParticipant() throws {
        let context = StreamContext(participantId: "bob", remoteParticipantId: "alice")
        let samples = try ChromeFixture.samplesAB(context: context)
        _ = try samples.sample("alice", "bob", .audio, .receiver)
        _ = try samples.sample("alice", "bob", .video, .receiver)
        _ = try samples.sample("bob", "alice", .video, .sender)
        _ = try samples.sample("bob", "alice", .audio, .sender)
        // A label still wins over the connection's remote participant.
        let labelled = StreamContext(participantId: "bob", remoteParticipantId: "alice",
                                     labels: StreamLabels(byMid: ["1": StreamLabel(remoteParticipantId: "zoe")]))
        _ = try ChromeFixture.samplesAB(context: labelled).sample("zoe", "bob", .video, .receiver)
    }

    @Test func unknownSendersAreNamedByMidThenSsrcThenId() throws {
        let report = ChromeFixture.edited(ChromeFixture.reportA, [
            "IT01A111": ["mid": nil],
            "IT01V222": ["mid": nil, "ssrc": nil, "kind": .string("video")],
        ])
        var pc = PeerConnectionStats()
        let samples = try pc.ingest(report: report, context: ChromeFixture.bob)
        _ = try samples.sample("unknown:111", "bob", .audio, .receiver)
        _ = try samples.sample("unknown:IT01V222", "bob", .video, .receiver)
    }

    @Test func kindFromOldFieldsCodecsAndTrackStats() throws {
        // Chrome before 2020 wrote `mediaType`; without either, the codec's mimeType or the
        // media-source's kind tells.
        let report = ChromeFixture.edited(ChromeFixture.reportA, [
            "IT01V222": ["kind": nil, "mediaType": .string("video")],
            "IT01A111": ["kind": nil, "codecId": .string("COT01_111")],
            "OT01A400": ["kind": nil, "mediaSourceId": nil],
            "OT01V301": ["kind": nil],                            // its media-source says video
        ])
        var pc = PeerConnectionStats()
        let samples = try pc.ingest(report: report, context: ChromeFixture.bob)
        _ = try samples.sample("unknown:1", "bob", .video, .receiver)
        _ = try samples.sample("unknown:0", "bob", .audio, .receiver)
        // No kind, no codec, no track, no label: the stat is skipped rather than guessed.
        #expect(samples.filter { $0.sample.side == .sender }.map(\.key.kind) == [.video])
    }

    @Test func contentHintMarksScreenVideoWithoutLabels() throws {
        let report = ChromeFixture.edited(ChromeFixture.reportA, ["SV3": ["contentHint": .string("detail")]])
        var pc = PeerConnectionStats()
        let samples = try pc.ingest(report: report, context: ChromeFixture.bob)
        _ = try samples.sample("bob", nil, .screenVideo, .sender)
        // A label that says camera video wins over the hint.
        let labels = StreamLabels(byMid: ["2": StreamLabel(kind: .video)])
        var labelled = PeerConnectionStats()
        _ = try labelled.ingest(report: report, context: StreamContext(participantId: "bob", labels: labels))
            .sample("bob", nil, .video, .sender)
    }

    @Test func labelKindDoesNotOverrideAudioOrVideo() throws {
        // The app labelled the video mid as "screen-audio": screen share yes, but it is video.
        let labels = StreamLabels(byMid: ["1": StreamLabel(kind: .screenAudio), "0": StreamLabel(kind: .video)])
        var pc = PeerConnectionStats()
        let samples = try pc.ingest(report: ChromeFixture.json(ChromeFixture.reportA),
                                    context: StreamContext(participantId: "bob", labels: labels))
        _ = try samples.sample("unknown:1", "bob", .screenVideo, .receiver)
        _ = try samples.sample("unknown:0", "bob", .audio, .receiver)
    }

    @Test func oldChromeTrackStatsFillResolutionFreezesAndAudioCounters() throws {
        // Chrome ~86: inbound-rtp without mid; resolution and audio counters on the `track` stat,
        // the screen-share hint on it too.
        func report(_ t: Double, bytes: Double, frames: Double, samples: Double, concealed: Double) -> JSONValue {
            .array([
                .object(["id": .string("RTCInboundRTPVideoStream_5"), "type": .string("inbound-rtp"),
                         "timestamp": .number(t), "mediaType": .string("video"), "ssrc": .number(5),
                         "trackId": .string("RTCMediaStreamTrack_receiver_2"), "bytesReceived": .number(bytes),
                         "packetsReceived": .number(bytes / 1000), "packetsLost": .number(0), "framesDecoded": .number(frames)]),
                .object(["id": .string("RTCMediaStreamTrack_receiver_2"), "type": .string("track"),
                         "timestamp": .number(t), "kind": .string("video"), "trackIdentifier": .string("remote-v"),
                         "remoteSource": .bool(true), "frameWidth": .number(640), "frameHeight": .number(360),
                         "framesDecoded": .number(frames), "contentHint": .string("text")]),
                .object(["id": .string("RTCInboundRTPAudioStream_6"), "type": .string("inbound-rtp"),
                         "timestamp": .number(t), "mediaType": .string("audio"), "ssrc": .number(6),
                         "trackId": .string("RTCMediaStreamTrack_receiver_1"), "bytesReceived": .number(bytes / 10),
                         "packetsReceived": .number(bytes / 2000), "packetsLost": .number(0)]),
                .object(["id": .string("RTCMediaStreamTrack_receiver_1"), "type": .string("track"),
                         "timestamp": .number(t), "kind": .string("audio"), "remoteSource": .bool(true),
                         "totalSamplesReceived": .number(samples), "concealedSamples": .number(concealed)]),
            ])
        }
        var pc = PeerConnectionStats()
        let context = StreamContext(participantId: "p")
        _ = try pc.ingest(report: report(1_000_000, bytes: 100_000, frames: 100, samples: 48_000, concealed: 0), context: context)
        let samples = try pc.ingest(report: report(1_002_000, bytes: 300_000, frames: 150, samples: 144_000, concealed: 4_800),
                                    context: context)
        let video = try samples.sample("unknown:5", "p", .screenVideo, .receiver)
        #expect(video.frameWidth == 640 && video.frameHeight == 360)
        #expect(isClose(video.fps, 25))                             // (150 − 100) frames / 2 s
        #expect(isClose(video.bitrateKbps, 800))                    // 8 × 200_000 B / 2 s / 1000
        let audio = try samples.sample("unknown:6", "p", .audio, .receiver)
        #expect(isClose(audio.concealmentPercent, 5))               // 4_800 / 96_000 × 100
    }

    @Test func firefoxStyleReport() throws {
        // Firefox: 8-hex ids, `mediaType` next to `kind`, no transport stats, the selected pair
        // marked `selected: true`, remote-inbound-rtp without localId, no framesPerSecond.
        func report(_ t: Double, received: Double, lost: Double, frames: Double, sent: Double, remoteLost: Double,
                    rtt: Double) -> JSONValue {
            .object([
                "1fd1536": .object(["type": .string("candidate-pair"), "timestamp": .number(t),
                                    "transportId": .string("transport_0"), "nominated": .bool(true),
                                    "selected": .bool(false), "state": .string("succeeded"), "currentRoundTripTime": .number(0.5)]),
                "b1dd866a": .object(["type": .string("candidate-pair"), "timestamp": .number(t),
                                     "transportId": .string("transport_0"), "nominated": .bool(true),
                                     "selected": .bool(true), "state": .string("succeeded"), "currentRoundTripTime": .number(rtt)]),
                "969e0f00": .object(["type": .string("inbound-rtp"), "timestamp": .number(t), "kind": .string("video"),
                                     "mediaType": .string("video"), "ssrc": .number(891_790_093), "jitter": .number(0.01),
                                     "packetsReceived": .number(received), "packetsLost": .number(lost),
                                     "bytesReceived": .number(received * 1000), "framesDecoded": .number(frames)]),
                "4bd362c9": .object(["type": .string("outbound-rtp"), "timestamp": .number(t), "kind": .string("video"),
                                     "mediaType": .string("video"), "ssrc": .number(271_883_463),
                                     "bytesSent": .number(sent * 1000), "packetsSent": .number(sent),
                                     "framesEncoded": .number(frames)]),
                "16fc8931": .object(["type": .string("remote-inbound-rtp"), "timestamp": .number(t - 13),
                                     "kind": .string("video"), "mediaType": .string("video"),
                                     "ssrc": .number(271_883_463), "jitter": .number(0.004),
                                     "packetsLost": .number(remoteLost), "packetsReceived": .number(sent - remoteLost),
                                     "bytesReceived": .number(sent * 900), "roundTripTime": .number(0.052)]),
            ])
        }
        var pc = PeerConnectionStats()
        let context = StreamContext(participantId: "ff")
        _ = try pc.ingest(report: report(1_605_199_436_469, received: 3_000, lost: 1, frames: 1_600, sent: 2_000,
                                         remoteLost: 0, rtt: 0.05), context: context)
        let samples = try pc.ingest(report: report(1_605_199_438_469, received: 3_096, lost: 5, frames: 1_644, sent: 2_200,
                                                   remoteLost: 3, rtt: 0.052), context: context)
        let received = try samples.sample("unknown:891790093", "ff", .video, .receiver)
        #expect(isClose(received.fps, 22))                          // (1_644 − 1_600) frames / 2 s
        #expect(isClose(received.lossPercent, 4))                   // 4 / (96 + 4) × 100
        #expect(isClose(received.bitrateKbps, 384))                 // 8 × 96_000 B / 2 s / 1000
        #expect(isClose(received.rttMs, 52))                        // the `selected: true` pair, 0.052 s
        let sent = try samples.sample("ff", nil, .video, .sender)
        #expect(sent.packetsLost == 3)                            // matched by ssrc and kind
        #expect(isClose(sent.lossPercent, 1.5))                     // 3 / (2_200 − 2_000) × 100
        #expect(isClose(sent.jitterMs, 4) && isClose(sent.rttMs, 52))
        #expect(isClose(sent.fps, 22))                              // (1_644 − 1_600) frames encoded / 2 s
    }
}
