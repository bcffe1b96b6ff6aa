import CallscopeCore
import Testing

@Suite("Connection path")
struct ConnectionPathTests {
    static func report(_ stats: String) throws -> JSONValue { try JSONValue.parse(Array("[\(stats)]".utf8)) }

    static let candidates = #"""
    {"id":"L1","type":"local-candidate","timestamp":1,"candidateType":"relay","protocol":"udp","relayProtocol":"tls","address":"198.51.100.7"},
    {"id":"L2","type":"local-candidate","timestamp":1,"candidateType":"host","protocol":"udp","address":"10.0.0.2"},
    {"id":"R1","type":"remote-candidate","timestamp":1,"candidateType":"srflx","protocol":"udp"},
    {"id":"P1","type":"candidate-pair","timestamp":1,"localCandidateId":"L1","remoteCandidateId":"R1","state":"succeeded","nominated":true},
    {"id":"P2","type":"candidate-pair","timestamp":1,"localCandidateId":"L2","remoteCandidateId":"R1","state":"failed"}
    """#

    @Test("the transport's selected pair names the path: a relay candidate, its TURN protocol and address")
    func selected() throws {
        var pc = PeerConnectionStats()
        _ = try pc.ingest(report: Self.report(Self.candidates + #",{"id":"T","type":"transport","timestamp":1,"selectedCandidatePairId":"P1"}"#),
                          context: StreamContext(participantId: "alice"))
        let path = try #require(pc.connectionPath)
        #expect(path == ConnectionPath(localType: "relay", remoteType: "srflx", protocol: "udp", relayProtocol: "tls",
                                       relayAddress: "198.51.100.7"))
        #expect(path.isRelayed)
    }

    @Test("without transport stats (Firefox), a selected or nominated succeeded pair; without any, no path")
    func fallback() throws {
        var pc = PeerConnectionStats()
        _ = try pc.ingest(report: Self.report(Self.candidates), context: StreamContext(participantId: "alice"))
        #expect(pc.connectionPath?.localType == "relay", "P1 is nominated and succeeded")
        var direct = PeerConnectionStats()
        _ = try direct.ingest(report: Self.report(Self.candidates.replacingOccurrences(of: #""state":"failed""#, with: #""selected":true"#)),
                              context: StreamContext(participantId: "alice"))
        #expect(direct.connectionPath == ConnectionPath(localType: "host", remoteType: "srflx", protocol: "udp"),
                "a pair marked selected beats a nominated one; a host candidate has no relay fields")
        var none = PeerConnectionStats()
        _ = try none.ingest(report: Self.report(#"{"id":"X","type":"codec","timestamp":1}"#), context: StreamContext(participantId: "a"))
        #expect(none.connectionPath == nil)
        var odd = PeerConnectionStats()
        _ = try odd.ingest(report: Self.report(#"""
            {"id":"L","type":"local-candidate","timestamp":1,"candidateType":"<script>"},
            {"id":"P","type":"candidate-pair","timestamp":1,"localCandidateId":"L","selected":true}
            """#), context: StreamContext(participantId: "a"))
        #expect(odd.connectionPath?.localType == nil, "a candidate type that is no word is not kept")
    }

    @Test("a relayed culprit's sentence says the relay's network is part of the link; all-relayed mesh makes a shared fault a relay")
    func verdict() throws {
        var call = SyntheticCall(people: ["alice", "bob", "carol"])
        call.impair = DiagnosisTests.lossy(uplinkOf: "alice")
        var graph = call.graph
        graph.relays = ["alice": ["198.51.100.7"]]
        let d = Diagnosis(graph: graph)
        #expect(d.verdict.first?.hasSuffix("Alice's media went through a TURN relay, so the relay's network is part of that link.") == true,
                "\(d.verdict)")
        var everyone = SyntheticCall(people: ["alice", "bob", "carol"])
        everyone.impair = { _, _, _, t in (30..<90).contains(t) ? .init(lossPercent: 12) : .init() }
        var shared = everyone.graph
        #expect(Diagnosis(graph: shared).problems.first?.direction == .unknown)
        shared.relays = ["alice": ["198.51.100.7"], "bob": ["203.0.113.9"]]
        #expect(Diagnosis(graph: shared).problems.first?.direction == .unknown, "two relays, carol direct: nothing everyone shares")
        shared.relays["carol"] = ["192.0.2.4"]
        let everyoneRelayed = try #require(Diagnosis(graph: shared).problems.first)
        #expect(everyoneRelayed.direction == .relay && everyoneRelayed.relayAddress == nil, "everyone relayed, each through their own")
        shared.relays = ["alice": ["198.51.100.7"], "bob": ["198.51.100.7"], "carol": ["198.51.100.7"]]
        let one = try #require(Diagnosis(graph: shared).problems.first)
        #expect(one.direction == .relay && one.relayAddress == "198.51.100.7" && one.relayedParticipantIds == ["alice", "bob", "carol"])
    }

    /// A mesh of four where Alice and Bob send through one TURN relay and Carol and Dave connect
    /// directly; `through` says which streams the impairment spoils.
    static func relayCall(_ through: @escaping (String, String?) -> Bool) -> CallGraph {
        var call = SyntheticCall(people: ["alice", "bob", "carol", "dave"])
        call.impair = { sender, receiver, _, t in
            (30..<90).contains(t) && through(sender, receiver) ? .init(lossPercent: 10) : .init()
        }
        var graph = call.graph
        graph.relays = ["alice": ["198.51.100.7"], "bob": ["198.51.100.7"]]
        return graph
    }

    @Test("streams to and from two participants behind one TURN relay, and only those, going bad at once blame the relay")
    func sharedRelay() throws {
        let relayed: Set<String> = ["alice", "bob"]
        let d = Diagnosis(graph: Self.relayCall { s, r in relayed.contains(s) || r.map(relayed.contains) == true })
        #expect(d.problems.count == 1, "\(d.problems.map { $0.cause { $0 } })")
        let p = try #require(d.problems.first)
        #expect(p.direction == .relay && p.participantId == nil && p.relayAddress == "198.51.100.7")
        #expect(p.relayedParticipantIds == ["alice", "bob"] && p.cause { $0 } == "the TURN relay at 198.51.100.7")
        #expect(p.affectedParticipantIds == ["alice", "bob", "carol", "dave"])
        #expect(d.verdict.first?.hasPrefix("Every stream through the TURN relay at 198.51.100.7, which Alice's and Bob's media went through, lost 10 % of the packets") == true,
                "\(d.verdict)")
        #expect(d.verdict.first?.hasSuffix("media that avoided it was fine, so it was the relay or its network, not either one's own link.") == true,
                "\(d.verdict)")
    }

    @Test("behind a shared relay, one member's bad link or two members' uplinks are still their own, and a call of two cannot tell")
    func sharedRelayOwnLinks() throws {
        // Alice's network, both ways: Bob's streams with Carol and Dave stay fine.
        let alice = Diagnosis(graph: Self.relayCall { s, r in s == "alice" || r == "alice" })
        #expect(!alice.problems.contains { $0.direction == .relay }, "\(alice.problems.map { $0.cause { $0 } })")
        #expect(alice.problems.contains { $0.participantId == "alice" && $0.direction == .uplink })
        #expect(alice.problems.contains { $0.participantId == "alice" && $0.direction == .downlink })
        // Both members' uplinks at once: what they receive stays fine, which a relay fault would spoil.
        let uplinks = Diagnosis(graph: Self.relayCall { s, _ in s == "alice" || s == "bob" })
        #expect(Set(uplinks.problems.map { "\($0.participantId ?? "-") \($0.direction)" }) == ["alice uplink", "bob uplink"])
        // Everything at once, Carol's and Dave's streams too: not the relay alone.
        let everything = Diagnosis(graph: Self.relayCall { _, _ in true })
        #expect(everything.problems.first?.relayAddress == nil && everything.problems.first?.direction == .unknown)
        // A call of two, both relayed: the relay or either end, the statistics cannot tell.
        var two = SyntheticCall(people: ["alice", "bob"])
        two.impair = { _, _, _, t in (30..<90).contains(t) ? .init(lossPercent: 10) : .init() }
        var graph = two.graph
        graph.relays = ["alice": ["198.51.100.7"], "bob": ["198.51.100.7"]]
        #expect(Diagnosis(graph: graph).problems.allSatisfy { $0.direction == .unknown })
    }

    @Test("everyone behind one relay to an SFU: the relay is named, and the SFU behind it is said to be possible too")
    func everyoneThroughOneRelayToAnSFU() throws {
        var call = SyntheticCall(people: ["alice", "bob", "carol"])
        call.sfu = true
        call.impair = { _, _, _, t in (30..<90).contains(t) ? .init(lossPercent: 10) : .init() }
        var graph = call.graph
        graph.relays = ["alice": ["198.51.100.7"], "bob": ["198.51.100.7"], "carol": ["198.51.100.7"]]
        let d = Diagnosis(graph: graph)
        #expect(d.problems.first?.relayAddress == "198.51.100.7", "\(d.verdict)")
        #expect(d.verdict.first?.hasSuffix("Everyone's media went through it, so it was the relay or its network "
            + "(or the SFU behind it, or one network everyone shares).") == true, "\(d.verdict)")
    }

    @Test("a call of three with two behind one relay: every stream touches it, and the verdict says what else it could be")
    func sharedRelayOfThree() throws {
        var call = SyntheticCall(people: ["alice", "bob", "carol"])
        call.impair = { _, _, _, t in (30..<90).contains(t) ? .init(lossPercent: 10) : .init() }
        var graph = call.graph
        graph.relays = ["alice": ["198.51.100.7"], "bob": ["198.51.100.7"]]
        let d = Diagnosis(graph: graph)
        let p = try #require(d.problems.first)
        #expect(d.problems.count == 1 && p.relayAddress == "198.51.100.7")
        #expect(d.verdict.first?.hasSuffix("in both directions and with everyone: that points at the relay or its network, not either one's own link.") == true,
                "\(d.verdict)")
    }
}
