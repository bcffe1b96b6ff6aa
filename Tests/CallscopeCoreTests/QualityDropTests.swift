import CallscopeCore
import Testing

@Suite("Quality drops")
struct QualityDropTests {
    /// One slice's figures: a receiver that got `received` packets and lost `lost`, with a mean
    /// jitter, and optionally a mean FPS and freezes.
    func figures(jitter: Double = 10, received: Int64 = 1000, lost: Int64 = 0, rtt: Double? = nil, fps: Double? = nil,
                 freezes: Int64 = 0) -> HealthAccumulator {
        var f = HealthAccumulator()
        var s = StreamSample(tsMs: 0, side: .receiver)
        s.jitterMs = jitter
        s.packets = received
        s.packetsLost = lost
        s.rttMs = rtt
        s.fps = fps
        s.freezeCount = freezes
        f.add(s, judgeFps: fps != nil)
        return f
    }

    func digest(_ slices: [(String, MediaKind, Int64, HealthAccumulator)]) -> HealthDigest {
        var d = HealthDigest(limits: .default, sliceMs: 10_000)
        for (p, k, t, f) in slices { d.add(participantId: p, kind: k, startMs: t, figures: f) }
        return d
    }

    @Test("consecutive poor slices are one drop with the worst figures; a good slice ends it")
    func consecutive() throws {
        // Loss 150 / (850 + 150) = 15 %, then 310 / (690 + 310) = 31 %, then jitter 75 ms with no loss.
        let d = digest([
            ("alice", .video, 0, figures()),
            ("alice", .video, 10_000, figures(received: 850, lost: 150)),
            ("alice", .video, 20_000, figures(received: 690, lost: 310)),
            ("alice", .video, 30_000, figures(jitter: 75)),
            ("alice", .video, 40_000, figures(jitter: 20)),
        ])
        let drop = try #require(d.drops.first)
        #expect(d.drops.count == 1)
        #expect(drop.participantId == "alice" && drop.kind == .video)
        #expect(drop.startMs == 10_000 && drop.endMs == 40_000 && drop.durationMs == 30_000 && !drop.reachesLastSlice)
        #expect(drop.worstLossPercent == 31 && drop.worstJitterMs == 75)
        // 31 % is 3.1× the 10 % limit, 75 ms is 1.5× the 50 ms limit: loss is the first cause.
        #expect(drop.causes == [.loss(percent: 31, sent: false), .jitter(ms: 75)])
        #expect(drop.causes.map { $0.describe(.default) }
            == ["packet loss up to 31 % of what they received (poor above 10 %)", "jitter up to 75 ms (poor above 50 ms)"])
    }

    @Test("loss is judged per direction: a bad uplink is not diluted by clean downlinks")
    func lossPerDirection() throws {
        // Alice sent 1000 packets of which her receivers lost 350 (RTCP), and received 2 × 1000
        // packets without loss. Pooled, that is 350 / 3000 = 11.7 %; what she sent lost 35 %.
        var f = HealthAccumulator()
        var sent = StreamSample(tsMs: 0, side: .sender)
        sent.packets = 1000
        sent.packetsLost = 350
        f.add(sent, judgeFps: false)
        for _ in 0..<2 {
            var received = StreamSample(tsMs: 0, side: .receiver)
            received.packets = 1000
            received.packetsLost = 0
            f.add(received, judgeFps: false)
        }
        #expect(f.sentLossPercent == 35 && f.receivedLossPercent == 0 && f.lossPercent == 35)
        #expect(f.packetsExpected == 3000 && f.packetsLost == 350, "the pooled counts stay as they were")
        #expect(f.colour(.default) == .poor)
        var merged = HealthAccumulator()
        merged.merge(f)
        merged.merge(f)
        #expect(merged.sentPacketsExpected == 2000 && merged.sentPacketsLost == 700 && merged.lossPercent == 35)

        let d = digest([("alice", .audio, 0, f)])
        let drop = try #require(d.drops.first)
        #expect(drop.worstSentLossPercent == 35 && drop.worstReceivedLossPercent == 0 && drop.worstLossPercent == 35)
        #expect(drop.causes.map { $0.describe(.default) } == ["packet loss up to 35 % of what they sent (poor above 10 %)"])
        let data = TimelineEntry.qualityDrop(drop, ongoing: false).data(limits: .default)
        #expect(data["sentLossPercent"] == .number(35) && data["receivedLossPercent"] == .number(0) && data["lossPercent"] == .number(35))
    }

    @Test("a missing slice, a slice without metrics, another kind or participant end a drop")
    func breaks() {
        var empty = HealthAccumulator()
        empty.samples = 1
        let poor = figures(jitter: 90)
        let d = digest([
            ("alice", .audio, 0, poor),
            ("alice", .audio, 20_000, poor),   // 10 s missing between
            ("alice", .audio, 30_000, empty),  // nothing measured
            ("alice", .audio, 40_000, poor),
            ("alice", .video, 50_000, poor),
            ("bob", .video, 60_000, poor),
        ])
        #expect(d.drops.map { [$0.startMs, $0.endMs] } == [[0, 10_000], [20_000, 30_000], [40_000, 50_000], [50_000, 60_000], [60_000, 70_000]])
        #expect(d.drops.map(\.participantId) == ["alice", "alice", "alice", "alice", "bob"])
        // Only the drops running to the end of their bar may still be going on.
        #expect(d.drops.map(\.reachesLastSlice) == [false, false, true, true, true])
    }

    @Test("frame rate and freezes are causes in words; moderate slices are no drop")
    func videoCauses() {
        let d = digest([
            ("carol", .screenVideo, 0, figures(jitter: 40)),             // moderate
            ("carol", .video, 0, figures(fps: 4)),
            ("carol", .video, 10_000, figures(fps: 12, freezes: 2)),
        ])
        #expect(d.drops.count == 1)
        #expect(d.drops.first?.lowestFps == 4 && d.drops.first?.freezes == 2)
        #expect(d.drops.first?.causes.map { $0.describe(.default) } == ["frame rate down to 4 fps (poor below 8)", "2 video freezes"])
        #expect(QualityCause.freezes(1).describe(.default) == "1 video freeze")
        // Never a value that reads as within the limit it crossed.
        #expect(QualityCause.loss(percent: 10.3, sent: true).describe(.default) == "packet loss up to 10.3 % of what they sent (poor above 10 %)")
        #expect(QualityCause.loss(percent: 10.04, sent: false).describe(.default) == "packet loss up to 10.04 % of what they received (poor above 10 %)")
        #expect(QualityCause.jitter(ms: 50.4).describe(.default) == "jitter up to 50.4 ms (poor above 50 ms)")
        #expect(QualityCause.fps(7.96).describe(.default) == "frame rate down to 7.96 fps (poor below 8)")
        #expect(QualityCause.fps(7.4).describe(.default) == "frame rate down to 7 fps (poor below 8)")
        #expect(QualityCause.rtt(ms: 712.6).describe(.default) == "round-trip time up to 713 ms (poor above 500 ms)")
    }

    @Test("the digest's summaries are the summaries of the same slices")
    func summaries() {
        let slices = [
            HealthSlice(sessionId: "s", participantId: "alice", kind: .audio, startMs: 0, figures: figures()),
            HealthSlice(sessionId: "s", participantId: "alice", kind: .audio, startMs: 10_000, figures: figures(jitter: 40)),
            HealthSlice(sessionId: "s", participantId: "alice", kind: .audio, startMs: 20_000, figures: figures(jitter: 60)),
            HealthSlice(sessionId: "s", participantId: "bob", kind: .video, startMs: 0, figures: figures(received: 80, lost: 20)),
        ]
        var d = HealthDigest(limits: .default, sliceMs: 10_000)
        for s in slices { d.add(s) }
        #expect(d.summaries["alice"] == HealthSummary.summaries(of: Array(slices[0..<3]), limits: .default))
        #expect(d.summaries["bob"] == [HealthSummary(kind: .video, slices: 1, good: 0, moderate: 0, poor: 1)])
        // Drops come in time order across participants.
        #expect(d.drops.map { "\($0.participantId)@\($0.startMs)" } == ["bob@0", "alice@20000"])
    }

    @Test("as a timeline entry: at its start, with the figures and causes; no end while ongoing")
    func timelineEntry() throws {
        let d = digest([("alice", .video, 10_000, figures(jitter: 12.345, received: 850, lost: 150, rtt: 80))])
        let drop = try #require(d.drops.first)
        let ended = TimelineEntry.qualityDrop(drop, ongoing: false)
        #expect(ended.name == "quality-drop" && ended.participantId == "alice" && ended.tsMs == 10_000 && ended.isProblem)
        let data = ended.data(limits: .default)
        #expect(data["kind"] == .string("video") && data["durationMs"] == .number(10_000) && data["endMs"] == .number(20_000))
        #expect(data["lossPercent"] == .number(15) && data["jitterMs"] == .number(12.3) && data["rttMs"] == .number(80))
        #expect(data["fps"] == nil && data["freezes"] == .number(0) && data["ongoing"] == nil)
        #expect(data["receivedLossPercent"] == .number(15) && data["sentLossPercent"] == nil)
        #expect(data["causes"] == .array([.string("packet loss up to 15 % of what they received (poor above 10 %)")]))
        let ongoing = TimelineEntry.qualityDrop(drop, ongoing: true).data(limits: .default)
        #expect(ongoing["ongoing"] == .bool(true) && ongoing["endMs"] == nil && ongoing["durationMs"] == .number(10_000))
    }
}
