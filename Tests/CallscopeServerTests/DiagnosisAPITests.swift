import CallscopeCore
@testable import CallscopeServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The diagnosis through the real path: Chrome-shaped reports into `/ingest/v1`, SQLite, and
/// `GET /api/v1/sessions/{id}`'s `diagnosis`, in the document's shape.
@Suite("Diagnosis in the API")
struct DiagnosisAPITests {
    /// A mesh call of alice, bob and carol for two minutes, each receiving audio and video from
    /// the others; what `impaired` sends, and what `relayed` send or receive, loses `lostPercent`
    /// of its packets from 30 s to 90 s.
    static func call(impaired: String?, relayed: Set<String> = [], lostPercent: Int = 12, start: Int64) -> [String] {
        let people = ["alice", "bob", "carol"]
        var messages = people.enumerated().map { i, p in Messages.join(p, meeting: "diagnosis", seq: 1, ts: start + Int64(i) * 100) }
        var seq: [String: Int64] = Dictionary(uniqueKeysWithValues: people.map { ($0, 1) })
        var totals: [String: (packets: Int, lost: Int)] = [:]
        for tick in 1...60 {
            let ts = start + Int64(tick) * 2_000
            for receiver in people {
                for sender in people where sender != receiver {
                    let bad = (sender == impaired || relayed.contains(sender) || relayed.contains(receiver)) && (15..<45).contains(tick)
                    var audio = totals["\(sender)>\(receiver) a"] ?? (0, 0), video = totals["\(sender)>\(receiver) v"] ?? (0, 0)
                    let lost = bad ? lostPercent : 0
                    audio.packets += 100 - lost
                    audio.lost += lost
                    video.packets += 400 - 4 * lost
                    video.lost += 4 * lost
                    totals["\(sender)>\(receiver) a"] = audio
                    totals["\(sender)>\(receiver) v"] = video
                    seq[receiver, default: 1] += 1
                    messages.append(report(receiver, from: sender, seq: seq[receiver]!, ts: ts, tick: tick, audio: audio, video: video))
                }
            }
        }
        return messages
    }

    static func report(_ pid: String, from: String, seq: Int64, ts: Int64, tick: Int, audio: (packets: Int, lost: Int),
                       video: (packets: Int, lost: Int)) -> String {
        """
        {"type":"stats","meetingId":"diagnosis","participantId":"\(pid)","seq":\(seq),"ts":\(ts),"pc":"pc-\(from)",\
        "remoteParticipantId":"\(from)","report":[\
        {"id":"IA","type":"inbound-rtp","kind":"audio","timestamp":\(ts),"ssrc":1,"mid":"0","bytesReceived":\(audio.packets * 120),\
        "packetsReceived":\(audio.packets),"packetsLost":\(audio.lost),"jitter":0.004},\
        {"id":"IV","type":"inbound-rtp","kind":"video","timestamp":\(ts),"ssrc":2,"mid":"1","bytesReceived":\(video.packets * 1100),\
        "packetsReceived":\(video.packets),"packetsLost":\(video.lost),"jitter":0.006,"framesDecoded":\(tick * 60),\
        "framesPerSecond":30,"frameWidth":640,"frameHeight":480}]}
        """
    }

    /// Ingests the call and returns its session id.
    static func ingestCall(impaired: String?, relayed: Set<String> = [], lostPercent: Int = 12, _ client: some TestClientProtocol)
        async throws -> String {
        let messages = call(impaired: impaired, relayed: relayed, lostPercent: lostPercent, start: Messages.t0 - 180_000)
        var sessionId: String?
        for chunk in stride(from: 0, to: messages.count, by: 60) {
            let (status, answer) = try await client.ingest("[" + messages[chunk..<min(chunk + 60, messages.count)].joined(separator: ",") + "]")
            #expect(status == .ok, "\(answer)")
            sessionId = sessionId ?? answer["acks"]?.array?.first?["sessionId"]?.string
        }
        return try #require(sessionId)
    }

    func diagnosis(impaired: String?) async throws -> JSONValue {
        let server = try TestServer()
        defer { server.remove() }
        return try await server.app().test(.router) { client in
            let sessionId = try await Self.ingestCall(impaired: impaired, client)
            let (status, body) = try await client.api("/api/v1/sessions/\(sessionId)")
            #expect(status == .ok)
            try OpenAPIContractTests.expectShape(
                body, of: try #require(OpenAPIContractTests.document["paths"]?["/api/v1/sessions/{sessionId}"]?["get"]),
                status: "200", "GET a diagnosed session")
            return try #require(body["diagnosis"])
        }
    }

    @Test("an impaired uplink is named in the API's diagnosis, with its evidence; nobody else is blamed")
    func uplink() async throws {
        let d = try await diagnosis(impaired: "alice")
        let problems = try #require(d["problems"]?.array)
        #expect(problems.count == 1, "\(d)")
        let p = try #require(problems.first)
        #expect(p["participantId"]?.string == "alice" && p["name"]?.string == "Alice" && p["direction"]?.string == "uplink")
        #expect(p["metric"]?.string == "loss" && p["severity"]?.string == "severe")
        #expect(p["affectedParticipantIds"]?.array?.compactMap(\.string) == ["bob", "carol"])
        let evidence = try #require(p["evidence"]?.array)
        let fromAlice = evidence.allSatisfy { $0["senderId"]?.string == "alice" && $0["side"]?.string == "receiver" }
        #expect(evidence.count == 4 && fromAlice)
        let verdict = (d["verdict"]?.array ?? []).compactMap(\.string)
        #expect(verdict.first?.hasPrefix("Alice's uplink lost 12 % of what Alice sent from ") == true, "\(verdict)")
        #expect(verdict.last == "Nobody else had problems.")
    }

    @Test("an error reported during the problem is tied to it; one outside every problem is told on its own")
    func incidents() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let sessionId = try await Self.ingestCall(impaired: "alice", client)
            let start = Messages.t0 - 180_000
            // Alice's uplink is bad from 30 s to 90 s; her client reports a TURN server that
            // stopped answering at 40 s, and Carol's an ICE failure at 115 s.
            let errors = """
            [{"type":"error","meetingId":"diagnosis","participantId":"alice","seq":500,"ts":\(start + 40_000),\
            "code":"turn-error","message":"701 ","data":{"url":"turn:turn.example.com:3478","errorCode":701}},\
            {"type":"error","meetingId":"diagnosis","participantId":"carol","seq":500,"ts":\(start + 115_000),\
            "code":"ice-failed","message":"ICE connection failed"}]
            """
            let (status, answer) = try await client.ingest(errors)
            #expect(status == .ok, "\(answer)")
            let (_, body) = try await client.api("/api/v1/sessions/\(sessionId)")
            try OpenAPIContractTests.expectShape(
                body, of: try #require(OpenAPIContractTests.document["paths"]?["/api/v1/sessions/{sessionId}"]?["get"]),
                status: "200", "GET a diagnosed session with incidents")
            let d = try #require(body["diagnosis"])
            let tied = try #require(d["problems"]?.array?.first?["incidents"]?.array?.first)
            #expect(tied["code"]?.string == "turn-error" && tied["title"]?.string == "TURN server unreachable")
            #expect(tied["category"]?.string == "relay" && tied["participantId"]?.string == "alice")
            #expect(tied["suggestedFix"]?.string?.isEmpty == false)
            #expect(d["incidents"]?.array?.map { $0["code"]?.string } == ["ice-failed"])
            let verdict = (d["verdict"]?.array ?? []).compactMap(\.string)
            #expect(verdict.contains { $0.hasPrefix("At the same time Alice's client reported: TURN server unreachable") }, "\(verdict)")
            #expect(verdict.last?.hasPrefix("Carol's client reported: connection failed (ICE)") == true, "\(verdict)")
            let cookie = try await client.signIn()
            let (_, html, _) = try await client.page("/sessions/\(sessionId)", cookie: cookie)
            #expect(html.contains("Reported meanwhile") && html.contains("Alice: TURN server unreachable"))
            #expect(html.contains("Also reported") && html.contains("What to do: Usually a firewall"))
        }
    }

    @Test("a TURN relay in a participant's selected candidate pair becomes a connection-path event and a caveat in the verdict")
    func relay() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let sessionId = try await Self.ingestCall(impaired: "alice", client)
            let ts = Messages.t0 - 170_000
            let stats = """
            {"type":"stats","meetingId":"diagnosis","participantId":"alice","seq":400,"ts":\(ts),"pc":"pc-turn","report":[\
            {"id":"T","type":"transport","timestamp":\(ts),"selectedCandidatePairId":"P"},\
            {"id":"P","type":"candidate-pair","timestamp":\(ts),"localCandidateId":"L","remoteCandidateId":"R","state":"succeeded"},\
            {"id":"L","type":"local-candidate","timestamp":\(ts),"candidateType":"relay","protocol":"udp","relayProtocol":"tls",\
            "address":"198.51.100.7"},{"id":"R","type":"remote-candidate","timestamp":\(ts),"candidateType":"host","protocol":"udp"}]}
            """
            let (status, answer) = try await client.ingest(stats)
            #expect(status == .ok, "\(answer)")
            let (_, events) = try await client.api("/api/v1/sessions/\(sessionId)/events?participantId=alice")
            let path = try #require(events["items"]?.array?.first { $0["name"]?.string == "connection-path" })
            #expect(path["data"]?["local"]?.string == "relay" && path["data"]?["relayProtocol"]?.string == "tls")
            #expect(path["data"]?["relayAddress"]?.string == "198.51.100.7" && path["data"]?["pc"]?.string == "pc-turn")
            let (_, body) = try await client.api("/api/v1/sessions/\(sessionId)")
            let verdict = (body["diagnosis"]?["verdict"]?.array ?? []).compactMap(\.string)
            #expect(verdict.first?.hasSuffix("Alice's media went through a TURN relay, so the relay's network is part of that link.") == true,
                    "\(verdict)")
        }
    }

    /// A stats report whose selected candidate pair is a `relay` local candidate at `address`.
    static func relayedPath(_ pid: String, address: String, seq: Int64, ts: Int64) -> String {
        """
        {"type":"stats","meetingId":"diagnosis","participantId":"\(pid)","seq":\(seq),"ts":\(ts),"pc":"pc-turn","report":[\
        {"id":"T","type":"transport","timestamp":\(ts),"selectedCandidatePairId":"P"},\
        {"id":"P","type":"candidate-pair","timestamp":\(ts),"localCandidateId":"L","remoteCandidateId":"R","state":"succeeded"},\
        {"id":"L","type":"local-candidate","timestamp":\(ts),"candidateType":"relay","protocol":"udp","relayProtocol":"udp",\
        "address":"\(address)"},{"id":"R","type":"remote-candidate","timestamp":\(ts),"candidateType":"host","protocol":"udp"}]}
        """
    }

    @Test("two participants behind one TURN relay whose streams all go bad: a relay problem naming its address, in the document's shape")
    func sharedRelay() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let sessionId = try await Self.ingestCall(impaired: nil, relayed: ["alice", "bob"], client)
            let ts = Messages.t0 - 170_000
            let paths = [Self.relayedPath("alice", address: "198.51.100.7", seq: 400, ts: ts),
                         Self.relayedPath("bob", address: "198.51.100.7", seq: 400, ts: ts)]
            let (status, answer) = try await client.ingest("[" + paths.joined(separator: ",") + "]")
            #expect(status == .ok, "\(answer)")
            let (_, body) = try await client.api("/api/v1/sessions/\(sessionId)")
            try OpenAPIContractTests.expectShape(
                body, of: try #require(OpenAPIContractTests.document["paths"]?["/api/v1/sessions/{sessionId}"]?["get"]),
                status: "200", "GET a session with a relay problem")
            let problems = try #require(body["diagnosis"]?["problems"]?.array)
            #expect(problems.count == 1, "\(problems)")
            let p = try #require(problems.first)
            #expect(p["direction"]?.string == "relay" && p["participantId"] == nil)
            #expect(p["relayAddress"]?.string == "198.51.100.7")
            #expect(p["relayedParticipantIds"]?.array?.compactMap(\.string) == ["alice", "bob"])
            let verdict = (body["diagnosis"]?["verdict"]?.array ?? []).compactMap(\.string)
            #expect(verdict.first?.hasPrefix("Every stream through the TURN relay at 198.51.100.7, which Alice's and Bob's media went through") == true,
                    "\(verdict)")
            let cookie = try await client.signIn()
            let (_, html, _) = try await client.page("/sessions/\(sessionId)", cookie: cookie)
            #expect(html.contains("the TURN relay at 198.51.100.7"))
            let (_, alice, _) = try await client.page("/sessions/\(sessionId)/participants/alice", cookie: cookie)
            #expect(alice.contains("Nothing was Alice&#39;s own link&#39;s fault: their media went through the TURN relay at 198.51.100.7"))
            let (_, carol, _) = try await client.page("/sessions/\(sessionId)/participants/carol", cookie: cookie)
            #expect(carol.contains("they received bad media through a path they shared with others"))
        }
    }

    @Test("quality scores over time per stream and per participant, in the document's shape and on the sidebar")
    func quality() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let sessionId = try await Self.ingestCall(impaired: "alice", client)
            let (status, body) = try await client.api("/api/v1/sessions/\(sessionId)/quality")
            #expect(status == .ok)
            try OpenAPIContractTests.expectShape(
                body, of: try #require(OpenAPIContractTests.document["paths"]?["/api/v1/sessions/{sessionId}/quality"]?["get"]),
                status: "200", "GET quality")
            let streams = try #require(body["streams"]?.array)
            #expect(streams.count == 12)
            let aliceToBob = try #require(streams.first {
                $0["senderId"]?.string == "alice" && $0["receiverId"]?.string == "bob" && $0["kind"]?.string == "audio"
            })
            // 12 % loss, no round trip or jitter buffer reported: R = 93.2 − 95 · 12 / 37.1 = 62.472,
            // MOS = 1 + 0.035 R + 7e-6 R (R − 60)(100 − R) = 3.227.
            #expect(aliceToBob["worst"]?.double == 3.227 && aliceToBob["scale"]?.string == "mos")
            #expect(aliceToBob["streamId"]?.int64 != nil && (aliceToBob["points"]?.array?.count ?? 0) >= 10)
            let carolToBob = try #require(streams.first {
                $0["senderId"]?.string == "carol" && $0["receiverId"]?.string == "bob" && $0["kind"]?.string == "audio"
            })
            #expect(carolToBob["worst"]?.double == 4.409, "R = 93.2 with nothing lost")
            let people = try #require(body["participants"]?.array)
            let aliceSent = try #require(people.first {
                $0["participantId"]?.string == "alice" && $0["direction"]?.string == "sent" && $0["kind"]?.string == "audio"
            })
            #expect(aliceSent["worst"]?.double == 3.227 && aliceSent["name"]?.string == "Alice")
            let cookie = try await client.signIn()
            let (_, sidebar, _) = try await client.page("/sessions/\(sessionId)/participants/alice", cookie: cookie)
            #expect(sidebar.contains("Quality scores") && sidebar.contains("Audio the others heard of them (MOS, 1–4.5)"))
            #expect(sidebar.contains("<td>3.23</td>"))
        }
    }

    @Test("a clean call's diagnosis says it was fine")
    func clean() async throws {
        let d = try await diagnosis(impaired: nil)
        #expect(d["problems"]?.array?.isEmpty == true)
        #expect(d["verdict"]?.array?.first?.string?.hasPrefix("The call was fine") == true)
    }

    @Test("the Overview leads with the verdict, quality drops carry their cause, the sidebar tells own from suffered")
    func pages() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            // 30 %: bob's and carol's received-video slices pool alice's stream with a clean one,
            // so only past 20 % do they turn red and the timeline shows a quality drop.
            let sessionId = try await Self.ingestCall(impaired: "alice", lostPercent: 30, client)
            let cookie = try await client.signIn()
            let (status, html, _) = try await client.page("/sessions/\(sessionId)", cookie: cookie)
            #expect(status == .ok)
            let verdict = try #require(html.range(of: "<p class=\"verdict\">Alice&#39;s uplink lost 30 %")
                ?? html.range(of: "<p class=\"verdict\">Alice&#x27;s uplink lost 30 %"), "the verdict on the Overview")
            let fields = try #require(html.range(of: "id=\"overview-h\""))
            #expect(verdict.lowerBound < fields.lowerBound, "the verdict comes before the Overview fields")
            #expect(html.contains("Nobody else had problems."))
            #expect(html.contains("cause: Alice&#39;s uplink") || html.contains("cause: Alice&#x27;s uplink"), "a quality drop's cause")
            let (_, bob, _) = try await client.page("/sessions/\(sessionId)/participants/bob", cookie: cookie)
            #expect(bob.contains("Suffered from others") && !bob.contains("Their own</h3>"))
            let (_, alice, _) = try await client.page("/sessions/\(sessionId)/participants/alice", cookie: cookie)
            #expect(alice.contains("Their own</h3>"))
        }
    }
}
