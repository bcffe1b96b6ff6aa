import CallscopeCore
import Testing

@Suite("Diagnosis")
struct DiagnosisTests {
    typealias Impairment = SyntheticCall.Impairment

    /// `loss` % on what `who` sends (uplink) or receives (downlink), from 30 s to 90 s.
    static func lossy(uplinkOf: String? = nil, downlinkOf: String? = nil, percent: Double = 12)
        -> (String, String?, MediaKind, Int) -> Impairment {
        { sender, receiver, _, t in
            guard (30..<90).contains(t) else { return Impairment() }
            if sender == uplinkOf && (receiver != nil || uplinkOf != nil) { return Impairment(lossPercent: percent) }
            if let r = receiver, r == downlinkOf { return Impairment(lossPercent: percent) }
            return Impairment()
        }
    }

    @Test("a clean call is fine and blames nobody")
    func clean() {
        let d = Diagnosis(graph: SyntheticCall(people: ["alice", "bob", "carol"]).graph)
        #expect(d.problems.isEmpty)
        #expect(d.verdict == ["The call was fine: nobody had lasting packet loss, jitter, delay, frozen or choppy video."])
    }

    @Test("one sender's uplink loss blames that sender's uplink, and nobody else")
    func uplink() throws {
        var call = SyntheticCall(people: ["alice", "bob", "carol"])
        call.impair = Self.lossy(uplinkOf: "alice")
        let d = Diagnosis(graph: call.graph)
        let p = try #require(d.problems.first)
        #expect(d.problems.count == 1, "\(d.problems)")
        #expect(p.participantId == "alice" && p.direction == .uplink && p.metric == .loss)
        #expect(p.affectedParticipantIds == ["bob", "carol"] && p.affectedSenderIds == ["alice"])
        #expect(p.severity == .severe && p.leadingFigure == 12)
        // The window opens on the first bad sample once 3 of 5 were bad over ≥ 4 s: at 30 s.
        #expect(p.startMs == call.time(30) && p.endMs == call.time(90))
        #expect(d.verdict == ["Alice's uplink lost 12 % of what Alice sent from 22:13:50 to 22:14:50 UTC; "
            + "everyone receiving Alice heard broken audio.", "Nobody else had problems."])
        #expect(d.problems(of: "alice").count == 1 && d.problems(sufferedBy: "bob").count == 1 && d.problems(of: "bob").isEmpty)
    }

    @Test("one receiver's downlink loss blames that receiver's downlink")
    func downlink() throws {
        var call = SyntheticCall(people: ["alice", "bob", "carol"])
        call.impair = Self.lossy(downlinkOf: "bob")
        let d = Diagnosis(graph: call.graph)
        let p = try #require(d.problems.first)
        #expect(d.problems.count == 1, "\(d.problems)")
        #expect(p.participantId == "bob" && p.direction == .downlink && p.metric == .loss)
        #expect(p.affectedSenderIds == ["alice", "carol"])
        #expect(d.verdict.first?.hasPrefix("Bob's downlink lost 12 % of what Bob received, from every sender,") == true)
        #expect(d.verdict.count == 2 && d.verdict.last == "Nobody else had problems.")
    }

    @Test("two impaired at once, in different directions, in a call of four: both found, the others not blamed")
    func twoAtOnce() {
        var call = SyntheticCall(people: ["alice", "bob", "carol", "dave"])
        let up = Self.lossy(uplinkOf: "alice"), down = Self.lossy(downlinkOf: "bob")
        call.impair = { s, r, k, t in SyntheticCall.combined(up(s, r, k, t), down(s, r, k, t)) }
        let d = Diagnosis(graph: call.graph)
        let blamed = Set(d.problems.map { "\($0.participantId ?? "-") \($0.direction.rawValue)" })
        #expect(blamed == ["alice uplink", "bob downlink"], "\(d.verdict)")
    }

    @Test("two impaired at once: the downlink's sentence does not claim the others received the same senders fine")
    func twoAtOnceWording() {
        var call = SyntheticCall(people: ["alice", "bob", "carol"])
        let up = Self.lossy(uplinkOf: "alice"), down = Self.lossy(downlinkOf: "bob", percent: 20)
        call.impair = { s, r, k, t in SyntheticCall.combined(up(s, r, k, t), down(s, r, k, t)) }
        let d = Diagnosis(graph: call.graph)
        let blamed = Set(d.problems.map { "\($0.participantId ?? "-") \($0.direction.rawValue)" })
        #expect(blamed == ["alice uplink", "bob downlink"], "\(d.verdict)")
        let downlink = d.verdict.first { $0.hasPrefix("Bob's downlink") }
        #expect(downlink?.hasSuffix("UTC.") == true, "\(d.verdict)")
        // alice→bob carries both (30 % lost): each problem's figure comes from its own edges,
        // Alice's from what Carol got of her, Bob's from what he got of Carol.
        #expect(d.problems.first { $0.direction == .uplink }?.leadingFigure == 12, "\(d.verdict)")
        #expect(d.problems.first { $0.direction == .downlink }?.leadingFigure == 20, "\(d.verdict)")
    }

    @Test("a downlink that delays and jitters audio: Bob's downlink, by the jitter buffer plus half the round trip")
    func downlinkDelay() throws {
        var call = SyntheticCall(people: ["alice", "bob", "carol"])
        // 150 ms more on the way to Bob: every round trip through him grows by 150 ms, and his
        // buffers hold 170 ms more to smooth the jitter.
        call.impair = { s, r, _, t in
            guard (30..<90).contains(t) else { return Impairment() }
            if r == "bob" { return Impairment(extraRttMs: 150, extraJitterBufferMs: 170) }
            return s == "bob" ? Impairment(extraRttMs: 150) : Impairment()
        }
        let d = Diagnosis(graph: call.graph)
        let p = try #require(d.problems.first)
        #expect(d.problems.count == 1, "\(d.verdict)")
        #expect(p.participantId == "bob" && p.direction == .downlink && p.metric == .delay)
        // (30 + 170) ms in the buffer + (40 + 150) / 2 ms of the round trip = 295 ms.
        #expect(p.leadingFigure == 295 && p.severity == .moderate)
        #expect(d.verdict.first?.hasPrefix("Bob's downlink delayed audio by 295 ms on the way in, from every sender,") == true,
                "\(d.verdict)")
        #expect(d.verdict.first?.hasSuffix("; the others received the same senders fine.") == true)
    }

    @Test("a downlink is led by what its receiver measured, not by the senders' bandwidth-limited encoders")
    func downlinkLeadIsReceiverSide() throws {
        var call = SyntheticCall(people: ["alice", "bob", "carol"])
        // As measured in the delay scenario of the impaired-call suite: the senders' estimates of
        // the path to Bob drop, so their encoders for Bob are limited by bandwidth too.
        call.impair = { s, r, kind, t in
            guard (30..<90).contains(t) else { return Impairment() }
            if r == "bob" {
                return Impairment(extraRttMs: 150, extraJitterBufferMs: 170, limitation: kind.isVideo ? .bandwidth : .none)
            }
            return s == "bob" ? Impairment(extraRttMs: 150) : Impairment()
        }
        let d = Diagnosis(graph: call.graph)
        let p = try #require(d.problems.first)
        #expect(p.participantId == "bob" && p.direction == .downlink && p.metric == .delay, "\(d.verdict)")
        #expect(p.evidence.contains { $0.metric == .bandwidth }, "the limited encoders stay as evidence")
    }

    @Test("a long round trip with a quiet jitter buffer is not called a downlink delay")
    func roundTripIsNotDelay() {
        var call = SyntheticCall(people: ["alice", "bob", "carol"])
        // 400 ms round trips: half is 200 ms one way, past G.114's 150 ms, but the buffer holds
        // 30 ms, less than half of the 230 ms, so no direction can be claimed; the RTT limit
        // (300 ms) blames Bob's connection instead.
        call.impair = { s, r, _, t in (s == "bob" || r == "bob") && (30..<90).contains(t) ? Impairment(extraRttMs: 360) : Impairment() }
        let d = Diagnosis(graph: call.graph)
        #expect(!d.problems.contains { $0.metric == .delay }, "\(d.verdict)")
        #expect(d.problems.map(\.direction) == [.unknown] && d.problems.first?.metric == .rtt, "\(d.verdict)")
    }

    @Test("a call that ended during a problem does not say it is still going on")
    func endedCall() throws {
        var call = SyntheticCall(people: ["alice", "bob", "carol"])
        call.impair = { s, _, _, t in s == "alice" && t >= 60 ? Impairment(lossPercent: 12) : Impairment() }
        let live = try #require(Diagnosis(graph: call.graph).problems.first)
        #expect(live.ongoing)
        let ended = Diagnosis(graph: call.graph, callEnded: true)
        let p = try #require(ended.problems.first)
        #expect(!p.ongoing && p.endMs == call.time(120))
        #expect(ended.verdict.first?.contains("still going on") == false && ended.verdict.first?.contains(" to 22:15:20 UTC") == true,
                "\(ended.verdict)")
    }

    @Test("in a call of two a bad path is not pinned on either end")
    func callOfTwo() throws {
        var call = SyntheticCall(people: ["alice", "bob"])
        call.impair = Self.lossy(uplinkOf: "alice")
        let d = Diagnosis(graph: call.graph)
        let p = try #require(d.problems.first)
        #expect(d.problems.count == 1)
        #expect(p.direction == .unknown && p.participantId == "alice" && p.otherParticipantId == "bob")
        #expect(d.verdict.first?.contains("In a call of two this is either Alice's uplink or Bob's downlink") == true)
    }

    @Test("through an SFU, the server's own RTCP pins a sender's uplink even in a call of two")
    func sfuUplink() throws {
        var call = SyntheticCall(people: ["alice", "bob"])
        call.sfu = true
        call.impair = { s, r, _, t in r == nil && s == "alice" && (30..<90).contains(t) ? Impairment(lossPercent: 12) : Impairment() }
        let d = Diagnosis(graph: call.graph)
        #expect(d.problems.map(\.direction) == [.uplink] && d.problems.first?.participantId == "alice", "\(d.verdict)")
    }

    @Test("every stream through the SFU at once blames the shared path, not everyone")
    func shared() throws {
        var call = SyntheticCall(people: ["alice", "bob", "carol"])
        call.sfu = true
        call.impair = { _, r, _, t in r != nil && (30..<90).contains(t) ? Impairment(lossPercent: 15) : Impairment() }
        let d = Diagnosis(graph: call.graph)
        let p = try #require(d.problems.first)
        #expect(d.problems.count == 1, "\(d.verdict)")
        #expect(p.direction == .relay && p.participantId == nil)
        #expect(d.verdict.first?.contains("they all go through the SFU") == true)
    }

    @Test("a single spike, a freeze at video start and a still screen share at 5 fps make no problem")
    func noise() {
        var call = SyntheticCall(people: ["alice", "bob", "carol"])
        call.kinds = [.audio, .video, .screenVideo]
        call.sentFps = [.video: 30, .screenVideo: 5]
        call.impair = { _, _, kind, t in
            var i = Impairment()
            if t == 40 { i.lossPercent = 60; i.jitterMs = 400 }
            if kind == .video && t <= 2 { i.freezes = 1 }
            if kind == .screenVideo { i.receivedFps = 5 }
            return i
        }
        let d = Diagnosis(graph: call.graph)
        #expect(d.problems.isEmpty, "\(d.verdict)")
    }

    @Test("a CPU-limited encoder is the sender's device")
    func device() throws {
        var call = SyntheticCall(people: ["alice", "bob", "carol"])
        call.impair = { s, r, k, t in
            s == "carol" && r != nil && k == .video && (20..<80).contains(t) ? Impairment(limitation: .cpu) : Impairment()
        }
        let d = Diagnosis(graph: call.graph)
        #expect(d.problems.map(\.direction) == [.device] && d.problems.first?.participantId == "carol", "\(d.verdict)")
        #expect(d.verdict.first?.hasPrefix("Carol's device could not keep up") == true)
    }

    @Test("hysteresis: a problem opened at 12 % stays open at 4 % and closes only below 3.3 %")
    func hysteresis() throws {
        var call = SyntheticCall(people: ["alice", "bob"])
        call.kinds = [.audio]
        call.impair = { s, r, _, t in
            guard s == "alice", r == "bob" else { return Impairment() }
            return Impairment(lossPercent: (20..<40).contains(t) ? 12 : (40..<60).contains(t) ? 4 : 0)
        }
        let d = Diagnosis(graph: call.graph)
        let p = try #require(d.problems.first)
        #expect(d.problems.count == 1)
        #expect(p.startMs == call.time(20) && p.endMs == call.time(60))
    }

    @Test("loss that only RTCP every 6 s reports closes after two clear reports, not three: no problem 'still going on' after it ended")
    func sparseReportsClose() throws {
        // Sender side of alice→bob audio, a sample every 2 s, a fresh RTCP figure every third:
        // 12 % lost in the reports at 12…36 s, 0 % at 42 s and 48 s, the call's last sample at 50 s.
        let t0: Int64 = 1_700_000_000_000
        let samples = stride(from: Int64(0), through: 50, by: 2).map { t -> StreamSample in
            var s = StreamSample(tsMs: t0 + t * 1000, side: .sender)
            s.packets = 50
            if t % 6 == 0 {
                let lost = (12...36).contains(t) ? 12.0 : 0
                s.lossPercent = lost
                s.packetsLost = Int64(lost * 3)
            }
            return s
        }
        let key = StreamKey(senderId: "alice", receiverId: "bob", kind: .audio)
        let graph = CallGraph(series: [StreamSeries(key: key, side: .sender, samples: samples)])
        let loss = SymptomDetector(levels: ProblemLevels()).symptoms(of: graph.series[0], in: graph).filter { $0.metric == .loss }
        let symptom = try #require(loss.first)
        #expect(loss.count == 1 && symptom.startMs == t0 + 12_000)
        #expect(symptom.endMs == t0 + 42_000 && !symptom.openAtEnd, "closed at the first of the two clear reports")
    }

    @Test("a round trip blames a participant's connection, without claiming a direction")
    func roundTrip() throws {
        var call = SyntheticCall(people: ["alice", "bob", "carol"])
        call.impair = { s, r, _, t in (s == "bob" || r == "bob") && (30..<90).contains(t) ? Impairment(extraRttMs: 600) : Impairment() }
        let d = Diagnosis(graph: call.graph)
        let p = try #require(d.problems.first)
        #expect(d.problems.count == 1, "\(d.verdict)")
        #expect(p.participantId == "bob" && p.direction == .unknown && p.metric == .rtt)
        #expect(d.verdict.first?.hasPrefix("Bob's connection had a round-trip time of 640 ms") == true)
    }

    @Test("a long round trip in a call of two is one problem of the connection between the two, not one per direction")
    func roundTripOfTwo() throws {
        var call = SyntheticCall(people: ["alice", "bob"])
        call.impair = { _, _, _, t in (30..<90).contains(t) ? Impairment(extraRttMs: 600) : Impairment() }
        let d = Diagnosis(graph: call.graph)
        let p = try #require(d.problems.first)
        #expect(d.problems.count == 1, "\(d.verdict)")
        #expect(p.direction == .unknown && p.metric == .rtt && Set([p.participantId, p.otherParticipantId]) == ["alice", "bob"])
        #expect(Set(p.evidence.map(\.key.senderId)) == ["alice", "bob"], "both ends' measurements are its evidence")
        #expect(p.cause { $0 } == "the connection between alice and bob")
        #expect(d.verdict.first == "The connection between Alice and Bob had a round-trip time of 640 ms from 22:13:50 to 22:14:50 UTC; "
            + "a round trip cannot tell whose side added the delay, and in a call of two nothing else can.", "\(d.verdict)")
    }

    @Test("evidence of a metric where lower is worse lists the lowest first")
    func evidenceOrder() throws {
        var call = SyntheticCall(people: ["alice", "bob", "carol"])
        // What Alice sends reaches Bob at 20 % of its frame rate and Carol at 40 %.
        call.impair = { s, r, kind, t in
            guard s == "alice", kind.isVideo, (30..<90).contains(t) else { return Impairment() }
            return Impairment(receivedFps: r == "bob" ? 6 : 12)
        }
        let d = Diagnosis(graph: call.graph)
        let rates = try #require(d.problems.first).evidence.filter { $0.metric == .frameRate }
        #expect(rates.map(\.key.receiverId) == ["bob", "carol"], "\(rates.map(\.worst))")
    }

    @Test("random loss, mostly repaired video and audio RTCP every third tick: still the right link, over 40 seeds",
          arguments: [("uplink", "alice"), ("downlink", "bob")])
    func noisy(direction: String, who: String) {
        var right = 0
        for seed in UInt64(1)...40 {
            var call = SyntheticCall(people: ["alice", "bob", "carol"], seconds: 150)
            call.seed = seed
            call.impair = direction == "uplink" ? Self.lossy(uplinkOf: who, percent: 10) : Self.lossy(downlinkOf: who, percent: 10)
            let d = Diagnosis(graph: call.graph)
            let blamed = d.problems.map { "\($0.participantId ?? "-") \($0.direction.rawValue)" }
            if blamed == ["\(who) \(direction)"] { right += 1 } else { print("seed \(seed): \(d.verdict)") }
        }
        #expect(right >= 38, "right in \(right) of 40")
    }

    @Test("a clean call with random 1 % loss blames nobody, over 40 seeds")
    func noisyClean() {
        var blamed = 0
        for seed in UInt64(1)...40 {
            var call = SyntheticCall(people: ["alice", "bob", "carol", "dave"], seconds: 150)
            call.seed = seed
            call.impair = { _, _, _, _ in Impairment(lossPercent: 1) }
            if !Diagnosis(graph: call.graph).problems.isEmpty { blamed += 1 }
        }
        #expect(blamed == 0)
    }

    @Test("no statistics: nothing to judge")
    func empty() {
        #expect(Diagnosis(graph: CallGraph(series: [])).verdict == ["No media statistics arrived, so there is nothing to judge."])
    }
}

extension DiagnosisTests {
    @Test("a sender only known as an SFU's unnamed stream is 'remote sender 7', and one receiver's view is said to be only that")
    func unnamedSender() throws {
        var call = SyntheticCall(people: ["alice", "unknown:7"])
        call.impair = { sender, _, kind, t in
            var imp = SyntheticCall.Impairment()
            if sender == "unknown:7" && kind == .video && (30..<90).contains(t) { imp.receivedFps = 9 }
            return imp
        }
        var graph = call.graph
        graph.names["unknown:7"] = nil
        let d = Diagnosis(graph: graph)
        let first = try #require(d.verdict.first)
        #expect(first.hasPrefix("Remote sender 7's video to Alice delivered video at 30 % of the frame rate sent"), "\(first)")
        #expect(first.hasSuffix("Seen from Alice's side alone, this is either the sender's uplink, the server, or Alice's downlink; "
            + "the statistics cannot tell them apart."), "\(first)")
    }
}
