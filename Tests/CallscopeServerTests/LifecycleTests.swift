import CallscopeCore
import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import Testing

@Suite("Lifecycle over a live server")
struct LifecycleTests {
    @Test("a silent participant times out and the session ends")
    func timeout() async throws {
        var server = try TestServer()
        server.configuration.sessionTimeoutMs = 300
        server.configuration.expiryIntervalMs = 50
        defer { server.remove() }
        try await server.app().test(.live) { client in
            let t0 = Messages.t0
            let (_, body) = try await client.ingest(Messages.join("alice", seq: 1, ts: t0))
            let sessionId = try #require(body["acks"]?.array?.first?["sessionId"]?.string)
            var status = "ongoing"
            for _ in 0..<60 where status == "ongoing" {
                try await Task.sleep(for: .milliseconds(50))
                status = try await client.api("/api/v1/sessions/\(sessionId)").1["status"]?.string ?? ""
            }
            #expect(status == "ended")
            let (_, alice) = try await client.api("/api/v1/sessions/\(sessionId)/participants/alice")
            #expect(alice["attempts"]?.array?.first?["leaveReason"]?.string == "timeout")
            // A join after the end opens a new session of the same meeting.
            let (_, again) = try await client.ingest(Messages.join("alice", seq: 2, ts: t0 + 90_000))
            #expect(again["acks"]?.array?.first?["sessionId"]?.string != sessionId)
        }
    }

    @Test("WebSocket ingest: one ack frame per frame; error frames name the field")
    func webSocket() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.live) { client in
            let port = try #require(client.port)
            let frames = [
                Messages.join("alice", seq: 1),
                Messages.batch(Messages.join("bob", seq: 1), Messages.leave("bob", seq: 2, ts: Messages.t0 + 10)),
                #"{"type":"leave","meetingId":"abcd-efgh-ijkl","participantId":"alice","seq":"two","ts":1}"#,
            ]
            let answers = try await Self.exchange(frames, url: "ws://127.0.0.1:\(port)/ingest/v1/ws?key=\(TestServer.ingestKey)")
            #expect(answers.count == 3)
            #expect(answers[0]["type"]?.string == "ack")
            #expect(answers[1]["acks"]?.array?.first?["seq"]?.int64 == 2)
            #expect(answers[2]["type"]?.string == "error")
            #expect(answers[2]["error"]?["field"]?.string == "seq")
        }
    }

    @Test("acknowledged data survives a restart on the same file; the session is still ongoing")
    func restart() async throws {
        let server = try TestServer()
        defer { server.remove() }
        let t0 = Messages.t0
        let sessionId = try await server.app().test(.router) { client in
            let (_, body) = try await client.ingest(Messages.batch(
                Messages.join("bob", seq: 1, ts: t0),
                Messages.receiverStats("bob", from: "alice", seq: 2, ts: t0 + 2_000, bytes: 100_000, packets: 100, lost: 0, frames: 30)))
            return try #require(body["acks"]?.array?.first?["sessionId"]?.string)
        }
        try await server.app().test(.router) { client in
            let (_, overview) = try await client.api("/api/v1/sessions/\(sessionId)")
            #expect(overview["status"]?.string == "ongoing")
            // The resend after the restart is recognised as a duplicate.
            let (_, again) = try await client.ingest(Messages.join("bob", seq: 1, ts: t0))
            #expect(again["duplicates"]?.int64 == 1)
            // New data lands in the same session.
            let (_, more) = try await client.ingest(
                Messages.receiverStats("bob", from: "alice", seq: 3, ts: t0 + 4_000, bytes: 350_000, packets: 340, lost: 10, frames: 90))
            #expect(more["acks"]?.array?.first?["sessionId"]?.string == sessionId)
            let (_, streams) = try await client.api("/api/v1/sessions/\(sessionId)/streams")
            #expect(streams["items"]?.array?.first?["receiverSamples"]?.int64 == 2)
        }
    }

    static func exchange(_ frames: [String], url: String) async throws -> [JSONValue] {
        let answers = AnswerBox()
        try await WebSocketClient.connect(url: url, logger: Logger(label: "test")) { inbound, outbound, _ in
            var iterator = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
            for frame in frames {
                try await outbound.write(.text(frame))
                if case .text(let text)? = try await iterator.next() { answers.append(try JSONValue.parse(text)) }
            }
            try await outbound.close(.normalClosure, reason: nil)
        }
        return answers.values
    }
}

private final class AnswerBox: @unchecked Sendable {
    private(set) var values: [JSONValue] = []
    func append(_ v: JSONValue) { values.append(v) }
}
