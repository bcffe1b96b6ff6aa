import CallscopeCore
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Ingest over HTTP")
struct IngestHTTPTests {
    @Test("stats read back through the API with every derived number hand-checked")
    func roundTrip() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let t0 = Messages.t0
            // Tick 2 is 2000 ms after tick 1: 250_000 more bytes, 240 more packets received, 10 more lost, 60 frames.
            let (status, body) = try await client.ingest(Messages.batch(
                Messages.join("alice", seq: 1, ts: t0),
                Messages.join("bob", seq: 1, ts: t0 + 100),
                Messages.receiverStats("bob", from: "alice", seq: 2, ts: t0 + 2_000, bytes: 100_000, packets: 100, lost: 0, frames: 30),
                Messages.receiverStats("bob", from: "alice", seq: 3, ts: t0 + 4_000, bytes: 350_000, packets: 340, lost: 10, frames: 90)))
            #expect(status == .ok)
            #expect(body["stored"]?.int64 == 4)
            let acks = body["acks"]?.array ?? []
            #expect(acks.count == 2)
            #expect(acks.first { $0["participantId"]?.string == "bob" }?["seq"]?.int64 == 3)
            let sessionId = try #require(acks.first?["sessionId"]?.string)

            let (_, overview) = try await client.api("/api/v1/sessions/\(sessionId)")
            #expect(overview["meetingId"]?.string == "abcd-efgh-ijkl")
            #expect(overview["status"]?.string == "ongoing")
            #expect(overview["uniqueParticipants"]?.int64 == 2)
            #expect(overview["initiatingTimeMs"]?.int64 == 840)
            #expect(overview["startMs"]?.int64 == t0)
            #expect(overview["participants"]?.array?.count == 2)

            let (_, streams) = try await client.api("/api/v1/sessions/\(sessionId)/streams")
            let stream = try #require(streams["items"]?.array?.first)
            #expect(stream["senderId"]?.string == "alice")
            #expect(stream["receiverId"]?.string == "bob")
            #expect(stream["kind"]?.string == "video")
            #expect(stream["receiverSamples"]?.int64 == 2)
            let streamId = try #require(stream["streamId"]?.int64)

            let (_, samples) = try await client.api("/api/v1/sessions/\(sessionId)/streams/\(streamId)/samples?side=receiver")
            let list = try #require(samples["samples"]?.array)
            #expect(list.count == 2)
            let second = list[1]
            // 8 × 250_000 B / 2 s / 1000 = 1000 kbit/s
            #expect(abs((second["bitrateKbps"]?.double ?? 0) - 1000) < 0.01)
            // 10 lost / (240 received + 10 lost) × 100 = 4 %
            #expect(abs((second["lossPercent"]?.double ?? 0) - 4) < 0.001)
            // 60 frames / 2 s = 30 fps
            #expect(abs((second["fps"]?.double ?? 0) - 30) < 0.01)
            // jitter 0.012 s = 12 ms; RTT from the selected candidate pair 0.05 s = 50 ms
            #expect(abs((second["jitterMs"]?.double ?? 0) - 12) < 0.01)
            #expect(abs((second["rttMs"]?.double ?? 0) - 50) < 0.01)
            #expect(second["frameWidth"]?.int64 == 640)
            #expect(second["frameHeight"]?.int64 == 480)
            // The first sample of a series has no rates.
            #expect(list[0]["bitrateKbps"] == nil)

            let (_, bob) = try await client.api("/api/v1/sessions/\(sessionId)/participants/bob")
            #expect(bob["browser"]?.string == "Chrome 156")
            #expect(bob["os"]?.string == "Linux")
            #expect(bob["platform"]?.string == "desktop")
            #expect(bob["sdkVersion"]?.string == "1.2.3")
            #expect(bob["location"]?.string == "unknown")
            #expect(bob["joiningTimeMs"]?.int64 == 840)
            #expect(bob["attempts"]?.array?.count == 1)
        }
    }

    @Test("a resent message is acknowledged and never stored twice")
    func duplicates() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let t0 = Messages.t0
            let first = Messages.batch(
                Messages.join("bob", seq: 1, ts: t0),
                Messages.receiverStats("bob", from: "alice", seq: 2, ts: t0 + 2_000, bytes: 100_000, packets: 100, lost: 0, frames: 30))
            let (s1, b1) = try await client.ingest(first)
            #expect(s1 == .ok)
            let (s2, b2) = try await client.ingest(first)
            #expect(s2 == .ok)
            #expect(b2["duplicates"]?.int64 == 2)
            #expect(b2["stored"]?.int64 == 0)
            #expect(b2["acks"]?.array?.first?["seq"]?.int64 == 2)
            let sessionId = try #require(b1["acks"]?.array?.first?["sessionId"]?.string)
            let (_, streams) = try await client.api("/api/v1/sessions/\(sessionId)/streams")
            #expect(streams["items"]?.array?.first?["receiverSamples"]?.int64 == 1)
            let (_, events) = try await client.api("/api/v1/sessions/\(sessionId)/events")
            #expect(events["items"]?.array?.filter { $0["name"]?.string == "join" }.count == 1)
        }
    }

    @Test("out-of-order seqs: the ack stops below the hole until it is filled")
    func outOfOrder() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let t0 = Messages.t0
            _ = try await client.ingest(Messages.join("bob", seq: 1, ts: t0))
            let (_, b3) = try await client.ingest(Messages.leave("bob", seq: 3, ts: t0 + 5_000))
            #expect(b3["acks"]?.array?.first?["seq"]?.int64 == 1)
            let (_, b2) = try await client.ingest(
                #"{"type":"event","meetingId":"abcd-efgh-ijkl","participantId":"bob","seq":2,"ts":\#(t0 + 1_000),"name":"mute","data":{"kind":"audio"}}"#)
            #expect(b2["acks"]?.array?.first?["seq"]?.int64 == 3)
            #expect(b2["stored"]?.int64 == 1)
        }
    }

    @Test("bad input: clear errors naming the field, and nothing accepted before is lost")
    func badInput() async throws {
        var server = try TestServer()
        server.configuration.maxBodyBytes = 4_096
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let t0 = Messages.t0
            let (s1, b1) = try await client.ingest("{\"type\":\"join\",")
            #expect(s1 == .badRequest)
            #expect(b1["error"]?["code"]?.string == "invalid_json")

            let noSeq = #"{"type":"leave","meetingId":"abcd-efgh-ijkl","participantId":"bob","ts":1}"#
            let (s2, b2) = try await client.ingest(Messages.batch(Messages.join("bob", seq: 1, ts: t0), noSeq))
            #expect(s2 == .badRequest)
            #expect(b2["error"]?["field"]?.string == "[1].seq")
            #expect(b2["error"]?["code"]?.string == "missing_field")
            #expect(b2["acks"]?.array?.first?["seq"]?.int64 == 1)  // the join before it is stored

            let (s3, b3) = try await client.ingest(#"{"type":"teleport","meetingId":"m","participantId":"p","seq":1,"ts":1}"#)
            #expect(s3 == .badRequest)
            #expect(b3["error"]?["code"]?.string == "unknown_type")
            #expect(b3["error"]?["field"]?.string == "type")

            let delta = #"{"type":"stats","meetingId":"abcd-efgh-ijkl","participantId":"bob","seq":2,"ts":\#(t0),"pc":"pc-9","delta":{"x":{"bytesReceived":5}}}"#
            let (s4, b4) = try await client.ingest(delta)
            #expect(s4 == .badRequest)
            #expect(b4["error"]?["code"]?.string == "full_report_required")

            let (s5, _) = try await client.ingest(Messages.join("bob", seq: 9, ts: t0), key: "wrong-key")
            #expect(s5 == .unauthorized)

            let (s6, b6) = try await client.ingest("[" + String(repeating: Messages.join("x", seq: 1) + ",", count: 40) + "1]")
            #expect(s6 == .contentTooLarge)
            #expect(b6["error"]?["code"]?.string == "body_too_large")

            let (s7, _) = try await client.ingest("{\"type\":\"join\"}")
            #expect(s7 == .badRequest)

            // Ingest keys cannot read; API tokens are required.
            let (s8, _) = try await client.api("/api/v1/sessions", token: TestServer.ingestKey)
            #expect(s8 == .unauthorized)
        }
    }
}
