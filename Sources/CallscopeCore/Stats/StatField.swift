/// A stat member name known to the report storage, as a small integer.
///
/// Why: a report holds a few dozen stat objects of ~20 members each, every delta rewrites most of
/// them, and derivation reads ~30 members per rtp stat. Keyed by `String`, each of those is a
/// SipHash and a string compare; keyed by `StatField`, a stat object is two short sorted arrays
/// (see `StatRecord`) and a member read is a scan of small integers. Names not listed here still
/// work (they are kept by name, just more slowly), so the list is about speed, not correctness:
/// it holds what derivation reads plus the standard `getStats()` members Chrome and Firefox send.
///
/// The case names are the member names (`protocol` is escaped); `name` gives the string.
enum StatField: UInt16, CaseIterable, Comparable, Sendable {
    // Identity: every stat has them.
    case id, type, timestamp
    // What derivation reads: stream identity, references between stats, counters and gauges.
    case ssrc, kind, mediaType, mid, trackIdentifier, contentHint, mimeType
    case codecId, trackId, mediaSourceId, transportId, localId, remoteId, selectedCandidatePairId
    case active, state, nominated, selected
    case bytesReceived, packetsReceived, packetsLost, framesDecoded, freezeCount, totalFreezesDuration
    case concealedSamples, totalSamplesReceived, jitterBufferDelay, jitterBufferEmittedCount
    case jitter, frameWidth, frameHeight, framesPerSecond
    case bytesSent, packetsSent, framesEncoded, qualityLimitationReason
    case reportsReceived, roundTripTime, totalRoundTripTime, roundTripTimeMeasurements, fractionLost
    case currentRoundTripTime
    // Other standard members (Chrome and Firefox, 2020–2026).
    case address, audioLevel, availableOutgoingBitrate, base64Certificate, bitrateMean, bitrateStdDev
    case bytesDiscardedOnSend, candidateType, channels, clockRate, concealmentEvents, consentRequestsSent
    case corruptionMeasurements, dataChannelIdentifier, dataChannelsClosed, dataChannelsOpened
    case decoderImplementation, delayedPacketOutageSamples, deleted, detached, discardedPackets, droppedFrames
    case dtlsCipher, dtlsRole, dtlsState, echoReturnLoss, echoReturnLossEnhancement, encoderImplementation
    case encodingIndex, ended, estimatedPlayoutTimestamp, fecBytesReceived, fecPacketsDiscarded
    case fecPacketsReceived, fecSsrc, fingerprint, fingerprintAlgorithm, firCount, foundation, framerateMean
    case framerateStdDev, frames, framesAssembledFromMultiplePackets, framesDropped, framesReceived
    case framesRendered, framesSent, goodputBitrate, googTimingFrameInfo, headerBytesDiscarded
    case headerBytesReceived, headerBytesSent, height, hugeFramesSent, iceLocalUsernameFragment, iceRole
    case iceState, insertedSamplesForDeceleration, interruptionCount, ip, isRemote, jitterBufferFlushes
    case jitterBufferMinimumDelay, jitterBufferTargetDelay, keyFramesDecoded, keyFramesEncoded
    case keyFramesReceived, label, lastPacketReceivedTimestamp, lastPacketSentTimestamp, localCandidateId
    case localCertificateId, messagesReceived, messagesSent, minPlayoutDelay, nackCount, networkAdapterType
    case networkType, packetsDiscarded, packetsDiscardedOnSend, packetsDuplicated, packetsFailedDecryption
    case packetsReceivedWithCe, packetsReceivedWithEct1, packetsSentWithEct1, pauseCount, payloadType
    case playoutId, pliCount, port, powerEfficientDecoder, powerEfficientEncoder, priority, `protocol`, qpSum
    case qualityLimitationDurations, qualityLimitationResolutionChanges, readable, relatedAddress, relatedPort
    case relativePacketArrivalDelay, relayProtocol, remoteCandidateId, remoteCertificateId, remoteSource
    case remoteTimestamp, removedSamplesForAcceleration, reportsSent, requestsReceived, requestsSent
    case responsesReceived, responsesSent, retransmissionsReceived, retransmittedBytesReceived
    case retransmittedBytesSent, retransmittedPacketsReceived, retransmittedPacketsSent, rid, rtxSsrc
    case scalabilityMode, sdpFmtpLine, selectedCandidatePairChanges, silentConcealedSamples, srtpCipher
    case streamIdentifier, synthesizedSamplesDuration, synthesizedSamplesEvents, targetBitrate, tcpType
    case tlsVersion, totalAssemblyTime, totalAudioEnergy, totalCorruptionProbability, totalDecodeTime
    case totalEncodedBytesTarget, totalEncodeTime, totalInterFrameDelay, totalInterruptionDuration
    case totalPacketSendDelay, totalPausesDuration, totalPlayoutDelay, totalProcessingDelay, totalSamplesCount
    case totalSamplesDecoded, totalSamplesDuration, totalSquaredCorruptionProbability
    case totalSquaredInterFrameDelay, trackIds, url, usernameFragment, vpn, width, writable

    /// The member name, e.g. `"bytesReceived"`.
    var name: String { Self.table.names[Int(rawValue)] }

    /// The field for a member name; `nil` for a name that is not listed (kept by name instead).
    @inline(__always)
    init?(name: String) {
        guard let index = Self.table.index(of: name) else { return nil }
        self.init(rawValue: UInt16(truncatingIfNeeded: index))
    }

    /// Names by raw value. Taken from the case names so that the two cannot disagree; checked,
    /// because a build without reflection metadata would print something else.
    static let table: NameTable = {
        let names = allCases.map { String(describing: $0) }
        precondition(names.allSatisfy { name in
            name.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0 | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        }, "StatField names need reflection metadata")
        return NameTable(names: names)
    }()

    @inline(__always)
    static func < (lhs: StatField, rhs: StatField) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Spelled out so that comparisons compile to an integer compare at every use.
    @inline(__always)
    static func == (lhs: StatField, rhs: StatField) -> Bool { lhs.rawValue == rhs.rawValue }
}
