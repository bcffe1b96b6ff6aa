/// Sender-side derivation: what a participant sends, from its `outbound-rtp` stats and what the
/// far end reported back about them (`remote-inbound-rtp`).
extension StatsDerivationPass {
    /// An `outbound-rtp` stat at participant P: what P sends. Key: sender = P, receiver = the
    /// label's remote participant ?? the connection's remote participant ?? nil (an SFU).
    ///
    /// `active == false` layers are kept: their bytes and packets (unchanged, so 0 per tick) add
    /// to the stream, but they never provide resolution, FPS or quality limitation. A stream whose
    /// layers are all inactive (camera paused by the app) shows 0 kbit/s and no FPS.
    ///
    /// Writes the stat's figures into `figures` and returns its stream; `nil` when the stat gives
    /// no sample.
    mutating func outbound(id: String, _ stat: StatRecord, into figures: inout RtpFigures) -> StreamKey? {
        guard case let (timestampMs, tsMs)? = timestamp(stat) else { return nil }
        let track = self.stat(stat, reference: .trackId)
        var counters = RtpCounters(timestampMs: timestampMs)
        counters.bytes = stat.number(.bytesSent)
        counters.packets = stat.number(.packetsSent)
        counters.frames = stat.number(.framesEncoded)
        let previous = remember(counters, id: id)

        let mediaSource = self.stat(stat, reference: .mediaSourceId)
        let ssrc = stat.ssrc
        let trackIdentifier = mediaSource?.text(.trackIdentifier) ?? track?.text(.trackIdentifier)
        let label = context.labels.label(mid: stat.text(.mid), trackIdentifier: trackIdentifier, ssrc: ssrc)
        guard let kind = MediaKindResolver.kind(rtp: stat, label: label, track: track, mediaSource: mediaSource,
                                                report: report) else { return nil }
        let key = StreamKey(senderId: context.participantId,
                            receiverId: label.remoteParticipantId ?? context.remoteParticipantId, kind: kind)

        figures = RtpFigures(statId: id, tsMs: tsMs)
        figures.isActive = stat.flag(.active) ?? true
        figures.bytesTotal = counters.bytes
        figures.packetsTotal = counters.packets
        figures.frameWidth = stat.gauge(.frameWidth) ?? track?.gauge(.frameWidth)
        figures.frameHeight = stat.gauge(.frameHeight) ?? track?.gauge(.frameHeight)
        figures.fps = stat.gauge(.framesPerSecond)
        figures.qualityLimitation = stat.text(.qualityLimitationReason).flatMap(QualityLimitationReason.init(rawValue:))
        // Capture FPS = media-source.framesPerSecond: what the camera gave the encoder.
        if kind.isVideo { figures.captureFps = mediaSource?.gauge(.framesPerSecond) }

        if let interval = RtpInterval(previous: previous, current: counters, maxGapMs: options.maxGapMs) {
            // Bitrate (kbit/s) = 8 × ΔbytesSent ÷ Δt ÷ 1000.
            figures.bitrateKbps = interval.rate { $0.bytes }.map { 8 * $0 / 1000 }
            figures.packets = interval.delta { $0.packets }
            // FPS = framesPerSecond when present, else ΔframesEncoded ÷ Δt.
            if figures.fps == nil && figures.isActive { figures.fps = interval.rate { $0.frames } }
        }

        if case let (remoteId, remoteStat)? = index.remoteInbound(forOutbound: id, stat, in: report) {
            applyRemoteInbound(id: remoteId, remoteStat, packetsSent: counters.packets, to: &figures)
        }
        if figures.rttMs == nil { figures.rttMs = candidatePairRttMs(stat) }
        return key
    }

    /// What the far end measured on what we send (`remote-inbound-rtp`, from its RTCP receiver
    /// reports): loss, jitter and RTT of the sender side.
    private mutating func applyRemoteInbound(id: String, _ stat: StatRecord, packetsSent: Double?,
                                             to figures: inout RtpFigures) {
        figures.jitterMs = stat.gauge(.jitter).map { $0 * 1000 }
        figures.packetsLostTotal = stat.number(.packetsLost)
        let update = remoteUpdate(id: id, stat, localPacketsSent: packetsSent)

        // Loss (%) = ΔpacketsLost (remote-inbound) ÷ ΔpacketsSent (outbound) × 100, both taken
        // between two fresh RTCP states (see `RemoteRtpCounters`); fractionLost × 100 when a
        // counter is missing.
        if stat.number(.packetsLost) == nil || packetsSent == nil {
            figures.fractionLostPercent = stat.gauge(.fractionLost).map { min(100, $0 * 100) }
        }
        switch update {
        case .fresh(let current, let previous)?:
            if let lostNow = current.packetsLost, let lostBefore = previous.packetsLost {
                let lost = max(0, lostNow - lostBefore)
                figures.packetsLost = lost
                if let sentNow = current.localPacketsSent, let sentBefore = previous.localPacketsSent,
                   sentNow > sentBefore {
                    figures.lossLost = lost
                    figures.lossExpected = sentNow - sentBefore
                }
            }
        case .unchanged(let previous)?:
            // No new receiver report: nothing more was reported lost this tick.
            if previous.packetsLost != nil, stat.number(.packetsLost) != nil { figures.packetsLost = 0 }
        case .newSeries?, nil:
            break
        }

        // RTT (ms) = roundTripTime × 1000, or ΔtotalRoundTripTime ÷ ΔroundTripTimeMeasurements × 1000.
        if let rtt = stat.gauge(.roundTripTime) {
            figures.rttMs = rtt * 1000
        } else if case .fresh(let current, let previous)? = update {
            figures.rttMs = current.meanRoundTripTimeMs(since: previous)
        }
    }
}
