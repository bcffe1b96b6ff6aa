import CallscopeCore
import Foundation

/// A call whose every stream side is made up tick by tick, with impairments on chosen links:
/// the diagnosis's test bench. Media flows mesh-style (every participant to every other) unless
/// `sfu`, where each sender's streams go to the server and each receiver gets everyone's.
struct SyntheticCall {
    /// What the network did to one stream at one tick.
    struct Impairment {
        var lossPercent: Double = 0
        var jitterMs: Double = 0
        var extraRttMs: Double = 0
        /// Added to the audio jitter buffer's 30 ms hold.
        var extraJitterBufferMs: Double = 0
        var freezes: Int64 = 0
        var receivedFps: Double?
        var limitation: QualityLimitationReason = .none
        /// The sender's camera (video kinds; default: what it sends) and what it sends.
        var captureFps: Double?
        var sentFps: Double?
        var sentKbps: Double?
        /// Nothing reaches the receiver (a cut link, a browser that stopped reading).
        var nothingArrives = false
    }

    var people: [String]
    var seconds = 120
    var tickMs: Int64 = 2_000
    var startMs: Int64 = 1_700_000_000_000
    var kinds: [MediaKind] = [.audio, .video]
    var sfu = false
    var sentFps: [MediaKind: Double] = [.video: 30, .screenVideo: 30]
    /// (sender, receiver, kind, seconds since start) → impairment; receiver `nil` is the uplink to
    /// the SFU.
    var impair: (String, String?, MediaKind, Int) -> Impairment = { _, _, _, _ in Impairment() }
    /// When set, each packet is lost at random with the impairment's rate (seeded), NACK and FEC
    /// repair all but `videoLossLeft` of video loss, and the sender hears of audio loss only in
    /// every third tick's RTCP report, as real stacks do.
    var seed: UInt64?
    var videoLossLeft = 0.3

    func time(_ second: Int) -> Int64 { startMs + Int64(second) * 1000 }

    var graph: CallGraph {
        var series: [StreamSeries] = []
        for sender in people {
            for kind in kinds {
                let receivers = people.filter { $0 != sender }
                if sfu {
                    series.append(side(.sender, StreamKey(senderId: sender, receiverId: nil, kind: kind)) { t in
                        impair(sender, nil, kind, t)
                    })
                }
                for receiver in receivers {
                    let key = StreamKey(senderId: sender, receiverId: receiver, kind: kind)
                    // Through an SFU a receiver suffers what the sender's uplink suffered too.
                    let effect: (Int) -> Impairment = { t in
                        sfu ? Self.combined(impair(sender, nil, kind, t), impair(sender, receiver, kind, t)) : impair(sender, receiver, kind, t)
                    }
                    if !sfu { series.append(side(.sender, key, effect)) }
                    series.append(side(.receiver, key, effect))
                }
            }
        }
        return CallGraph(series: series, names: Dictionary(uniqueKeysWithValues: people.map { ($0, $0.capitalized) }))
    }

    /// How many of `n` packets are lost at `rate`, drawing the gaps between losses (geometric)
    /// rather than one number per packet.
    static func binomial(_ n: Int64, _ rate: Double, _ rng: inout SplitMix64) -> Int64 {
        guard rate > 0 else { return 0 }
        guard rate < 1 else { return n }
        var lost: Int64 = 0, position: Int64 = -1
        while true {
            let u = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &rng)
            position += Int64((log(u) / log(1 - rate)).rounded(.down)) + 1
            if position >= n { return lost }
            lost += 1
        }
    }

    /// A stable number per stream (Swift's `hashValue` changes from run to run).
    static func hash(_ key: StreamKey) -> UInt64 {
        key.description.unicodeScalars.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1.value)) &* 1099511628211 }
    }

    static func combined(_ a: Impairment, _ b: Impairment) -> Impairment {
        var c = a
        c.lossPercent = 100 - (100 - a.lossPercent) * (100 - b.lossPercent) / 100
        c.jitterMs = a.jitterMs + b.jitterMs
        c.extraRttMs = a.extraRttMs + b.extraRttMs
        c.freezes = a.freezes + b.freezes
        c.receivedFps = b.receivedFps ?? a.receivedFps
        return c
    }

    private func side(_ side: StreamSide, _ key: StreamKey, _ effect: (Int) -> Impairment) -> StreamSeries {
        var samples: [StreamSample] = []
        let perTick: Int64 = key.kind.isVideo ? 400 : 100
        // One generator per stream, the same for both of its sides: they see the same packets.
        var rng = SplitMix64(seed: (seed ?? 0) &+ Self.hash(key))
        var unreportedSent: Int64 = 0, unreportedLost: Int64 = 0
        for tick in 0...(Int64(seconds) * 1000 / tickMs) {
            let t = Int(tick * tickMs / 1000)
            let imp = effect(t)
            var s = StreamSample(tsMs: startMs + tick * tickMs, side: side)
            var rate = imp.lossPercent / 100
            if seed != nil && key.kind.isVideo { rate *= videoLossLeft }
            let lost: Int64 = seed == nil ? Int64((Double(perTick) * rate).rounded())
                : Self.binomial(perTick, rate, &rng)
            if tick > 0 {
                s.packets = side == .sender ? perTick : perTick - lost
                s.packetsLost = lost
                s.lossPercent = Double(lost) / Double(perTick) * 100
                s.bitrateKbps = imp.sentKbps ?? (key.kind.isVideo ? 1200 : 40)
                if seed != nil && side == .sender && !key.kind.isVideo {
                    unreportedSent += perTick
                    unreportedLost += lost
                    if tick % 3 == 0 {
                        s.packets = unreportedSent
                        s.packetsLost = unreportedLost
                        s.lossPercent = Double(unreportedLost) / Double(unreportedSent) * 100
                        unreportedSent = 0
                        unreportedLost = 0
                    } else {
                        s.packetsLost = 0
                        s.lossPercent = nil
                    }
                }
            }
            if side == .receiver && imp.nothingArrives && tick > 0 {
                s.packets = 0
                s.packetsLost = 0
                s.lossPercent = nil
                s.bitrateKbps = 0
            }
            if side == .receiver {
                s.jitterMs = 4 + imp.jitterMs
                if !key.kind.isVideo { s.jitterBufferDelayMs = 30 + imp.extraJitterBufferMs }
                if key.kind.isVideo {
                    s.freezeCount = tick > 0 ? imp.freezes : nil
                    s.fps = imp.receivedFps ?? sentFps[key.kind] ?? 30
                }
            } else {
                s.rttMs = 40 + imp.extraRttMs
                if key.kind.isVideo {
                    s.fps = imp.sentFps ?? sentFps[key.kind] ?? 30
                    s.captureFps = imp.captureFps ?? s.fps
                    s.qualityLimitation = imp.limitation
                }
            }
            samples.append(s)
        }
        return StreamSeries(key: key, side: side, samples: samples)
    }
}
