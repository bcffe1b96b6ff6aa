import CallscopeCore
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("API actions")
struct ActionsTests {
    @Test("kick: recorded for a present participant, 404 for an unknown one, 409 once the session has ended")
    func kick() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let t0 = Messages.t0
            let (_, body) = try await client.ingest(Messages.batch(Messages.join("alice", seq: 1, ts: t0),
                                                                   Messages.join("bob", seq: 1, ts: t0)))
            let sessionId = try #require(body["acks"]?.array?.first?["sessionId"]?.string)
            let (s1, k1) = try await client.api("/api/v1/sessions/\(sessionId)/participants/bob/kick", method: .post)
            #expect(s1 == .ok)
            #expect(k1["kicked"]?.bool == true)
            let (s2, _) = try await client.api("/api/v1/sessions/\(sessionId)/participants/nobody/kick", method: .post)
            #expect(s2 == .notFound)
            let (_, events) = try await client.api("/api/v1/sessions/\(sessionId)/events")
            #expect(events["items"]?.array?.contains { $0["name"]?.string == "kick" && $0["participantId"]?.string == "bob" } == true)

            _ = try await client.ingest(Messages.batch(Messages.leave("alice", seq: 2, ts: t0 + 60_000),
                                                       Messages.leave("bob", seq: 2, ts: t0 + 61_000, reason: "kicked")))
            let (_, overview) = try await client.api("/api/v1/sessions/\(sessionId)")
            #expect(overview["status"]?.string == "ended")
            #expect(overview["endMs"]?.int64 == t0 + 61_000)
            #expect(overview["durationMs"]?.int64 == 61_000)
            // (60 s + 61 s) / 60 = 2.0167 participant minutes
            #expect(abs((overview["participantMinutes"]?.double ?? 0) - 121.0 / 60) < 1e-9)
            let (s3, e3) = try await client.api("/api/v1/sessions/\(sessionId)/participants/bob/kick", method: .post)
            #expect(s3 == .conflict)
            #expect(e3["error"]?["field"]?.string == "sessionId")
            let (_, bob) = try await client.api("/api/v1/sessions/\(sessionId)/participants/bob")
            #expect(bob["attempts"]?.array?.first?["leaveReason"]?.string == "kicked")
        }
    }

    @Test("services from the API and from ingest with an API token")
    func services() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let t0 = Messages.t0
            let (_, body) = try await client.ingest(Messages.join("alice", seq: 1, ts: t0))
            let sessionId = try #require(body["acks"]?.array?.first?["sessionId"]?.string)
            let (s1, list) = try await client.api("/api/v1/sessions/\(sessionId)/services", method: .post,
                                                  body: #"{"service":"recording","action":"started","ts":\#(t0 + 1_000)}"#)
            #expect(s1 == .ok)
            #expect(list["items"]?.array?.first?["service"]?.string == "recording")
            let (s2, e2) = try await client.api("/api/v1/sessions/\(sessionId)/services", method: .post,
                                                body: #"{"service":"cinema","action":"started"}"#)
            #expect(s2 == .badRequest)
            #expect(e2["error"]?["field"]?.string == "service")

            let backend = #"{"type":"service","meetingId":"abcd-efgh-ijkl","ts":\#(t0 + 5_000),"service":"recording","action":"stopped"}"#
            let (s3, _) = try await client.ingest(backend, key: TestServer.apiToken)
            #expect(s3 == .ok)
            let (s4, _) = try await client.ingest(Messages.join("mallory", seq: 1, ts: t0), key: TestServer.apiToken)
            #expect(s4 == .forbidden)

            let (_, overview) = try await client.api("/api/v1/sessions/\(sessionId)")
            let recording = try #require(overview["services"]?.array?.first)
            #expect(recording["startedMs"]?.int64 == t0 + 1_000)
            #expect(recording["stoppedMs"]?.int64 == t0 + 5_000)
        }
    }

    @Test("sessions list: filters and paging, newest first")
    func sessionsList() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let t0 = Messages.t0
            for i in 0..<3 {
                _ = try await client.ingest(Messages.join("p\(i)", meeting: "meeting-\(i)", seq: 1, ts: t0 + Int64(i) * 1_000,
                                                          name: "Person \(i)"))
            }
            _ = try await client.ingest(#"{"type":"error","meetingId":"meeting-1","participantId":"p1","seq":2,"ts":\#(t0 + 2_000),"code":"NotAllowedError","message":"camera denied"}"#)
            let (_, all) = try await client.api("/api/v1/sessions")
            #expect(all["total"]?.int64 == 3)
            #expect(all["sessions"]?.array?.map { $0["meetingId"]?.string ?? "" } == ["meeting-2", "meeting-1", "meeting-0"])
            let (_, errors) = try await client.api("/api/v1/sessions?hasErrors=true")
            #expect(errors["sessions"]?.array?.map { $0["meetingId"]?.string ?? "" } == ["meeting-1"])
            let (_, byName) = try await client.api("/api/v1/sessions?participant=person%200")
            #expect(byName["sessions"]?.array?.map { $0["meetingId"]?.string ?? "" } == ["meeting-0"])
            let (_, page) = try await client.api("/api/v1/sessions?limit=1&offset=1")
            #expect(page["sessions"]?.array?.map { $0["meetingId"]?.string ?? "" } == ["meeting-1"])
            let (status, bad) = try await client.api("/api/v1/sessions?status=paused")
            #expect(status == .badRequest)
            #expect(bad["error"]?["field"]?.string == "status")
            let sessionId = try #require(errors["sessions"]?.array?.first?["sessionId"]?.string)
            let (_, errorList) = try await client.api("/api/v1/sessions/\(sessionId)/errors")
            #expect(errorList["items"]?.array?.first?["code"]?.string == "NotAllowedError")
            #expect(errorList["items"]?.array?.first?["participantName"]?.string == "Person 1")
        }
    }
}
