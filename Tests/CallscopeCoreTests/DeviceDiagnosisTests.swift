import CallscopeCore
import Testing

@Suite("Diagnosis: the sender's device")
struct DeviceDiagnosisTests {
    typealias Impairment = SyntheticCall.Impairment

    /// `change` applies to what Alice sends of `kind` from 30 s to 90 s, on every stream.
    static func alice(_ kind: MediaKind = .video, _ change: @escaping (inout Impairment) -> Void)
        -> (String, String?, MediaKind, Int) -> Impairment {
        { sender, _, k, t in
            var imp = Impairment()
            if sender == "alice" && k == kind && (30..<90).contains(t) { change(&imp) }
            return imp
        }
    }

    @Test("a camera delivering 5 fps is Alice's device, whatever the network; nobody's link is blamed")
    func slowCamera() throws {
        var call = SyntheticCall(people: ["alice", "bob", "carol"])
        call.impair = Self.alice { $0.captureFps = 5; $0.sentFps = 5; $0.receivedFps = 5 }
        let d = Diagnosis(graph: call.graph)
        let p = try #require(d.problems.first)
        #expect(d.problems.count == 1, "\(d.verdict)")
        #expect(p.participantId == "alice" && p.direction == .device && p.metric == .captureFrameRate)
        #expect(p.leadingFigure == 5 && p.severity == .moderate)
        #expect(d.verdict.first == "Alice's camera delivered only 5 frames per second from 22:13:50 to 22:14:50 UTC, "
            + "whatever the network: a slow or busy device, a dark room, or a camera another app is using.")
    }

    @Test("an encoder sending a third of the captured frames, without the bandwidth asking, is the device")
    func encoderDrops() throws {
        var call = SyntheticCall(people: ["alice", "bob", "carol"])
        call.impair = Self.alice { $0.captureFps = 30; $0.sentFps = 10; $0.receivedFps = 10 }
        let d = Diagnosis(graph: call.graph)
        let p = try #require(d.problems.first)
        #expect(d.problems.count == 1, "\(d.verdict)")
        #expect(p.direction == .device && p.metric == .encoderFrameRate && abs((p.leadingFigure ?? 0) - 1.0 / 3) < 1e-9)
        #expect(d.verdict.first?.hasPrefix("Alice's device sent only 33 % of the frames its camera captured from ") == true, "\(d.verdict)")
    }

    @Test("frames dropped because the bandwidth estimate asked for it are the uplink's, not the device's")
    func bandwidthDrops() {
        var call = SyntheticCall(people: ["alice", "bob", "carol"])
        call.impair = Self.alice { $0.captureFps = 30; $0.sentFps = 10; $0.receivedFps = 10; $0.limitation = .bandwidth }
        let d = Diagnosis(graph: call.graph)
        #expect(!d.problems.contains { $0.direction == .device }, "\(d.verdict)")
        #expect(d.problems.contains { $0.participantId == "alice" && $0.direction == .uplink && $0.metric == .bandwidth })
    }

    @Test("a camera switched off (black frames at 1 fps, 20 kbit/s) and a still screen share at 5 fps are no device problem")
    func notDevice() {
        var off = SyntheticCall(people: ["alice", "bob", "carol"])
        off.impair = Self.alice { $0.captureFps = 1; $0.sentFps = 1; $0.receivedFps = 1; $0.sentKbps = 20 }
        #expect(Diagnosis(graph: off.graph).problems.isEmpty, "\(Diagnosis(graph: off.graph).verdict)")
        var share = SyntheticCall(people: ["alice", "bob", "carol"])
        share.kinds = [.audio, .video, .screenVideo]
        share.impair = Self.alice(.screenVideo) { $0.captureFps = 5; $0.sentFps = 5; $0.receivedFps = 5 }
        #expect(Diagnosis(graph: share.graph).problems.isEmpty, "\(Diagnosis(graph: share.graph).verdict)")
    }
}

extension DeviceDiagnosisTests {
    @Test("frames dropped while the same sender's uplink is in trouble are the uplink's, even before the encoder says bandwidth")
    func dropsDuringCongestion() throws {
        var call = SyntheticCall(people: ["alice", "bob", "carol"])
        // A cap: loss on everything Alice sends from 30 s; her encoder drops frames from 30 s
        // too, and says `bandwidth` only later.
        call.impair = { s, _, kind, t in
            guard s == "alice", (30..<90).contains(t) else { return Impairment() }
            var imp = Impairment(lossPercent: 12)
            if kind.isVideo {
                imp.captureFps = 30
                imp.sentFps = 6
                imp.receivedFps = 6
                imp.limitation = t >= 60 ? .bandwidth : .none
            }
            return imp
        }
        let d = Diagnosis(graph: call.graph)
        #expect(!d.problems.contains { $0.direction == .device }, "\(d.verdict)")
        let uplink = try #require(d.problems.first { $0.participantId == "alice" && $0.direction == .uplink })
        #expect(uplink.evidence.contains { $0.metric == .encoderFrameRate }, "the drops stay as evidence of the uplink's problem")
    }
}

extension DeviceDiagnosisTests {
    @Test("a camera giving 18 of its usual 30 fps is fine; 11 of its usual 20 is its device falling behind")
    func cameraBelowItsUsualRate() throws {
        var fine = SyntheticCall(people: ["alice", "bob", "carol"])
        fine.sentFps = [.video: 30]
        fine.impair = Self.alice { $0.captureFps = 18; $0.sentFps = 18; $0.receivedFps = 18 }
        #expect(Diagnosis(graph: fine.graph).problems.isEmpty, "\(Diagnosis(graph: fine.graph).verdict)")
        var behind = SyntheticCall(people: ["alice", "bob", "carol"])
        behind.sentFps = [.video: 20]
        behind.impair = Self.alice { $0.captureFps = 11; $0.sentFps = 11; $0.receivedFps = 11 }
        let d = Diagnosis(graph: behind.graph)
        let p = try #require(d.problems.first)
        #expect(d.problems.count == 1 && p.direction == .device && p.metric == .captureFrameRate, "\(d.verdict)")
        #expect(p.leadingFigure == 11)
    }

    /// Alice's browser starved of CPU from 30 s to 90 s, as measured in the impaired suite: her
    /// camera at 11 of its usual 20 fps, what she sends and what she receives jittery (55 ms),
    /// her video frozen at the others and theirs at her, and not one packet lost.
    static func starved(alsoLoss: Double = 0) -> SyntheticCall {
        var call = SyntheticCall(people: ["alice", "bob", "carol"])
        call.sentFps = [.video: 20]
        call.impair = { sender, receiver, kind, t in
            guard (30..<90).contains(t), sender == "alice" || receiver == "alice" else { return Impairment() }
            var imp = Impairment(lossPercent: sender == "alice" ? alsoLoss : 0, jitterMs: 55)
            if kind.isVideo {
                imp.freezes = 1
                if sender == "alice" { imp.captureFps = 11; imp.sentFps = 11; imp.receivedFps = 11 }
            }
            return imp
        }
        return call
    }

    @Test("a starved device: its owner's stalled uplink and downlink, with no packet lost, are the device's evidence, not two link problems")
    func starvedDevice() throws {
        let d = Diagnosis(graph: Self.starved().graph)
        let p = try #require(d.problems.first)
        #expect(d.problems.count == 1, "\(d.problems.map { $0.cause { $0 } }) \(d.verdict)")
        #expect(p.participantId == "alice" && p.direction == .device && p.metric == .captureFrameRate)
        #expect(Set(p.evidence.map(\.metric)).isSuperset(of: [.captureFrameRate, .jitter]))
        #expect(p.affectedParticipantIds == ["alice", "bob", "carol"])
        #expect(d.verdict.first?.hasSuffix("Meanwhile, in what Alice sent and received, video froze and media arrived late and uneven "
            + "with no packet lost: the same device falling behind, not the network.") == true, "\(d.verdict)")
    }

    @Test("a slow camera does not absorb a link problem with packet loss: the loss is the network's")
    func lossStaysTheNetworks() {
        let d = Diagnosis(graph: Self.starved(alsoLoss: 12).graph)
        #expect(d.problems.contains { $0.participantId == "alice" && $0.direction == .uplink }, "\(d.verdict)")
        #expect(d.problems.contains { $0.participantId == "alice" && $0.direction == .device })
    }

    @Test("starved harder: nothing reaching Alice for 14 s and Bob's encoder dropping frames only towards her are her device's doing too")
    func starvedHarder() throws {
        var call = Self.starved()
        let starvedImpairment = call.impair
        call.impair = { sender, receiver, kind, t in
            var imp = starvedImpairment(sender, receiver, kind, t)
            if receiver == "alice" && (50..<64).contains(t) { imp.nothingArrives = true }
            if sender == "bob" && receiver == "alice" && kind == .video && (40..<80).contains(t) {
                imp.captureFps = 20
                imp.sentFps = 8
            }
            return imp
        }
        let d = Diagnosis(graph: call.graph)
        let p = try #require(d.problems.first)
        #expect(d.problems.count == 1, "\(d.problems.map { $0.cause { $0 } }) \(d.verdict)")
        #expect(p.participantId == "alice" && p.direction == .device && p.metric == .captureFrameRate)
        #expect(Set(p.evidence.map(\.metric)).isSuperset(of: [.captureFrameRate, .noMedia]), "\(p.evidence.map(\.metric))")
        #expect(d.verdict.first?.contains("at times nothing arrived for seconds without the packet loss a network fault brings") == true,
                "\(d.verdict)")
    }

    @Test("nothing reaching Alice while only her encoder drops frames (no slow camera, no CPU limit) stays her downlink's problem")
    func cutDownlinkIsNotTheDevice() {
        var call = SyntheticCall(people: ["alice", "bob", "carol"])
        call.impair = { sender, receiver, kind, t in
            var imp = Impairment()
            if receiver == "alice" && (50..<70).contains(t) { imp.nothingArrives = true }
            if sender == "alice" && kind == .video && (40..<80).contains(t) { imp.captureFps = 30; imp.sentFps = 8; imp.receivedFps = 8 }
            return imp
        }
        let d = Diagnosis(graph: call.graph)
        #expect(d.problems.contains { $0.participantId == "alice" && $0.direction == .downlink && $0.metric == .noMedia }, "\(d.verdict)")
    }

    @Test("Bob's encoder dropping frames towards Alice, whose downlink was cut, is evidence of her downlink, not Bob's device")
    func dropsTowardsACutDownlink() throws {
        var call = SyntheticCall(people: ["alice", "bob", "carol"])
        call.impair = { sender, receiver, kind, t in
            var imp = Impairment()
            if receiver == "alice" && (40..<80).contains(t) { imp.nothingArrives = true }
            if sender == "bob" && receiver == "alice" && kind == .video && (40..<80).contains(t) { imp.captureFps = 30; imp.sentFps = 8 }
            return imp
        }
        let d = Diagnosis(graph: call.graph)
        #expect(!d.problems.contains { $0.direction == .device }, "\(d.verdict)")
        let downlink = try #require(d.problems.first { $0.participantId == "alice" && $0.direction == .downlink })
        #expect(downlink.evidence.contains { $0.metric == .encoderFrameRate && $0.key.senderId == "bob" })
    }
}
