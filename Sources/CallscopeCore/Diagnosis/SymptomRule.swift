/// How one metric judges one sample: bad (counts toward opening), clear (counts toward closing),
/// or neither; or not at all when the sample lacks the figure.
struct SymptomJudgement {
    var value: Double
    var bad: Bool
    var clear: Bool
}

/// The metrics judged on each side of a stream, and how (docs/quality.md §4).
struct SymptomRule {
    var metric: ProblemMetric
    var warmupMs: Int64
    /// Higher values are worse (loss, jitter); `false` for the frame-rate ratio.
    var higherIsWorse: Bool
    var severe: (_ median: Double, _ values: [Double], _ durationMs: Int64) -> Bool
    var judge: (_ sample: StreamSample) -> SymptomJudgement?

    /// The rules for `series`, looking up its sender side in `graph` where a rule needs it.
    static func rules(for series: StreamSeries, graph: CallGraph, levels: ProblemLevels) -> [SymptomRule] {
        let key = series.key
        var rules: [SymptomRule] = [loss(levels)]
        switch series.side {
        case .receiver:
            // A receiver's jitter is an estimate updated per packet: while none arrive it keeps its
            // last value (a sender that left an SFU call), which is no jitter anyone hears.
            rules.append(banded(.jitter, levels.jitter, levels) { $0.packets == 0 ? nil : $0.jitterMs })
            if key.kind == .audio { rules.append(delay(key, graph, levels)) }
            if key.kind.isVideo {
                rules.append(freezes(levels))
                rules.append(frameRate(key, graph, levels))
            }
            rules.append(noMedia(key, graph, levels))
        case .sender:
            rules.append(banded(.rtt, levels.rtt, levels) { $0.rttMs })
            if key.kind.isVideo {
                rules.append(limitation(.bandwidth, .bandwidth, levels.bandwidthWarmupMs))
                rules.append(limitation(.cpu, .cpu, levels.warmupMs))
            }
            // A screen capture's frame rate follows what changes on the screen: only cameras.
            if key.kind == .video {
                rules.append(captureFrameRate(levels, usualFps: usualCaptureFps(series)))
                rules.append(encoderFrameRate(levels))
            }
        }
        return rules
    }

    /// Loss of the interval, on intervals with enough packets to tell 10 % from noise.
    static func loss(_ levels: ProblemLevels) -> SymptomRule {
        let band = levels.loss
        return SymptomRule(metric: .loss, warmupMs: levels.warmupMs, higherIsWorse: true,
                           severe: { median, _, _ in median > band.severe }) { sample in
            guard let percent = sample.lossPercent, let packets = sample.packets, let lost = sample.packetsLost,
                  packets.adding(saturating: max(0, lost)) >= levels.minPackets else { return nil }
            return SymptomJudgement(value: percent, bad: percent > band.open, clear: percent < band.close)
        }
    }

    static func banded(_ metric: ProblemMetric, _ band: ProblemLevels.Band, _ levels: ProblemLevels,
                       value: @escaping (StreamSample) -> Double?) -> SymptomRule {
        SymptomRule(metric: metric, warmupMs: levels.warmupMs, higherIsWorse: true,
                    severe: { median, _, _ in median > band.severe }) { sample in
            guard let v = value(sample), v.isFinite else { return nil }
            return SymptomJudgement(value: v, bad: v > band.open, clear: v < band.close)
        }
    }

    /// Audio's one-way delay as its receiver lives it: the jitter buffer's average hold over the
    /// interval plus half the round trip (the receiver's own RTT, else the one its sender measured
    /// on the same stream). A downlink that delays and jitters packets fills the buffer, which a
    /// round trip below the RTT limit does not show.
    ///
    /// Only the buffer's part has a direction (it waits for what arrives late on the way in); half
    /// a round trip is a guess at either way. So a sample is bad only when the buffer holds at
    /// least half of the delay, and clear when it holds less than a third: a long round trip
    /// with a quiet buffer is the RTT rule's, which blames a connection, not a downlink.
    static func delay(_ key: StreamKey, _ graph: CallGraph, _ levels: ProblemLevels) -> SymptomRule {
        let band = levels.delay
        let sent = graph.senderCursor(for: key)
        return SymptomRule(metric: .delay, warmupMs: levels.warmupMs, higherIsWorse: true,
                           severe: { median, _, _ in median > band.severe }) { sample in
            guard let buffered = sample.jitterBufferDelayMs, buffered.isFinite, buffered >= 0 else { return nil }
            let rtt = sample.rttMs ?? sent.sample(near: sample.tsMs)?.rttMs ?? 0
            let oneWay = buffered + (rtt.isFinite ? max(0, rtt) / 2 : 0)
            return SymptomJudgement(value: oneWay, bad: oneWay > band.open && buffered * 2 >= oneWay,
                                    clear: oneWay < band.close || buffered * 3 < oneWay)
        }
    }

    /// Milliseconds frozen per sample. Severe when frozen for a tenth of the symptom or more.
    static func freezes(_ levels: ProblemLevels) -> SymptomRule {
        SymptomRule(metric: .freezes, warmupMs: levels.warmupMs, higherIsWorse: true,
                    severe: { _, values, duration in duration > 0 && values.reduce(0, +) >= Double(duration) / 10 }) { sample in
            guard let count = sample.freezeCount else { return nil }
            let frozenMs = max(0, sample.freezeDurationMs ?? 0)
            return SymptomJudgement(value: frozenMs, bad: count > 0, clear: count == 0)
        }
    }

    /// Received FPS against what the sender sent at the time, so that a still screen share at
    /// 5 fps is fine. Without the sender's figure a camera is judged against the good FPS limit
    /// and a screen share not at all.
    /// What a stream must carry to be judged as video: a switched-off camera's black frames
    /// (about 20 kbit/s) and padding are not.
    static let videoKbps: Double = 50

    static func frameRate(_ key: StreamKey, _ graph: CallGraph, _ levels: ProblemLevels) -> SymptomRule {
        let band = levels.frameRateRatio
        let senderSide = graph.senderCursor(for: key)
        return SymptomRule(metric: .frameRate, warmupMs: levels.warmupMs, higherIsWorse: false,
                           severe: { median, _, _ in median < band.severe }) { sample in
            guard let fps = sample.fps, fps.isFinite else { return nil }
            let sent = senderSide.sample(near: sample.tsMs)?.fps
            // Without the sender's side (an imported dump's far end), the good limit stands in for
            // what was sent, but only while video really arrives (≥ 50 kbit/s): an idle
            // transceiver, or an SFU's placeholder stream that gets padding now and then, is not
            // choppy video.
            guard sent != nil || (sample.bitrateKbps ?? 0) >= Self.videoKbps else { return nil }
            guard let expected = sent ?? (key.kind == .video ? levels.limits.fpsGood : nil), expected >= 1 else { return nil }
            let ratio = min(1, max(0, fps / expected))
            return SymptomJudgement(value: ratio, bad: ratio < band.open, clear: ratio >= band.close)
        }
    }

    /// No packets arrived while the sender's side of the same stream sent some.
    static func noMedia(_ key: StreamKey, _ graph: CallGraph, _ levels: ProblemLevels) -> SymptomRule {
        let senderSide = graph.senderCursor(for: key)
        return SymptomRule(metric: .noMedia, warmupMs: levels.warmupMs, higherIsWorse: true,
                           severe: { _, _, _ in true }) { sample in
            guard let received = sample.packets,
                  let sent = senderSide.sample(near: sample.tsMs)?.packets, sent >= levels.minPackets else { return nil }
            return SymptomJudgement(value: Double(received), bad: received == 0, clear: received > 0)
        }
    }

    /// What the camera delivered (`captureFps`): below the poor FPS limit opens, and so does
    /// below two thirds of the camera's usual rate while under the good limit (a camera that
    /// gave 20 fps giving 11: the device is falling behind, a CPU starved by another program
    /// in the impaired suite). It clears from the poor and good limits' midpoint, or 15 % above
    /// the opening level, whichever is higher; half the poor limit is severe. Only while the
    /// stream really sends video (≥ 50 kbit/s): a camera the user switched off sends black
    /// frames at about 1 fps, and that is no device problem.
    static func captureFrameRate(_ levels: ProblemLevels, usualFps: Double?) -> SymptomRule {
        let poor = levels.limits.fpsPoor, good = levels.limits.fpsGood
        let opens = max(poor, min(good, (usualFps ?? 0) * 2 / 3))
        let clears = max((poor + good) / 2, opens * 1.15)
        return SymptomRule(metric: .captureFrameRate, warmupMs: levels.warmupMs, higherIsWorse: false,
                           severe: { median, _, _ in median < poor / 2 }) { sample in
            guard let fps = sample.captureFps, fps.isFinite, let kbps = sample.bitrateKbps, kbps >= Self.videoKbps else { return nil }
            return SymptomJudgement(value: fps, bad: fps < opens, clear: fps >= clears)
        }
    }

    /// The camera's usual rate: the 90th percentile of what it delivered while video was sent.
    static func usualCaptureFps(_ series: StreamSeries) -> Double? {
        let rates = series.samples.compactMap { s in (s.bitrateKbps ?? 0) >= Self.videoKbps ? s.captureFps.flatMap { $0.isFinite ? $0 : nil } : nil }
        guard !rates.isEmpty else { return nil }
        let sorted = rates.sorted()
        return sorted[min(sorted.count - 1, sorted.count * 9 / 10)]
    }

    /// Frames sent against frames captured, when the camera delivers at least the good FPS limit,
    /// the stream sends at least 50 kbit/s, and the bandwidth estimate is not what held the
    /// encoder back (the bandwidth rule's case): the frame-rate ratio's band, as for received video.
    static func encoderFrameRate(_ levels: ProblemLevels) -> SymptomRule {
        let band = levels.frameRateRatio
        return SymptomRule(metric: .encoderFrameRate, warmupMs: levels.warmupMs, higherIsWorse: false,
                           severe: { median, _, _ in median < band.severe }) { sample in
            // A sender that sends next to nothing was paused (by the app, or an SFU that has
            // nobody watching): that is no device failing to keep up.
            guard let captured = sample.captureFps, captured >= levels.limits.fpsGood, let sent = sample.fps, sent.isFinite,
                  (sample.bitrateKbps ?? 0) >= Self.videoKbps
            else { return nil }
            let ratio = min(1, max(0, sent / captured))
            let network = sample.qualityLimitation == .bandwidth
            return SymptomJudgement(value: ratio, bad: ratio < band.open && !network, clear: ratio >= band.close || network)
        }
    }

    /// The encoder said it was held back for `reason`. The value is the bitrate sent.
    static func limitation(_ metric: ProblemMetric, _ reason: QualityLimitationReason, _ warmupMs: Int64) -> SymptomRule {
        SymptomRule(metric: metric, warmupMs: warmupMs, higherIsWorse: false,
                    severe: { median, _, _ in reason == .bandwidth && median < 150 }) { sample in
            guard let limitation = sample.qualityLimitation else { return nil }
            let kbps = sample.bitrateKbps ?? 0
            return SymptomJudgement(value: kbps, bad: limitation == reason, clear: limitation != reason)
        }
    }
}
