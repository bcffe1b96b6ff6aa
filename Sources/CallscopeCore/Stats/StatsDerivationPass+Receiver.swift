/// Receiver-side derivation: what a participant receives, from its `inbound-rtp` stats.
extension StatsDerivationPass {
    /// An `inbound-rtp` stat at participant P: what P receives. Key: sender = the label's
    /// remote participant ?? the connection's remote participant ?? `unknown:<mid or ssrc>`,
    /// receiver = P. Writes the stat's figures into `figures` and returns its stream; `nil` when
    /// the stat gives no sample.
    mutating func inbound(id: String, _ stat: StatRecord, into figures: inout RtpFigures) -> StreamKey? {
        guard case let (timestampMs, tsMs)? = timestamp(stat) else { return nil }
        // Chrome before ~2022 kept resolution, freezes and audio counters on the `track` stat.
        let track = self.stat(stat, reference: .trackId)
        func number(_ field: StatField) -> Double? { stat.number(field) ?? track?.number(field) }
        func gauge(_ field: StatField) -> Double? { stat.gauge(field) ?? track?.gauge(field) }
        var counters = RtpCounters(timestampMs: timestampMs)
        counters.bytes = stat.number(.bytesReceived)
        counters.packets = stat.number(.packetsReceived)
        counters.packetsLost = stat.number(.packetsLost)
        counters.frames = number(.framesDecoded)
        counters.freezeCount = number(.freezeCount)
        counters.totalFreezesDuration = number(.totalFreezesDuration)
        counters.concealedSamples = number(.concealedSamples)
        counters.totalSamplesReceived = number(.totalSamplesReceived)
        counters.jitterBufferDelay = number(.jitterBufferDelay)
        counters.jitterBufferEmittedCount = number(.jitterBufferEmittedCount)
        // Remembered even when the stat yields no sample, so that its series continues.
        let previous = remember(counters, id: id)

        let mid = stat.text(.mid)
        let ssrc = stat.ssrc
        let trackIdentifier = stat.text(.trackIdentifier) ?? track?.text(.trackIdentifier)
        let label = context.labels.label(mid: mid, trackIdentifier: trackIdentifier, ssrc: ssrc)
        guard let kind = MediaKindResolver.kind(rtp: stat, label: label, track: track, mediaSource: nil,
                                                report: report) else { return nil }
        let senderId = label.remoteParticipantId ?? context.remoteParticipantId
            ?? "unknown:\(String(decoding: (mid ?? ssrc.map { String($0) } ?? id).utf8.prefix(64), as: UTF8.self))"
        let key = StreamKey(senderId: senderId, receiverId: context.participantId, kind: kind)

        figures = RtpFigures(statId: id, tsMs: tsMs)
        figures.bytesTotal = counters.bytes
        figures.packetsTotal = counters.packets
        figures.packetsLostTotal = counters.packetsLost
        // Gauges: set on every tick.
        figures.jitterMs = stat.gauge(.jitter).map { $0 * 1000 }
        figures.frameWidth = gauge(.frameWidth)
        figures.frameHeight = gauge(.frameHeight)
        figures.fps = gauge(.framesPerSecond)

        if let interval = RtpInterval(previous: previous, current: counters, maxGapMs: options.maxGapMs) {
            // Bitrate (kbit/s) = 8 × ΔbytesReceived ÷ Δt ÷ 1000.
            figures.bitrateKbps = interval.rate { $0.bytes }.map { 8 * $0 / 1000 }
            figures.packets = interval.delta { $0.packets }
            // Loss (%) = Δlost ÷ (Δreceived + Δlost) × 100, negative Δlost (duplicates) as 0.
            let lost = interval.delta { $0.packetsLost }.map { max(0, $0) }
            figures.packetsLost = lost
            if let lost, let received = figures.packets {
                figures.lossLost = lost
                figures.lossExpected = received + lost
            }
            // FPS = framesPerSecond when present, else ΔframesDecoded ÷ Δt.
            if figures.fps == nil { figures.fps = interval.rate { $0.frames } }
            figures.freezeCount = interval.delta { $0.freezeCount }
            figures.freezeDurationMs = interval.delta { $0.totalFreezesDuration }.map { $0 * 1000 }
            figures.concealedSamples = interval.delta { $0.concealedSamples }
            figures.totalSamplesReceived = interval.delta { $0.totalSamplesReceived }
            figures.jitterBufferDelay = interval.delta { $0.jitterBufferDelay }
            figures.jitterBufferEmittedCount = interval.delta { $0.jitterBufferEmittedCount }
        }

        // RTT: from the far end's sender report (remote-outbound-rtp), else the candidate pair.
        if case let (remoteId, remoteStat)? = index.remoteOutbound(forInbound: id, stat, in: report) {
            let update = remoteUpdate(id: remoteId, remoteStat, localPacketsSent: nil)
            if let rtt = remoteStat.gauge(.roundTripTime) {
                figures.rttMs = rtt * 1000
            } else if case .fresh(let current, let previous)? = update {
                figures.rttMs = current.meanRoundTripTimeMs(since: previous)
            }
        }
        if figures.rttMs == nil { figures.rttMs = candidatePairRttMs(stat) }
        return key
    }
}
