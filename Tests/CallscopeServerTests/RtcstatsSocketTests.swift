import CallscopeCore
import CallscopeServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("/rtcstats WebSocket")
struct RtcstatsSocketTests {
    @Test("an rtcstats client's lines stream in as live data: a session with its participant, samples and diagnosis; a bad key is refused")
    func streamsIn() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.live) { client in
            let port = try #require(client.port)
            await #expect(throws: (any Error).self, "no upgrade without a known key") {
                _ = try await TestWebSocket.connect(url: "ws://127.0.0.1:\(port)/rtcstats?key=nope")
            }
            let socket = try await TestWebSocket.connect(url: "ws://127.0.0.1:\(port)/rtcstats?key=\(TestServer.ingestKey)&meetingId=rtc-1")
            let t0 = Messages.t0
            await socket.send(#"["connectionInfo",null,"{\"userAgent\":\"Mozilla/5.0 (X11; Linux x86_64) Chrome/96.0 Safari/537.36\"}",\#(t0)]"#)
            await socket.send(#"["identity",null,{"endpointId":"ana","displayName":"Ana"},\#(t0)]"#)
            for s in 0...20 {
                let ts = t0 + 1000 + Int64(s) * 1000
                let stats = s == 0
                    ? #"{"OT1":{"type":"outbound-rtp","kind":"audio","ssrc":1,"packetsSent":0,"bytesSent":0,"timestamp":0},"RI1":{"type":"remote-inbound-rtp","kind":"audio","ssrc":1,"localId":"OT1","packetsLost":0,"roundTripTime":0.05,"timestamp":0},"timestamp":\#(ts)}"#
                    : #"{"OT1":{"packetsSent":\#(100 * s),"bytesSent":\#(10_000 * s),"timestamp":0},"RI1":{"packetsLost":\#(20 * s),"timestamp":0},"timestamp":\#(ts)}"#
                await socket.send(#"["getstats","PC_0",\#(stats),\#(ts)]"#)
            }
            try await socket.close()
            // Written before each next frame was read; the leave after the close: wait for the session to end.
            var session: JSONValue = .null
            for _ in 0..<50 {
                let (_, list) = try await client.api("/api/v1/sessions?meetingId=rtc-1")
                if let id = list["sessions"]?.array?.first?["sessionId"]?.string {
                    session = try await client.api("/api/v1/sessions/\(id)").1
                    if session["status"]?.string == "ended" { break }
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(session["status"]?.string == "ended", "\(session)")
            let people = session["participants"]?.array ?? []
            #expect(people.first?["participantId"]?.string == "ana" && people.first?["name"]?.string == "Ana", "\(people)")
            let verdict = session["diagnosis"]?["verdict"]?.array?.compactMap(\.string).joined(separator: " ") ?? ""
            #expect(verdict.contains("20 %"), "20 of every 100 packets lost, said by the far end: \(verdict)")
        }
    }
}
