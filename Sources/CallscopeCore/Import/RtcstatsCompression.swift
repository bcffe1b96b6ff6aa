/// rtcstats v3's compressed forms, as its clients write them (the rtcstats-shared package's
/// tables, whose numbers are never reassigned):
///
/// - **methods**: a line's method may be a small number (`24` = `oniceconnectionstatechange`)
///   or `"g"` for `getStats`;
/// - **stats**: a `getStats` value may be a delta against the connection's previous report
///   (the first one against an empty report), with stat ids renumbered `"0"`, `"1"`, … (the
///   `…Id` references renumbered alike, so nothing needs mapping back), property names replaced
///   by numbers (`"15"` = `packetsLost`) and `timestamp` by `"t"`, `type` values by numbers
///   (`2` = `outbound-rtp`), a removed stat written as `null`, and the report's timestamp as a
///   top-level `"t"` that every stat without its own takes.
///
/// An uncompressed v3 file (Chrome's rtcstats extension) writes full reports keyed by their
/// real ids instead; ``decompressed(_:)`` tells the two apart.
enum RtcstatsCompression {
    static let methods: [Int: String] = [
        1: "getStats", 2: "createOffer", 3: "createOfferOnSuccess", 4: "createAnswer", 5: "createAnswerOnSuccess",
        6: "setLocalDescription", 7: "setLocalDescriptionOnSuccess", 8: "setRemoteDescription",
        9: "setRemoteDescriptionOnSuccess", 10: "addIceCandidate", 11: "addIceCandidateOnSuccess",
        12: "createOfferOnFailure", 13: "createAnswerOnFailure", 14: "setLocalDescriptionOnFailure",
        15: "setRemoteDescriptionOnFailure", 16: "addIceCandidateOnFailure",
        20: "onicecandidate", 21: "onicecandidateerror", 22: "ontrack", 23: "onsignalingstatechange",
        24: "oniceconnectionstatechange", 25: "onconnectionstatechange", 26: "onicegatheringstatechange",
        27: "onnegotiationneeded", 28: "ondatachannel",
        30: "addTrack", 31: "addTrackOnSuccess", 32: "addTransceiver", 33: "addTransceiverOnSuccess", 34: "removeTrack",
        35: "createDataChannel", 36: "close", 37: "restartIce", 38: "setConfiguration", 39: "create", 40: "constraints",
        41: "setCodecPreferences", 42: "setHeaderExtensionsToNegotiate", 50: "setParameters", 51: "replaceTrack",
        60: "navigator.mediaDevices.getUserMedia", 61: "navigator.mediaDevices.getUserMediaOnSuccess",
        63: "navigator.mediaDevices.getDisplayMedia", 64: "navigator.mediaDevices.getDisplayMediaOnSuccess",
        // 65 is getUserMediaOnFailure in every released client (62 was meant for it).
        65: "navigator.mediaDevices.getUserMediaOnFailure", 66: "navigator.mediaDevices.enumerateDevices",
        67: "navigator.mediaDevices.ondevicechange", 68: "navigator.mediaDevices.getDisplayMediaOnFailure",
        70: "MediaStreamTrack.stop", 71: "MediaStreamTrack.applyConstraints", 72: "MediaStreamTrack.onended",
        73: "MediaStreamTrack.onmute", 74: "MediaStreamTrack.onunmute", 80: "HTMLMediaElement.resize",
    ]

    static let statsTypes: [Int: String] = [
        1: "inbound-rtp", 2: "outbound-rtp", 3: "remote-inbound-rtp", 4: "remote-outbound-rtp", 5: "transport",
        6: "candidate-pair", 7: "local-candidate", 8: "remote-candidate", 9: "data-channel", 10: "peer-connection",
        11: "certificate", 12: "media-source", 13: "media-playout", 14: "codec",
    ]

    /// Property numbers, in the order of the webrtc-stats dictionaries they come from.
    static let properties: [Int: String] = {
        let names = [
            // codec
            (4, "payloadType"), (5, "transportId"), (6, "mimeType"), (7, "clockRate"), (8, "channels"), (9, "sdpFmtpLine"),
            // RTP streams, received
            (10, "ssrc"), (11, "kind"), (12, "codecId"), (14, "packetsReceived"), (15, "packetsLost"), (16, "jitter"),
            // inbound-rtp
            (17, "trackIdentifier"), (18, "mid"), (19, "remoteId"), (20, "framesDecoded"), (21, "keyFramesDecoded"),
            (22, "framesDropped"), (23, "frameWidth"), (24, "frameHeight"), (25, "framesPerSecond"), (26, "qpSum"),
            (27, "totalDecodeTime"), (28, "totalInterFrameDelay"), (29, "totalSquaredInterFrameDelay"), (30, "pauseCount"),
            (31, "totalPausesDuration"), (32, "freezeCount"), (33, "totalFreezesDuration"), (34, "lastPacketReceivedTimestamp"),
            (35, "headerBytesReceived"), (36, "packetsDiscarded"), (37, "fecPacketsReceived"), (38, "fecPacketsDiscarded"),
            (39, "fecBytesReceived"), (40, "fecSsrc"), (41, "bytesReceived"), (42, "nackCount"), (43, "firCount"),
            (44, "pliCount"), (45, "totalProcessingDelay"), (46, "estimatedPlayoutTimestamp"), (47, "jitterBufferDelay"),
            (48, "jitterBufferTargetDelay"), (49, "jitterBufferEmittedCount"), (50, "jitterBufferMinimumDelay"),
            (51, "totalSamplesReceived"), (52, "concealedSamples"), (53, "silentConcealedSamples"), (54, "concealmentEvents"),
            (55, "insertedSamplesForDeceleration"), (56, "removedSamplesForAcceleration"), (57, "audioLevel"),
            (58, "totalAudioEnergy"), (59, "totalSamplesDuration"), (60, "framesReceived"), (61, "decoderImplementation"),
            (62, "playoutId"), (63, "powerEfficientDecoder"), (64, "framesAssembledFromMultiplePackets"),
            (65, "totalAssemblyTime"), (66, "contentType"), (67, "googTimingFrameInfo"), (68, "retransmittedPacketsReceived"),
            (69, "retransmittedBytesReceived"), (70, "rtxSsrc"), (71, "totalCorruptionProbability"),
            (72, "totalSquaredCorruptionProbability"), (73, "corruptionMeasurements"),
            // remote-inbound-rtp
            (74, "localId"), (75, "roundTripTime"), (76, "totalRoundTripTime"), (77, "fractionLost"),
            (78, "roundTripTimeMeasurements"),
            // RTP streams, sent; outbound-rtp
            (79, "packetsSent"), (80, "bytesSent"), (81, "mediaSourceId"), (82, "rid"), (83, "encodingIndex"),
            (84, "headerBytesSent"), (85, "retransmittedPacketsSent"), (86, "retransmittedBytesSent"), (87, "targetBitrate"),
            (88, "totalEncodedBytesTarget"), (89, "framesSent"), (90, "hugeFramesSent"), (91, "framesEncoded"),
            (92, "keyFramesEncoded"), (93, "totalEncodeTime"), (94, "totalPacketSendDelay"), (95, "qualityLimitationReason"),
            (96, "qualityLimitationDurations"), (97, "qualityLimitationResolutionChanges"), (98, "encoderImplementation"),
            (99, "powerEfficientEncoder"), (100, "active"), (101, "scalabilityMode"),
            // remote-outbound-rtp
            (102, "remoteTimestamp"), (103, "reportsSent"),
            // media-source
            (104, "echoReturnLoss"), (105, "echoReturnLossEnhancement"), (106, "width"), (107, "height"), (108, "frames"),
            // media-playout
            (109, "synthesizedSamplesDuration"), (110, "synthesizedSamplesEvents"), (111, "totalPlayoutDelay"),
            (112, "totalSamplesCount"),
            // peer-connection, data-channel
            (113, "dataChannelsOpened"), (114, "dataChannelsClosed"), (115, "label"), (116, "protocol"),
            (117, "dataChannelIdentifier"), (118, "state"), (119, "messagesSent"), (120, "messagesReceived"),
            // transport
            (121, "iceRole"), (122, "iceLocalUsernameFragment"), (123, "dtlsState"), (124, "iceState"),
            (125, "selectedCandidatePairId"), (126, "localCertificateId"), (127, "remoteCertificateId"), (128, "tlsVersion"),
            (129, "dtlsCipher"), (130, "dtlsRole"), (131, "srtpCipher"), (132, "selectedCandidatePairChanges"),
            (133, "rtcpTransportStatsId"),
            // candidates
            (134, "address"), (135, "port"), (136, "candidateType"), (137, "priority"), (138, "url"), (139, "relayProtocol"),
            (140, "foundation"), (141, "relatedAddress"), (142, "relatedPort"), (143, "usernameFragment"), (144, "tcpType"),
            (145, "networkType"),
            // candidate-pair
            (148, "localCandidateId"), (149, "remoteCandidateId"), (150, "nominated"), (151, "lastPacketSentTimestamp"),
            (152, "currentRoundTripTime"), (153, "availableOutgoingBitrate"), (154, "availableIncomingBitrate"),
            (155, "requestsReceived"), (156, "requestsSent"), (157, "responsesReceived"), (158, "responsesSent"),
            (159, "consentRequestsSent"), (160, "packetsDiscardedOnSend"), (161, "bytesDiscardedOnSend"),
            // certificate
            (163, "fingerprint"), (164, "fingerprintAlgorithm"), (165, "base64Certificate"), (166, "issuerCertificateId"),
            // read, not yet written by released clients
            (167, "psnrMeasurements"), (168, "psnrSum"), (169, "packetsReceivedWithEct1"), (170, "packetsReceivedWithCe"),
            (171, "packetsReportedAsLost"), (172, "packetsReportedAsLostButRecovered"), (173, "packetsWithBleachedEct1Marking"),
            (174, "packetsSentWithEct1"), (175, "ccfbMessagesSent"), (176, "ccfbMessagesReceived"),
        ]
        return Dictionary(names, uniquingKeysWith: { a, _ in a })
    }()

    /// A compressed `getStats` value as a delta in the collector's form (``StatsReport/apply(delta:timestampMs:maxStats:)``),
    /// with its report time; `nil` when `value` is not compressed (full reports keyed by real ids).
    static func decompressed(_ value: JSONValue) -> (delta: JSONValue, timestampMs: Double?)? {
        guard case .object(let top) = value else { return nil }
        let compressed = top["t"] != nil || top.contains { _, report in
            guard case .object(let members) = report else { return false }
            return members.keys.contains { $0 == "t" || Int($0) != nil }
        }
        guard compressed else { return nil }
        var stats: [String: JSONValue] = [:]
        for (id, report) in top where id != "t" {
            guard case .object(let members) = report else {
                stats[id] = report   // null: removed
                continue
            }
            var named: [String: JSONValue] = [:]
            for (key, member) in members {
                let name = key == "t" ? "timestamp" : Int(key).flatMap { properties[$0] } ?? key
                if name == "type", let number = member.int64, let type = statsTypes[Int(number)] {
                    named[name] = .string(type)
                } else {
                    named[name] = member
                }
            }
            if named["id"] == nil { named["id"] = .string(id) }
            stats[id] = .object(named)
        }
        return (.object(stats), top["t"]?.double)
    }
}
