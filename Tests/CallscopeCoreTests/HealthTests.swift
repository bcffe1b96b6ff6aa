import CallscopeCore
import Testing

@Suite("Call health")
struct HealthTests {
    func sample(jitter: Double? = nil, rtt: Double? = nil, packets: Int64? = nil, lost: Int64? = nil, fps: Double? = nil,
                freezes: Int64? = nil, side: StreamSide = .receiver) -> StreamSample {
        var s = StreamSample(tsMs: 0, side: side)
        s.jitterMs = jitter
        s.rttMs = rtt
        s.packets = packets
        s.packetsLost = lost
        s.fps = fps
        s.freezeCount = freezes
        return s
    }

    @Test("limits: a value equal to a good limit is good")
    func limits() {
        let l = HealthThresholds.default
        #expect(l.colour(jitterMs: 30) == .good)
        #expect(l.colour(jitterMs: 30.1) == .moderate)
        #expect(l.colour(jitterMs: 50.1) == .poor)
        #expect(l.colour(rttMs: 300) == .good)
        #expect(l.colour(rttMs: 500) == .moderate)
        #expect(l.colour(lossPercent: 5) == .good)
        #expect(l.colour(lossPercent: 10.5) == .poor)
        #expect(l.colour(fps: 15) == .good)
        #expect(l.colour(fps: 7.9) == .poor)
    }

    @Test("a slice takes the worst colour of its metrics, from sums that merge")
    func slice() {
        var a = HealthAccumulator()
        a.add(sample(jitter: 10, rtt: 100, packets: 95, lost: 5), judgeFps: false)
        var b = HealthAccumulator()
        b.add(sample(jitter: 20, rtt: 700, packets: 100, lost: 0), judgeFps: false)
        a.merge(b)
        // jitter (10 + 20) / 2 = 15 ms good; RTT (100 + 700) / 2 = 400 ms moderate; loss 5 / 200 = 2.5 % good
        #expect(a.meanJitterMs == 15)
        #expect(a.meanRttMs == 400)
        #expect(a.lossPercent == 2.5)
        #expect(a.colour(.default) == .moderate)
        var frozen = HealthAccumulator()
        frozen.add(sample(fps: 30, freezes: 1), judgeFps: true)
        #expect(frozen.colour(.default) == .poor)
        var unjudged = HealthAccumulator()
        unjudged.add(sample(fps: 3), judgeFps: false)
        #expect(unjudged.colour(.default) == nil)
    }

    @Test("summary: share of slices per colour")
    func summary() {
        var slices: [HealthSlice] = []
        for i in 0..<10 {
            var f = HealthAccumulator()
            f.add(sample(jitter: i < 8 ? 5 : 80), judgeFps: false)
            slices.append(HealthSlice(sessionId: "s", participantId: "p", kind: .audio, startMs: Int64(i) * 10_000, figures: f))
        }
        let s = HealthSummary.summaries(of: slices, limits: .default)
        #expect(s.count == 1)
        #expect(s[0].good == 0.8)
        #expect(s[0].poor == 0.2)
        #expect(s[0].overall == .poor)
    }
}
