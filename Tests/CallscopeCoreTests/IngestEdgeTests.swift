import CallscopeCore
import Testing

/// The edge: every number and string from outside is checked once, and what a key holder can
/// grow is bounded (`IngestLimits`). Each test pins one boundary.
@Suite("Ingest edge: times, IDs and limits")
struct IngestEdgeTests {
    static let t0: Int64 = 1_764_070_000_000

    func decode(_ text: String) throws(IngestValidationError) -> IngestMessage {
        let value: JSONValue
        do { value = try JSONValue.parse(text) } catch {
            throw IngestValidationError(.invalidJSON, "\(error)", field: nil)
        }
        return try IngestMessage.decode(value)
    }

    func refusal(_ text: String, serverNowMs: Int64? = t0) -> IngestValidationError? {
        do {
            let message = try decode(text)
            try message.validateTimes(serverNowMs: serverNowMs, limits: IngestLimits())
            return nil
        } catch {
            return error
        }
    }

    func event(ts: String, extra: String = "") -> String {
        #"{"type":"event","meetingId":"m","participantId":"p","seq":1,"ts":\#(ts),"name":"mute"\#(extra)}"#
    }

    @Test("ts: numbers at the extremes, NaN-like strings and far-off clocks are refused by name")
    func messageTimes() {
        for ts in ["-1e300", "1e300", "-1", "9223372036854775807", "-9223372036854775808", "9007199254740992",
                   "\"NaN\"", "\"Infinity\"", "\"1764070000000\"", "null", "true", "[]"] {
            let error = refusal(event(ts: ts))
            #expect(error?.field == "ts", "ts \(ts)")
        }
        // A day either way of the server's clock is the window: its edges are in, a millisecond beyond is out.
        #expect(refusal(event(ts: "\(Self.t0 + 86_400_000)")) == nil)
        #expect(refusal(event(ts: "\(Self.t0 - 86_400_000)")) == nil)
        #expect(refusal(event(ts: "\(Self.t0 + 86_400_001)"))?.field == "ts")
        #expect(refusal(event(ts: "\(Self.t0 - 86_400_001)"))?.message.contains("from the server's clock") == true)
        // An import has no server clock to compare with: any real time from 1970 on is fine.
        #expect(refusal(event(ts: "0"), serverNowMs: nil) == nil)
    }

    @Test("setupMs, a report's top-level timestamp and a connected event's setupMs are bounded")
    func durations() {
        let join = { (setup: String) in
            #"{"type":"join","meetingId":"m","participantId":"p","seq":1,"ts":\#(Self.t0),"setupMs":\#(setup)}"#
        }
        #expect(refusal(join("840")) == nil)
        #expect(refusal(join("-1"))?.field == "setupMs", "negative durations")
        #expect(refusal(join("86400001"))?.field == "setupMs")
        #expect(refusal(join("1e300"))?.field == "setupMs")
        let stats = { (timestamp: String) in
            #"{"type":"stats","meetingId":"m","participantId":"p","seq":2,"ts":\#(Self.t0),"pc":"pc1","delta":{},"timestamp":\#(timestamp)}"#
        }
        #expect(refusal(stats("\(Self.t0 + 5)")) == nil)
        #expect(refusal(stats("-1e300"))?.field == "timestamp")
        #expect(refusal(stats("1e300"))?.field == "timestamp")
        #expect(refusal(stats("\(Self.t0 + 86_400_001)"))?.field == "timestamp")
        let connected = { (setup: String) in event(ts: "\(Self.t0)").replacingOccurrences(of: "\"mute\"", with: "\"connected\",\"data\":{\"setupMs\":\(setup)}") }
        #expect(refusal(connected("900")) == nil)
        #expect(refusal(connected("-5"))?.field == "data.setupMs")
        #expect(refusal(connected("\"soon\""))?.field == "data.setupMs")
    }

    @Test("IDs count bytes, not characters, and the same rules hold for meeting, participant and pc IDs")
    func ids() throws {
        // One "character": an e with 2,000 combining acute accents (4 KB of UTF-8).
        let oneGrapheme = "e" + String(repeating: "\u{301}", count: 2_000)
        #expect(oneGrapheme.count == 1)
        for field in ["meetingId", "participantId", "pc", "remoteParticipantId"] {
            var members = ["meetingId": "m", "participantId": "p", "pc": "pc1", "remoteParticipantId": "r"]
            members[field] = oneGrapheme
            let text = #"{"type":"stats","meetingId":"\#(members["meetingId"]!)","participantId":"\#(members["participantId"]!)","seq":1,"ts":\#(Self.t0),"pc":"\#(members["pc"]!)","remoteParticipantId":"\#(members["remoteParticipantId"]!)","report":[]}"#
            #expect(refusal(text)?.field == field, "\(field)")
        }
        #expect(throws: IngestValidationError.self) { try IngestID.validate(String(repeating: "ë", count: 65), name: "x", field: "x") }
        try IngestID.validate(String(repeating: "ë", count: 64), name: "x", field: "x")   // 128 bytes
        for control in ["a\u{0}b", "a\u{7F}", "a\u{85}b", "line\nbreak"] {
            #expect(throws: IngestValidationError.self) { try IngestID.validate(control, name: "x", field: "x") }
        }
    }

    @Test("event data and client-hint brands are bounded")
    func payloadSizes() {
        let big = String(repeating: "a", count: IngestMessage.maxDataBytes)
        #expect(refusal(event(ts: "\(Self.t0)", extra: #","data":{"x":"\#(big)"}"#))?.field == "data")
        let brands = (0..<33).map { #"{"brand":"b\#($0)","version":"1"}"# }.joined(separator: ",")
        let join = #"{"type":"join","meetingId":"m","participantId":"p","seq":1,"ts":\#(Self.t0),"userAgentData":{"brands":[\#(brands)]}}"#
        #expect(refusal(join)?.field == "userAgentData.brands")
    }
}

@Suite("Ingest limits: admission")
struct AdmissionTests {
    let t0 = IngestEdgeTests.t0

    func stats(_ pid: String, seq: Int64, meeting: String = "m") -> IngestMessage {
        IngestMessage(meetingId: meeting, participantId: pid, seq: seq, tsMs: t0,
                      payload: .event(name: "tick", data: .object([:])))
    }

    func admit(_ tracker: inout SessionTracker, _ message: IngestMessage, limits: IngestLimits,
               ongoing: Int? = nil) -> IngestValidationError? {
        let count = ongoing ?? tracker.ongoingSessionCount(projectId: "p")
        if let refusal = tracker.admission(message, projectId: "p", limits: limits, ongoingInProject: { count }) {
            return refusal
        }
        _ = tracker.accept(message, projectId: "p", serverNowMs: 0)
        return nil
    }

    @Test("participants per meeting and ongoing meetings per project")
    func counts() {
        var limits = IngestLimits()
        limits.maxParticipantsPerMeeting = 3
        limits.maxOngoingMeetingsPerProject = 2
        var tracker = SessionTracker()
        for pid in ["a", "b", "c"] { #expect(admit(&tracker, stats(pid, seq: 1), limits: limits) == nil) }
        let fourth = admit(&tracker, stats("d", seq: 1), limits: limits)
        #expect(fourth?.code == .limitExceeded && fourth?.field == "participantId")
        #expect(admit(&tracker, stats("a", seq: 2), limits: limits) == nil, "those already in go on")
        #expect(admit(&tracker, stats("x", seq: 1, meeting: "m2"), limits: limits) == nil)
        #expect(tracker.ongoingSessionCount(projectId: "p") == 2)
        let third = admit(&tracker, stats("y", seq: 1, meeting: "m3"), limits: limits)
        #expect(third?.code == .limitExceeded && third?.field == "meetingId")
        // Another shard's meetings count too.
        var other = SessionTracker()
        #expect(admit(&other, stats("z", seq: 1, meeting: "m9"), limits: limits, ongoing: 2)?.code == .limitExceeded)
        // A meeting that ends frees its place.
        let leave = IngestMessage(meetingId: "m2", participantId: "x", seq: 2, tsMs: t0 + 1, payload: .leave(reason: "left"))
        #expect(admit(&tracker, leave, limits: limits) == nil)
        #expect(tracker.ongoingSessionCount(projectId: "p") == 1)
        #expect(admit(&tracker, stats("y", seq: 1, meeting: "m3"), limits: limits) == nil)
    }

    @Test("seqs far beyond the highest, and gaps beyond the limit, are refused; duplicates never")
    func seqs() {
        var limits = IngestLimits()
        limits.maxSeqRanges = 4
        limits.maxSeqJump = 1_000
        var tracker = SessionTracker()
        #expect(admit(&tracker, stats("a", seq: 5_000_000), limits: limits) == nil, "a first seq may be anything")
        #expect(admit(&tracker, stats("a", seq: 5_001_000), limits: limits) == nil)
        // A collector that lost its state restarts at Date.now() (protocol §5.1): up to its ts + a day is fine.
        #expect(admit(&tracker, stats("a", seq: t0 + 3_600_000), limits: limits) == nil)
        #expect(admit(&tracker, stats("a", seq: t0 + 86_400_000 + 3_600_001), limits: limits)?.field == "seq",
                "beyond both the jump and the message's clock")
        // Gapped seqs 0, 2, 4, …: four ranges are allowed, the fifth gap is refused, filling a gap is fine.
        var gapped = SessionTracker()
        for seq in [0, 2, 4, 6] as [Int64] { #expect(admit(&gapped, stats("g", seq: seq), limits: limits) == nil) }
        #expect(admit(&gapped, stats("g", seq: 8), limits: limits)?.code == .limitExceeded)
        #expect(admit(&gapped, stats("g", seq: 7), limits: limits) == nil, "touches a range: no new gap")
        #expect(admit(&gapped, stats("g", seq: 1), limits: limits) == nil, "closes a gap")
        #expect(admit(&gapped, stats("g", seq: 2), limits: limits) == nil, "a duplicate is always admitted")
    }

    @Test("a backend's service message finds a session by ID in its own project only")
    func serviceStaysInItsProject() throws {
        var tracker = SessionTracker()
        guard case .accepted(let sessionId, _, _) = tracker.accept(stats("a", seq: 1), projectId: "p", serverNowMs: 0) else {
            Issue.record("not accepted")
            return
        }
        let service = IngestMessage(meetingId: nil, participantId: nil, seq: nil, tsMs: t0,
                                    payload: .service(.init(service: .recording, action: .started, sessionId: sessionId)))
        #expect(tracker.accept(service, projectId: "other", serverNowMs: 0) == .ignored(reason: "no ongoing session for this service message"))
        guard case .accepted = tracker.accept(service, projectId: "p", serverNowMs: 0) else {
            Issue.record("the session's own project is refused")
            return
        }
    }
}

@Suite("Seq ranges under attack")
struct SeqRangesBoundsTests {
    @Test("binary insertion matches a plain set, in any order")
    func matchesASet() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<50 {
            var ranges = SeqRanges()
            var reference = Set<Int64>()
            for _ in 0..<200 {
                let seq = Int64(rng.next() % 300)
                #expect(ranges.insert(seq) == reference.insert(seq).inserted)
            }
            #expect(ranges.ranges.flatMap { Array($0) } == reference.sorted())
            for seq in 0..<300 as Range<Int64> { #expect(ranges.contains(seq) == reference.contains(seq)) }
            for r in ranges.ranges.dropFirst() { #expect(r.lowerBound > 1) }
        }
    }

    @Test("wouldAddRange tells a new gap from a seq that touches a range")
    func wouldAdd() {
        let ranges = SeqRanges([1...5, 10...12])
        #expect(!ranges.wouldAddRange(3) && !ranges.wouldAddRange(6) && !ranges.wouldAddRange(0))
        #expect(!ranges.wouldAddRange(9) && !ranges.wouldAddRange(13))
        #expect(ranges.wouldAddRange(7) && ranges.wouldAddRange(8) && ranges.wouldAddRange(14))
    }
}

@Suite("Numbers that cannot trap")
struct SaturationTests {
    @Test("saturating Int64 arithmetic at the boundaries")
    func saturating() {
        #expect(Int64.max.adding(saturating: 1) == .max)
        #expect(Int64.min.adding(saturating: -1) == .min)
        #expect(Int64.min.subtracting(saturating: 1) == .min)
        #expect(Int64.max.subtracting(saturating: -1) == .max)
        #expect(Int64(0).subtracting(saturating: .min) == .max)
        #expect(Int64.max.multiplied(saturating: 2) == .max)
        #expect(Int64.min.multiplied(saturating: 2) == .min)
        #expect(Int64(-3).multiplied(saturating: Int64.max) == .min)
        #expect(Int64(40).adding(saturating: 2) == 42)
        #expect(EpochTime.clamped(.min) == 0 && EpochTime.clamped(.max) == EpochTime.maxMs)
    }

    @Test("a health slice's sums stay at 2^53 however many hostile samples it gathers")
    func healthSums() {
        var sample = StreamSample(tsMs: 0, side: .receiver)
        sample.packets = StreamSample.maxCount
        sample.packetsLost = StreamSample.maxCount
        sample.freezeCount = StreamSample.maxCount
        var slice = HealthAccumulator()
        for _ in 0..<5_000 { slice.add(sample, judgeFps: true) }
        #expect(slice.packetsExpected == StreamSample.maxCount && slice.packetsLost == StreamSample.maxCount)
        var merged = slice
        for _ in 0..<100 { merged.merge(slice) }
        #expect(merged.freezeCount == StreamSample.maxCount)
        #expect(merged.colour(.default) == .poor)
    }

    @Test("a sample keeps only what a real stream can show")
    func sampleBounds() {
        var sample = StreamSample(tsMs: 0, side: .receiver)
        sample.jitterMs = 1e303
        sample.rttMs = -1
        sample.bitrateKbps = .infinity
        sample.fps = 30
        sample.frameWidth = 1 << 40
        sample.frameHeight = 720
        sample.lossPercent = 250
        sample.concealmentPercent = -.infinity
        sample.packets = .max
        sample.packetsLost = .min
        sample.bound()
        #expect(sample.jitterMs == nil && sample.rttMs == nil && sample.bitrateKbps == nil)
        #expect(sample.fps == 30 && sample.frameWidth == nil && sample.frameHeight == 720)
        #expect(sample.lossPercent == 100 && sample.concealmentPercent == nil)
        #expect(sample.packets == StreamSample.maxCount && sample.packetsLost == -StreamSample.maxCount)
    }

    @Test("a health digest of slices at the end of time does not overflow")
    func digestAtTheEnd() {
        var poor = HealthAccumulator()
        var sample = StreamSample(tsMs: 0, side: .receiver)
        sample.jitterMs = 500
        poor.add(sample, judgeFps: true)
        var digest = HealthDigest(limits: .default, sliceMs: 10_000)
        digest.add(participantId: "a", kind: .audio, startMs: .max - 5, figures: poor)
        digest.add(participantId: "a", kind: .audio, startMs: .max, figures: poor)
        digest.add(participantId: "b", kind: .audio, startMs: .min, figures: poor)
        #expect(digest.drops.count >= 2)
        #expect(digest.drops.allSatisfy { $0.durationMs >= 0 })
    }
}

@Suite("Stats bounds")
struct StatsBoundsTests {
    static let t0 = IngestEdgeTests.t0

    func report(_ count: Int, timestamp: Double = Double(t0)) -> JSONValue {
        .array((0..<count).map { i in
            .object(["id": .string("S\(i)"), "type": .string("codec"), "timestamp": .number(timestamp)])
        })
    }

    @Test("a report over maxStatsPerReport is refused; so is a delta that would grow it past it")
    func statCount() throws {
        var options = StatsDerivationOptions()
        options.maxStatsPerReport = 10
        var pc = PeerConnectionStats(options: options)
        let context = StreamContext(participantId: "p", messageTsMs: Self.t0)
        #expect(throws: StatsInputError.self) { _ = try pc.ingest(report: report(11), context: context) }
        _ = try pc.ingest(report: report(10), context: context)
        let grow = JSONValue.object(["NEW": .object(["type": .string("codec")])])
        #expect(throws: StatsInputError.self) { _ = try pc.ingest(delta: grow, timestampMs: nil, context: context) }
        #expect(pc.lastReport?.count == 10, "a refused delta changes nothing")
        // Removing one makes room for one.
        let swap = JSONValue.object(["S0": .null, "NEW": .object(["type": .string("codec")])])
        _ = try pc.ingest(delta: swap, timestampMs: nil, context: context)
        #expect(pc.lastReport?.count == 10)
    }

    @Test("a label section over its limit is refused; a label's remoteParticipantId follows the ID rules")
    func labels() {
        let many = JSONValue.object(["mid": .object(Dictionary(uniqueKeysWithValues: (0..<257).map {
            ("\($0)", JSONValue.object(["kind": .string("audio")]))
        }))])
        #expect(throws: StatsInputError.self) { _ = try StreamLabels(parsing: many) }
        let control = JSONValue.object(["mid": .object(["1": .object(["remoteParticipantId": .string("a\u{0}b")])])])
        #expect(throws: StatsInputError.self) { _ = try StreamLabels(parsing: control) }
    }

    @Test("stats timed far from their message are dropped and counted, the others kept")
    func statTimestamps() throws {
        let stats = JSONValue.array([
            .object(["id": .string("IN1"), "type": .string("inbound-rtp"), "kind": .string("audio"), "ssrc": .number(1),
                     "timestamp": .number(-1e300), "packetsReceived": .number(10), "jitter": .number(0.01)]),
            .object(["id": .string("IN2"), "type": .string("inbound-rtp"), "kind": .string("video"), "ssrc": .number(2),
                     "timestamp": .number(1e300), "packetsReceived": .number(10), "jitter": .number(0.01)]),
            .object(["id": .string("IN3"), "type": .string("inbound-rtp"), "kind": .string("video"), "ssrc": .number(3),
                     "timestamp": .number(Double(Self.t0 + 1_000)), "packetsReceived": .number(10), "jitter": .number(0.01)]),
        ])
        var pc = PeerConnectionStats()
        let samples = try pc.ingest(report: stats, context: StreamContext(participantId: "p", remoteParticipantId: "r",
                                                                          messageTsMs: Self.t0))
        #expect(samples.count == 1 && samples.first?.sample.tsMs == Self.t0 + 1_000)
        #expect(pc.droppedStats == 2)
    }
}
