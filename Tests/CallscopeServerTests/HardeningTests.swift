import CallscopeCore
@testable import CallscopeServer
import CallscopeStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The attacks of the hardening issue, each as it was reproduced, against the real application:
/// every one used to bring the process down or cross a boundary; now each gets a clear 4xx, and
/// the server keeps answering.
@Suite("Hardening: attacks that used to crash or cross a boundary")
struct HardeningTests {
    static let t0 = Messages.t0

    static func statsWithTimestamp(_ timestamp: String, seq: Int64) -> String {
        """
        {"type":"stats","meetingId":"m","participantId":"bob","seq":\(seq),"ts":\(t0 + 2_000),"pc":"pc-1",\
        "remoteParticipantId":"alice","report":[\
        {"id":"IT01V1","type":"inbound-rtp","kind":"video","timestamp":\(timestamp),"ssrc":1,\
        "bytesReceived":1000,"packetsReceived":10,"packetsLost":0,"jitter":0.01},\
        {"id":"IT01A1","type":"inbound-rtp","kind":"audio","timestamp":\(t0 + 2_000),"ssrc":2,\
        "bytesReceived":1000,"packetsReceived":10,"packetsLost":0,"jitter":0.01}]}
        """
    }

    @Test("an inbound-rtp timestamp of ±1e300 is dropped and counted; the server stays up")
    func hostileStatTimestamp() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            _ = try await client.ingest(Messages.join("bob", meeting: "m", seq: 1))
            for (seq, timestamp) in [(2, "-1e300"), (3, "1e300"), (4, "\(Int64.max)"), (5, "\(Int64.min)"), (6, "\(Self.t0 + 86_400_001 + 2_000)")] {
                let (status, body) = try await client.ingest(Self.statsWithTimestamp(timestamp, seq: Int64(seq)))
                #expect(status == .ok, "timestamp \(timestamp)")
                #expect(body["droppedStats"]?.int64 == 1, "timestamp \(timestamp)")
                #expect(body["stored"]?.int64 == 1)
            }
            let (_, ok) = try await client.ingest(Self.statsWithTimestamp("\(Self.t0 + 2_000)", seq: 7))
            #expect(ok["droppedStats"] == nil)
            let sessionId = try #require(ok["acks"]?.array?.first?["sessionId"]?.string)
            let (status, overview) = try await client.api("/api/v1/sessions/\(sessionId)")
            #expect(status == .ok && overview["meetingId"]?.string == "m")
            let (healthStatus, _) = try await client.api("/api/v1/sessions/\(sessionId)/health")
            #expect(healthStatus == .ok)
        }
    }

    @Test("message times out of range are refused with 400 naming the field; the valid prefix is stored")
    func hostileMessageTimes() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            for ts in ["-1e300", "1e300", "\(Int64.max)", "\"NaN\"", "\(Self.t0 + 2 * 86_400_000)"] {
                let body = #"{"type":"join","meetingId":"m","participantId":"p","seq":1,"ts":\#(ts)}"#
                let (status, answer) = try await client.ingest(body)
                #expect(status == .badRequest, "ts \(ts)")
                #expect(answer["error"]?["field"]?.string == "ts", "ts \(ts)")
            }
            let batch = Messages.batch(Messages.join("p", meeting: "m", seq: 1),
                                       #"{"type":"event","meetingId":"m","participantId":"p","seq":2,"ts":1e300,"name":"x"}"#)
            let (status, answer) = try await client.ingest(batch)
            #expect(status == .badRequest && answer["error"]?["field"]?.string == "[1].ts")
            #expect(answer["acks"]?.array?.first?["seq"]?.int64 == 1, "the valid prefix is stored and acknowledged")
        }
    }

    @Test("a query range up to Int64.max on a share link is refused, not overflowed")
    func hostileShareLinkRange() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let cookie = try await client.signIn()
            let (_, body) = try await client.ingest(Messages.batch(
                Messages.join("alice", seq: 1), Messages.join("bob", seq: 1),
                Messages.receiverStats("bob", from: "alice", seq: 2, ts: Self.t0 + 2_000, bytes: 1_000, packets: 10, lost: 0, frames: 3),
                Messages.receiverStats("bob", from: "alice", seq: 3, ts: Self.t0 + 4_000, bytes: 9_000, packets: 90, lost: 1, frames: 60)))
            let sessionId = try #require(body["acks"]?.array?.first?["sessionId"]?.string)
            let location = try await client.execute(uri: "/sessions/\(sessionId)/share", method: .post, headers: [
                .cookie: cookie, .origin: "http://localhost", .contentType: "application/x-www-form-urlencoded",
            ], body: ByteBuffer(string: "days=1")) { try #require($0.headers[.location]) }
            let (_, overview, _) = try await client.page(String(location.prefix { $0 != "#" }), cookie: cookie)
            let token = try #require(overview.range(of: "/share/").map { String(overview[$0.upperBound...].prefix(32)) })
            for query in ["from=0&to=9223372036854775807", "from=-9223372036854775808&to=0", "from=-1&to=5", "from=5&to=1",
                          "from=0&to=99999999999999999999"] {
                let (status, page, _) = try await client.page("/share/\(token)/stats?\(query)")
                #expect(status == .badRequest, "\(query)")
                #expect(page.contains("\"field\""), "\(query)")
            }
            let (whole, page, _) = try await client.page("/share/\(token)/stats?from=0&to=\(EpochTime.maxMs)")
            #expect(whole == .ok && page.contains("<svg"))
            let (api, _) = try await client.api("/api/v1/sessions?from=0&to=9223372036854775807")
            #expect(api == .badRequest)
        }
    }

    @Test("a stored session holding times at the ends of Int64 renders on every page and route")
    func hostileStoredSession() async throws {
        let server = try TestServer()
        defer { server.remove() }
        // Rows as a server before the edge checks could have written them.
        let store = try SQLiteStore(path: server.databasePath)
        _ = try await Bootstrap.prepare(store: store, ingestKey: TestServer.ingestKey, apiToken: TestServer.apiToken, nowMs: 0,
                                        adminPassword: TestServer.adminPassword, bcryptCost: 4)
        var batch = IngestBatch()
        let session = Session(id: "s-hostile", projectId: "default", meetingId: "m", status: .ended, startMs: .min,
                              endMs: .max, errorCount: 1)
        batch.sessions = [session]
        var alice = Participant(sessionId: session.id, participantId: "alice", name: "Alice")
        alice.attempts = [Attempt(joinedMs: .min, leftMs: .max, leaveReason: "left", setupMs: .max)]
        batch.participants = [alice]
        var poor = HealthAccumulator()
        var sample = StreamSample(tsMs: Self.t0, side: .receiver)
        sample.jitterMs = 400
        sample.packets = 10
        sample.packetsLost = 9
        poor.add(sample, judgeFps: true)
        batch.health = [.min, -10_000, 0, Self.t0, .max - 10_000, .max].map {
            HealthSlice(sessionId: session.id, participantId: "alice", kind: .audio, startMs: $0, figures: poor)
        }
        batch.samples = [KeyedSample(sessionId: session.id, key: StreamKey(senderId: "bob", receiverId: "alice", kind: .audio),
                                     sample: sample)]
        batch.events = [TimelineEvent(sessionId: session.id, participantId: "alice", tsMs: .max, name: "mute", dataJSON: "{}")]
        batch.errors = [SessionError(sessionId: session.id, participantId: "alice", tsMs: .min, code: "ice-failed",
                                     message: "x", severity: .error, source: .sdk, dataJSON: "{}")]
        try await store.write(batch)
        try await server.app().test(.router) { client in
            let cookie = try await client.signIn()
            let (_, streams) = try await client.api("/api/v1/sessions/s-hostile/streams")
            let streamId = streams["items"]?.array?.first?["streamId"]?.int64 ?? 1
            for path in ["/sessions", "/sessions/s-hostile", "/sessions/s-hostile/errors", "/sessions/s-hostile/stats",
                         "/sessions/s-hostile/stats?window=last5", "/sessions/s-hostile/participants/alice",
                         "/sessions/s-hostile/export.csv", "/sessions/s-hostile/export.json", "/sessions?poor=1"] {
                let (status, _, _) = try await client.page(path, cookie: cookie)
                #expect(status == .ok, "\(path)")
            }
            for path in ["/api/v1/sessions", "/api/v1/sessions/s-hostile", "/api/v1/sessions/s-hostile/participants",
                         "/api/v1/sessions/s-hostile/participants/alice", "/api/v1/sessions/s-hostile/events",
                         "/api/v1/sessions/s-hostile/health", "/api/v1/sessions/s-hostile/errors",
                         "/api/v1/sessions/s-hostile/streams/\(streamId)/samples"] {
                let (status, _) = try await client.api(path)
                #expect(status == .ok, "\(path)")
            }
        }
    }

    @Test("an ingest key holder reaching a limit gets 429 limit_exceeded naming the field")
    func limits() async throws {
        var server = try TestServer()
        defer { server.remove() }
        server.configuration.ingestLimits.maxParticipantsPerMeeting = 2
        server.configuration.ingestLimits.maxOngoingMeetingsPerProject = 2
        server.configuration.ingestLimits.maxPeerConnectionsPerProject = 1
        try await server.app().test(.router) { client in
            _ = try await client.ingest(Messages.batch(Messages.join("a", seq: 1), Messages.join("b", seq: 1)))
            let (status, body) = try await client.ingest(Messages.join("c", seq: 1))
            #expect(status == .tooManyRequests)
            #expect(body["error"]?["code"]?.string == "limit_exceeded" && body["error"]?["field"]?.string == "participantId")
            _ = try await client.ingest(Messages.join("x", meeting: "m2", seq: 1))
            let (third, refused) = try await client.ingest(Messages.join("y", meeting: "m3", seq: 1))
            #expect(third == .tooManyRequests && refused["error"]?["field"]?.string == "meetingId", "\(refused)")
            let (first, _) = try await client.ingest(Messages.receiverStats("a", from: "b", seq: 2, ts: Self.t0 + 2_000,
                                                                            bytes: 1, packets: 1, lost: 0, frames: 1))
            #expect(first == .ok)
            let second = Messages.receiverStats("b", from: "a", seq: 2, ts: Self.t0 + 2_000, bytes: 1, packets: 1, lost: 0, frames: 1)
            let (pcStatus, pcBody) = try await client.ingest(second)
            #expect(pcStatus == .tooManyRequests && pcBody["error"]?["field"]?.string == "pc")
            // Gapped seqs far beyond the highest are refused by name.
            let (jump, jumpBody) = try await client.ingest(Messages.leave("a", seq: Self.t0 + 2 * 86_400_000, ts: Self.t0 + 3_000))
            #expect(jump == .badRequest && jumpBody["error"]?["field"]?.string == "seq")
        }
    }

    @Test("ongoing meetings are counted over every shard: exactly the limit opens, whatever the hashing")
    func meetingsAcrossShards() async throws {
        var server = try TestServer()
        defer { server.remove() }
        server.configuration.ingestLimits.maxOngoingMeetingsPerProject = 5
        try await server.app().test(.router) { client in
            var opened = 0
            for i in 0..<16 {
                let (status, _) = try await client.ingest(Messages.join("p", meeting: "meeting-\(i)", seq: 1))
                if status == .ok { opened += 1 } else { #expect(status == .tooManyRequests) }
            }
            #expect(opened == 5)
        }
    }

    @Test("a service message naming another project's session changes nothing")
    func projectsStayApart() async throws {
        let server = try TestServer()
        defer { server.remove() }
        let store = try SQLiteStore(path: server.databasePath)
        // A second project with its own key; the admin token's backend messages speak for the first.
        _ = try await Bootstrap.prepare(store: store, ingestKey: TestServer.ingestKey, apiToken: TestServer.apiToken, nowMs: 0)
        try await store.createProject(Project(id: "other", name: "Other", ingestKey: "other-project-key", createdMs: 1))
        try await server.app().test(.router) { client in
            let (_, body) = try await client.ingest(Messages.join("alice", seq: 1), key: "other-project-key")
            let sessionId = try #require(body["acks"]?.array?.first?["sessionId"]?.string)
            let service = #"{"type":"service","sessionId":"\#(sessionId)","service":"recording","action":"started","ts":\#(Self.t0 + 1)}"#
            let (status, answer) = try await client.ingest(service, key: TestServer.apiToken)
            #expect(status == .ok)
            #expect(answer["ignored"]?.array?.count == 1, "not found in the token's project")
            let (_, overview) = try await client.api("/api/v1/sessions/\(sessionId)")
            #expect(overview["services"]?.array?.isEmpty == true)
        }
    }

    @Test("an API token is taken from the Authorization header only, never from ?key=")
    func tokensNotInURLs() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let service = #"{"type":"service","meetingId":"m","service":"recording","action":"started","ts":\#(Self.t0)}"#
            try await client.execute(uri: "/ingest/v1?key=\(TestServer.apiToken)", method: .post,
                                     body: ByteBuffer(string: service)) { #expect($0.status == .unauthorized) }
            let (status, _) = try await client.ingest(service, key: TestServer.apiToken)
            #expect(status == .ok)
            try await client.execute(uri: "/api/v1/sessions?key=\(TestServer.apiToken)", method: .get) {
                #expect($0.status == .unauthorized)
            }
        }
    }

    @Test("a collector's socket joins a participant's kick channel only after that participant's acknowledged message")
    func kickChannelNeedsAnAck() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.live) { client in
            let port = try #require(client.port)
            let (_, joined) = try await client.ingest(Messages.join("alice", seq: 1))
            let sessionId = try #require(joined["acks"]?.array?.first?["sessionId"]?.string)
            // Mallory names alice in the URL and sends nothing of alice's: no kick reaches her.
            let mallory = try await TestWebSocket.connect(
                url: "ws://127.0.0.1:\(port)/ingest/v1/ws?key=\(TestServer.ingestKey)&meetingId=abcd-efgh-ijkl&participantId=alice")
            let (_, kick) = try await client.api("/api/v1/sessions/\(sessionId)/participants/alice/kick", method: .post)
            #expect(kick["delivered"]?.bool == false, "queued for alice's own collector, not pushed to mallory")
            #expect(try await mallory.nextWithin(.milliseconds(300)) == nil)
            try await mallory.close()
        }
    }

    @Test("parallel wrong passwords count before bcrypt: a burst gets at most maxFailures checks")
    func signInBurst() async throws {
        var server = try TestServer()
        defer { server.remove() }
        server.configuration.connectionLimits.maxSignInsInFlightPerAddress = 64
        server.configuration.connectionLimits.maxSignInsInFlight = 64
        try await server.app().test(.router) { client in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                 body: ByteBuffer(string: "username=admin&password=wrong-guess")) { $0.status }
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .unauthorized }.count == 5, "\(statuses)")
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 15)
        }
    }

    @Test("the sign-in gate refuses past its slots at once")
    func signInGate() {
        let gate = SignInGate(maxPerAddress: 1, maxTotal: 2)
        #expect(gate.enter("a") && !gate.enter("a") && gate.enter("b") && !gate.enter("c"))
        gate.leave("a")
        #expect(gate.enter("c"))
    }

    @Test("a quote followed by a combining mark cannot leave an attribute")
    func scalarEscaping() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let cookie = try await client.signIn()
            let name = "x\u{22}\u{301} onmouseover=alert(1) data-x=\u{22}\u{301}"
            let join = #"{"type":"join","meetingId":"m","participantId":"alice","seq":1,"ts":\#(Self.t0),"name":\#(JSONValue.string(name).serialized())}"#
            let (_, body) = try await client.ingest(join)
            let sessionId = try #require(body["acks"]?.array?.first?["sessionId"]?.string)
            let (_, page, _) = try await client.page("/sessions/\(sessionId)", cookie: cookie)
            let escaped = "data-confirm=\"Remove x&quot;" + "\u{301}" + " onmouseover=alert(1)"
            let raw = "x\u{22}" + "\u{301}" + " onmouseover"
            #expect(page.contains(escaped))
            #expect(!page.contains(raw))
        }
    }

    @Test("live-update streams are capped per viewer")
    func liveStreamCap() {
        var limits = ConnectionLimits()
        limits.maxLiveStreamsPerViewer = 2
        limits.maxLiveStreamsPerShareLink = 1
        limits.maxLiveStreams = 3
        let quota = LiveStreamQuota(limits: limits)
        var held = [quota.ticket(.viewer("u1")), quota.ticket(.viewer("u1"))]
        #expect(held.allSatisfy { $0 != nil })
        #expect(quota.ticket(.viewer("u1")) == nil, "a third for the same viewer")
        held.append(quota.ticket(.shareLink("l1")))
        #expect(held.last! != nil && quota.ticket(.shareLink("l1")) == nil)
        #expect(quota.ticket(.viewer("u2")) == nil, "the total is reached")
        held.removeFirst()   // a stream ends: its ticket goes
        #expect(quota.ticket(.viewer("u2")) != nil)
    }

    @Test("a slow client's incomplete request is closed after the idle timeout")
    func slowloris() async throws {
        var server = try TestServer()
        defer { server.remove() }
        server.configuration.connectionLimits.idleTimeoutSeconds = 1
        try await server.app().test(.live) { client in
            let port = try #require(client.port)
            let socket = try RawSocket(port: port)
            defer { socket.close() }
            try socket.send("GET /health HTTP/1.1\r\nHost: x\r\n")   // the head never ends
            let started = Date()
            let closed = socket.waitForClose(timeoutSeconds: 5)
            #expect(closed, "the server closed the connection")
            #expect(Date().timeIntervalSince(started) < 4)
        }
    }
}
