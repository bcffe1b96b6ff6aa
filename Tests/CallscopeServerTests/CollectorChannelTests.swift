import CallscopeCore
import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import Testing

/// What the collector needs from the server besides ingest itself: CORS and allowed origins on
/// HTTP and WebSocket, kicks delivered to the participant's browser, and the SDK files.
@Suite("Collector channel: CORS, origins, kicks, SDK files")
struct CollectorChannelTests {
    @Test("preflight and answers carry CORS headers for the page's origin, errors included")
    func cors() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            try await client.execute(uri: "/ingest/v1", method: .options, headers: [
                .origin: "https://app.example.com", .accessControlRequestMethod: "POST",
                .accessControlRequestHeaders: "authorization, content-type",
            ]) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowOrigin] == "https://app.example.com")
                #expect(response.headers[.accessControlAllowMethods] == "POST, OPTIONS")
                #expect(response.headers[.accessControlAllowHeaders] == "authorization, content-type")
            }
            try await client.execute(uri: "/ingest/v1", method: .post, headers: [
                .origin: "https://app.example.com", .authorization: "Bearer \(TestServer.ingestKey)",
            ], body: ByteBuffer(string: Messages.join("alice", seq: 1))) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.accessControlAllowOrigin] == "https://app.example.com")
                #expect(response.headers[.vary] == "Origin")
            }
            try await client.execute(uri: "/ingest/v1", method: .post, headers: [
                .origin: "https://app.example.com", .authorization: "Bearer wrong",
            ], body: ByteBuffer(string: Messages.join("alice", seq: 2))) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.accessControlAllowOrigin] == "https://app.example.com",
                        "the collector must be able to read why it was refused")
            }
            // A beacon: text/plain body, key in the query, no preflight.
            try await client.execute(uri: "/ingest/v1?key=\(TestServer.ingestKey)", method: .post, headers: [
                .origin: "https://app.example.com", .contentType: "text/plain;charset=UTF-8",
            ], body: ByteBuffer(string: Messages.leave("alice", seq: 3, ts: Messages.t0 + 5_000, reason: "closed"))) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("a project's allowed origins: set through the API, enforced on HTTP and WebSocket ingest")
    func allowedOrigins() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.live) { client in
            let (s0, bad) = try await client.api("/api/v1/projects/default/allowed-origins", method: .put,
                                                 body: #"{"allowedOrigins":["https://app.example.com","app.example.com"]}"#)
            #expect(s0 == .badRequest)
            #expect(bad["error"]?["field"]?.string == "allowedOrigins[1]")
            let (s1, project) = try await client.api("/api/v1/projects/default/allowed-origins", method: .put,
                                                     body: #"{"allowedOrigins":["https://App.example.com:443","https://*.example.org"]}"#)
            #expect(s1 == .ok)
            #expect(project["allowedOrigins"] == JSONValue.array([.string("https://app.example.com"), .string("https://*.example.org")]))
            let (s2, _) = try await client.api("/api/v1/projects/nope/allowed-origins", method: .put, body: #"{"allowedOrigins":[]}"#)
            #expect(s2 == .notFound)

            func post(origin: String?, seq: Int64) async throws -> (HTTPResponse.Status, String?) {
                var headers: HTTPFields = [.authorization: "Bearer \(TestServer.ingestKey)"]
                if let origin { headers[.origin] = origin }
                return try await client.execute(uri: "/ingest/v1", method: .post, headers: headers,
                                                body: ByteBuffer(string: Messages.join("alice", seq: seq))) {
                    ($0.status, $0.headers[.accessControlAllowOrigin])
                }
            }
            let refused = try await post(origin: "https://evil.example", seq: 1)
            #expect(refused.0 == .forbidden)
            #expect(refused.1 == "https://evil.example", "the refused page may read why, so that its collector stops")
            #expect(try await post(origin: "https://app.example.com", seq: 2) == (.ok, "https://app.example.com"))
            #expect(try await post(origin: "https://eu.shop.example.org", seq: 3) == (.ok, "https://eu.shop.example.org"))
            #expect(try await post(origin: nil, seq: 4).0 == .ok, "servers and native apps send no Origin")
            try await client.execute(uri: "/ingest/v1?key=\(TestServer.ingestKey)", method: .options,
                                     headers: [.origin: "https://evil.example"]) { #expect($0.status == .forbidden) }

            let port = try #require(client.port)
            let url = "ws://127.0.0.1:\(port)/ingest/v1/ws?key=\(TestServer.ingestKey)"
            await #expect(throws: (any Error).self, "the handshake from a refused origin is not upgraded") {
                _ = try await TestWebSocket.connect(url: url, headers: [.origin: "https://evil.example"])
            }
            let allowed = try await TestWebSocket.connect(url: url, headers: [.origin: "https://app.example.com"])
            try await allowed.send(Messages.join("bob", seq: 1))
            #expect(try await allowed.next()?["type"]?.string == "ack")
            try await allowed.close()
        }
    }

    @Test("kick: pushed to the participant's open WebSocket; queued for one on HTTP and carried by its next answer")
    func kick() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.live) { client in
            let port = try #require(client.port)
            let meeting = "abcd-efgh-ijkl"
            let alice = try await TestWebSocket.connect(
                url: "ws://127.0.0.1:\(port)/ingest/v1/ws?key=\(TestServer.ingestKey)&meetingId=\(meeting)&participantId=alice")
            try await alice.send(Messages.join("alice", seq: 1))
            let ack = try #require(try await alice.next())
            let sessionId = try #require(ack["acks"]?.array?.first?["sessionId"]?.string)
            // Carol's connection names nobody in its URL: its acks tell the server whom it speaks for.
            let carol = try await TestWebSocket.connect(url: "ws://127.0.0.1:\(port)/ingest/v1/ws?key=\(TestServer.ingestKey)")
            try await carol.send(Messages.join("carol", seq: 1))
            #expect(try await carol.next()?["type"]?.string == "ack")
            let (_, joined) = try await client.ingest(Messages.join("bob", seq: 1))
            #expect(joined["kicks"] == nil)

            let (s1, k1) = try await client.api("/api/v1/sessions/\(sessionId)/participants/alice/kick", method: .post,
                                                body: #"{"reason":"disruptive"}"#)
            #expect(s1 == .ok)
            #expect(k1["delivered"]?.bool == true)
            #expect(try await alice.next() == JSONValue.object([
                "type": .string("kick"), "meetingId": .string(meeting), "participantId": .string("alice"),
                "reason": .string("disruptive"),
            ]))
            let (_, k2) = try await client.api("/api/v1/sessions/\(sessionId)/participants/carol/kick", method: .post)
            #expect(k2["delivered"]?.bool == true)
            #expect(try await carol.next()?["reason"]?.string == "removed by admin (configured)")

            let (_, k3) = try await client.api("/api/v1/sessions/\(sessionId)/participants/bob/kick", method: .post)
            #expect(k3["delivered"]?.bool == false)
            let (s4, answer) = try await client.ingest(Messages.leave("bob", seq: 2, ts: Messages.t0 + 1_000, reason: "left"))
            #expect(s4 == .ok)
            #expect(answer["kicks"]?.array?.first?["participantId"]?.string == "bob")
            let (_, again) = try await client.ingest(Messages.leave("bob", seq: 3, ts: Messages.t0 + 2_000))
            #expect(again["kicks"] == nil, "a kick is handed out once")

            // The kicked page obeys: its collector leaves with reason `kicked`.
            try await alice.send(Messages.leave("alice", seq: 2, ts: Messages.t0 + 3_000, reason: "kicked"))
            #expect(try await alice.next()?["type"]?.string == "ack")
            let (_, sidebar) = try await client.api("/api/v1/sessions/\(sessionId)/participants/alice")
            #expect(sidebar["attempts"]?.array?.last?["leaveReason"]?.string == "kicked")
            let (s5, gone) = try await client.api("/api/v1/sessions/\(sessionId)/participants/alice/kick", method: .post)
            #expect(s5 == .conflict)
            #expect(gone["error"]?["field"]?.string == "participantId")
            let (s6, _) = try await client.api("/api/v1/sessions/\(sessionId)/participants/carol/kick", method: .post,
                                               body: #"{"reason":42}"#)
            #expect(s6 == .badRequest)
            try await alice.close()
            try await carol.close()
        }
    }

    @Test("SDK files: served to any origin with an ETag; the demo page with a strict CSP and its config")
    func assets() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let etag = try await client.execute(uri: "/sdk/callscope.js", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(response.headers[.accessControlAllowOrigin] == "*")
                #expect(String(buffer: response.body).contains("Callscope"))
                return try #require(response.headers[.eTag])
            }
            try await client.execute(uri: "/sdk/callscope.js", method: .get, headers: [.ifNoneMatch: etag]) {
                #expect($0.status == .notModified)
            }
            try await client.execute(uri: "/sdk/callscope.mjs", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/sdk/nope.js", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/sdk/..%2FResources%2Fopenapi.json", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/demo", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            }
            try await client.execute(uri: "/demo/config", method: .get) { response in
                let config = try JSONValue.parse(Array(response.body.readableBytesView))
                // The demo's own project and key: the key /demo hands out cannot write into a real project.
                #expect(config["projectId"]?.string == "demo")
                #expect(config["ingestKey"]?.string?.hasPrefix("cs_demo_") == true)
                #expect(config["ingestKey"]?.string != TestServer.ingestKey)
            }
        }
        var noDemo = server
        noDemo.configuration.demoEnabled = false
        try await noDemo.app().test(.router) { client in
            try await client.execute(uri: "/demo", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/sdk/callscope.js", method: .get) { #expect($0.status == .ok) }
        }
    }
}
