import CallscopeCore
import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import NIOWebSocket
import Testing

/// The demo call's signalling relay (`/demo/signal`) over a live server, with real WebSocket clients.
@Suite("Demo signalling relay")
struct DemoSignalTests {
    @Test("peers list, joined, relay with from, drop to unknown peers, left on disconnect")
    func relay() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.live) { client in
            let port = try #require(client.port)
            let alice = try await SignalClient.connect(port: port, meeting: "abcd-efgh-ijkl", participant: "alice")
            #expect(try await alice.next()?.withoutToken == json(#"{"type":"peers","peers":[]}"#))

            let bob = try await SignalClient.connect(port: port, meeting: "abcd-efgh-ijkl", participant: "bob")
            #expect(try await bob.next()?.withoutToken == json(#"{"type":"peers","peers":["alice"]}"#))
            #expect(try await alice.next() == json(#"{"type":"joined","from":"bob"}"#))

            // Another meeting is another room.
            let carol = try await SignalClient.connect(port: port, meeting: "other", participant: "carol")
            #expect(try await carol.next()?.withoutToken == json(#"{"type":"peers","peers":[]}"#))

            // Dropped: unknown peer, other room, to self, not JSON, no `to`. Then one that arrives,
            // with a forged `from` overwritten.
            try await bob.send(#"{"to":"nobody","type":"offer"}"#)
            try await bob.send(#"{"to":"carol","type":"offer"}"#)
            try await bob.send(#"{"to":"bob","type":"offer"}"#)
            try await bob.send("not json")
            try await bob.send(#"{"type":"offer"}"#)
            try await bob.send(#"{"to":"alice","from":"mallory","type":"description","description":{"type":"offer","sdp":"v=0"}}"#)
            #expect(try await alice.next() == json(#"{"to":"alice","from":"bob","type":"description","description":{"type":"offer","sdp":"v=0"}}"#))
            try await alice.send(#"{"to":"bob","type":"candidate","candidate":null}"#)
            #expect(try await bob.next() == json(#"{"to":"bob","from":"alice","type":"candidate","candidate":null}"#))

            try await bob.close()
            #expect(try await alice.next() == json(#"{"type":"left","from":"bob"}"#))
            #expect(try await carol.nextWithin(.milliseconds(200)) == nil)
            try await alice.close()
            try await carol.close()
        }
    }

    @Test("a second connection of a participant replaces the first only with its token; without it, it is refused")
    func replace() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.live) { client in
            let port = try #require(client.port)
            let alice = try await SignalClient.connect(port: port, meeting: "m", participant: "alice")
            _ = try await alice.next()
            let first = try await SignalClient.connect(port: port, meeting: "m", participant: "bob")
            let token = try #require(try await first.next()?["token"]?.string)
            #expect(token.count == 32)
            #expect(try await alice.next() == json(#"{"type":"joined","from":"bob"}"#))

            // Somebody else naming bob — no token, or a wrong one — is closed with 4403; bob stays.
            for query in ["meetingId=m&participantId=bob", "meetingId=m&participantId=bob&token=\(String(repeating: "0", count: 32))"] {
                let impostor = try await SignalClient.connect(port: port, query: query)
                #expect(try await impostor.nextWithin(.seconds(2)) == nil)
                #expect(try await impostor.closeCode(within: .seconds(20)) == 4403)
            }
            #expect(try await alice.nextWithin(.milliseconds(200)) == nil, "nobody left, nobody joined")

            let second = try await SignalClient.connect(port: port, query: "meetingId=m&participantId=bob&token=\(token)")
            let again = try await second.next()
            #expect(again?.withoutToken == json(#"{"type":"peers","peers":["alice"]}"#))
            #expect(again?["token"]?.string == token, "the participant keeps its token")
            #expect(try await alice.next() == json(#"{"type":"joined","from":"bob"}"#))
            // The first connection ends (its stream finishes) without a `left` for bob.
            #expect(try await first.nextWithin(.seconds(2)) == nil)
            #expect(await first.isFinished)
            try await alice.send(#"{"to":"bob","type":"ping"}"#)
            #expect(try await second.next() == json(#"{"to":"bob","from":"alice","type":"ping"}"#))
            #expect(try await alice.nextWithin(.milliseconds(200)) == nil)
            try await second.close()
            #expect(try await alice.next() == json(#"{"type":"left","from":"bob"}"#))
            try await alice.close()
        }
    }

    @Test("a page reconnecting its signalling mid-call says so: the others see joined with resumed")
    func resume() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.live) { client in
            let port = try #require(client.port)
            let alice = try await SignalClient.connect(port: port, meeting: "m", participant: "alice")
            _ = try await alice.next()
            let bob = try await SignalClient.connect(port: port, query: "meetingId=m&participantId=bob&resume=1")
            #expect(try await bob.next()?.withoutToken == json(#"{"type":"peers","peers":["alice"]}"#))
            #expect(try await alice.next() == json(#"{"type":"joined","from":"bob","resumed":true}"#))
            try await bob.close()
            _ = try await alice.next()
            let carol = try await SignalClient.connect(port: port, query: "meetingId=m&participantId=carol&resume=0")
            _ = try await carol.next()
            #expect(try await alice.next() == json(#"{"type":"joined","from":"carol"}"#), "only resume=1 resumes")
            try await carol.close()
            try await alice.close()
        }
    }

    @Test("bad IDs are refused before the upgrade; a full room closes with 4409; frames over 64 KiB close with 1009")
    func limits() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.live) { client in
            let port = try #require(client.port)
            let long = String(repeating: "x", count: 129)
            for query in ["participantId=alice", "meetingId=m", "meetingId=&participantId=alice",
                          "meetingId=m&participantId=\(long)", "meetingId=m%0Ax&participantId=alice",
                          "meetingId=m&participantId=a%00b"] {
                await #expect(throws: (any Error).self, "\(query)") {
                    try await SignalClient.connect(port: port, query: query)
                }
            }
            // 128 bytes and non-ASCII are fine; 128 characters of 2 bytes each are not.
            await #expect(throws: (any Error).self) {
                try await SignalClient.connect(port: port, meeting: String(repeating: "ë", count: 128), participant: "x")
            }
            let ok = try await SignalClient.connect(port: port, meeting: String(repeating: "m", count: 128), participant: "zoë")
            #expect(try await ok.next()?["type"]?.string == "peers")
            try await ok.close()

            var members: [TestWebSocket] = []
            var tokens: [String] = []
            for i in 0..<16 {
                let member = try await SignalClient.connect(port: port, meeting: "full", participant: "p\(i)")
                tokens.append(try #require(try await member.next()?["token"]?.string))
                members.append(member)
            }
            // The 17th is told why: closed with 4409, no frames. Under a loaded CI machine the test's
            // WebSocket client has, about once in twenty runs, never reported a close the server sent
            // (the server logs its close; the cause in the client is not found): a second newcomer
            // then gets its chance, and the room must still refuse it with 4409.
            var closeCodes: [Int?] = []
            for attempt in 0..<2 where closeCodes.last != 4409 {
                let late = try await SignalClient.connect(port: port, meeting: "full", participant: "p\(16 + attempt)")
                #expect(try await late.nextWithin(.seconds(2)) == nil)
                closeCodes.append(try await late.closeCode(within: .seconds(20)))
            }
            #expect(closeCodes.last == 4409, "\(closeCodes)")
            // A member may still reconnect with its token (it replaces itself).
            let again = try await SignalClient.connect(port: port, query: "meetingId=full&participantId=p3&token=\(tokens[3])")
            #expect(try await again.next()?["peers"]?.array?.count == 15)

            let big = #"{"to":"p1","pad":""# + String(repeating: "a", count: 64 * 1024) + #""}"#
            try await members[0].send(big)
            // p0 still has the `joined` frames of the others queued; then its connection ends.
            var queued = 0
            while try await members[0].nextWithin(.seconds(2)) != nil, queued < 100 { queued += 1 }
            #expect(queued == 16)
            #expect(try await members[0].closeCode(within: .seconds(20)) == 1009)
            for member in members.dropFirst() { try await member.close() }
            try await again.close()
        }
    }
}

private func json(_ text: String) -> JSONValue {
    (try? JSONValue.parse(text)) ?? .null
}

extension JSONValue {
    /// A `peers` frame without its (random) `token`.
    var withoutToken: JSONValue {
        guard case .object(var members) = self else { return self }
        members["token"] = nil
        return .object(members)
    }
}

/// Signalling connections are test sockets on `/demo/signal`.
private enum SignalClient {
    static func connect(port: Int, meeting: String, participant: String) async throws -> TestWebSocket {
        let encode = { (s: String) in s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }
        return try await connect(port: port, query: "meetingId=\(encode(meeting))&participantId=\(encode(participant))")
    }

    static func connect(port: Int, query: String) async throws -> TestWebSocket {
        try await TestWebSocket.connect(url: "ws://127.0.0.1:\(port)/demo/signal?\(query)")
    }
}
