import CallscopeCore
import Testing

@Suite("Quality scores over time")
struct QualityScoresTests {
    // Hand-computed (docs/quality.md §2): clean audio has RTT 40 ms (sender side) and a 30 ms
    // jitter buffer, so d = 40/2 + 30 = 50 ms, Id = 0.024 · 50 = 1.2, R = 93.2 − 1.2 = 92.0 and
    // MOS = 1 + 0.035 · 92 + 7e-6 · 92 · 32 · 8 = 4.384864.
    static let cleanMOS = 4.384864
    // 12 % loss: Ie,eff = 95 · 12 / (12 + 25.1) = 30.72776, R = 61.27224,
    // MOS = 1 + 0.035 · R + 7e-6 · R · (R − 60) · (100 − R) = 3.165660.
    static let lossyMOS = 3.165660

    @Test("per stream, per slice: the E-model MOS for audio, the video score for video, from the samples")
    func streams() throws {
        var call = SyntheticCall(people: ["alice", "bob", "carol"])
        call.impair = DiagnosisTests.lossy(uplinkOf: "alice")
        let scores = QualityScores(graph: call.graph, sliceMs: 10_000)
        #expect(scores.streams.count == 12)
        let audio = try #require(scores.streams.first { $0.key == StreamKey(senderId: "alice", receiverId: "bob", kind: .audio) })
        #expect(audio.scores.points.count == 13)
        let at = { (second: Int) in audio.scores.points.first { $0.startMs == call.time(second) }?.score ?? .nan }
        #expect(abs(at(0) - Self.cleanMOS) < 1e-5 && abs(at(30) - Self.lossyMOS) < 1e-5 && abs(at(90) - Self.cleanMOS) < 1e-5)
        #expect(abs((audio.scores.worst ?? 0) - Self.lossyMOS) < 1e-5)
        #expect(abs((audio.scores.median ?? 0) - Self.cleanMOS) < 1e-5, "7 clean slices of 13")
        // Video: 12 % loss left unrepaired, full frame rate: 1 + 4 · (1 − 12/20) = 2.6.
        let video = try #require(scores.streams.first { $0.key == StreamKey(senderId: "alice", receiverId: "carol", kind: .video) })
        #expect(video.scores.points.first { $0.startMs == call.time(50) }?.score == 2.6)
        #expect(video.scores.points.first { $0.startMs == call.time(100) }?.score == 5)
    }

    @Test("per participant: what each heard (mean over senders) and how each was received (mean over receivers)")
    func participants() throws {
        var call = SyntheticCall(people: ["alice", "bob", "carol"])
        call.impair = DiagnosisTests.lossy(uplinkOf: "alice")
        let scores = QualityScores(graph: call.graph, sliceMs: 10_000)
        let bobHeard = try #require(scores.received.first { $0.participantId == "bob" && $0.kind == .audio })
        let mid = try #require(bobHeard.scores.points.first { $0.startMs == call.time(40) })
        #expect(abs(mid.score - (Self.lossyMOS + Self.cleanMOS) / 2) < 1e-5, "Alice's broken audio and Carol's clean one")
        let aliceSent = try #require(scores.sent.first { $0.participantId == "alice" && $0.kind == .audio })
        #expect(abs((aliceSent.scores.worst ?? 0) - Self.lossyMOS) < 1e-5)
        let carolSent = try #require(scores.sent.first { $0.participantId == "carol" && $0.kind == .audio })
        #expect(abs((carolSent.scores.worst ?? 0) - Self.cleanMOS) < 1e-5, "nobody had trouble receiving Carol")
    }

    @Test("silence is not bad quality; nothing received while the sender sent scores the minimum")
    func silence() throws {
        var call = SyntheticCall(people: ["alice", "bob"])
        call.impair = { sender, _, _, t in (30..<40).contains(t) && sender == "alice" ? .init(lossPercent: 100) : .init() }
        let scores = QualityScores(graph: call.graph, sliceMs: 10_000)
        let audio = try #require(scores.streams.first { $0.key.senderId == "alice" && $0.key.kind == .audio })
        #expect(audio.scores.points.first { $0.startMs == call.time(30) }?.score == 1)
        #expect(QualityScores(graph: CallGraph(series: []), sliceMs: 10_000).streams.isEmpty)
    }
}
