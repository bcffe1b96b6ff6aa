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
        graph.relayedParticipants = ["alice"]
        let d = Diagnosis(graph: graph)
        #expect(d.verdict.first?.hasSuffix("Alice's media went through a TURN relay, so the relay's network is part of that link.") == true,
                "\(d.verdict)")
        var everyone = SyntheticCall(people: ["alice", "bob", "carol"])
        everyone.impair = { _, _, _, t in (30..<90).contains(t) ? .init(lossPercent: 12) : .init() }
        var shared = everyone.graph
        #expect(Diagnosis(graph: shared).problems.first?.direction == .unknown)
        shared.relayedParticipants = ["alice", "bob"]
        #expect(Diagnosis(graph: shared).problems.first?.direction == .unknown, "carol is direct: not everyone shares the relay")
        shared.relayedParticipants = ["alice", "bob", "carol"]
        #expect(Diagnosis(graph: shared).problems.first?.direction == .relay)
    }
}
