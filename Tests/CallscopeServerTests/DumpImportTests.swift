import CallscopeCore
import CallscopeServer
import CallscopeStore
import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Dumps made here, in the rtcstats-server layout: `seconds` one-second getstats deltas of one
/// connection sending audio (100 packets a second, `lossPercent` of them reported lost by the
/// far end) and receiving audio, between a camera request and a failed ICE connection.
enum RecordedDump {
    static let t0: Int64 = 1_700_000_000_000

    static func rtcstats(seconds: Int = 30, lossPercent: Int = 0, endpoint: String? = nil, meeting: String? = nil) -> [UInt8] {
        var lines = [#"["connectionInfo",null,"{\"userAgent\":\"Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0.0.0 Safari/537.36\"}",\#(t0)]"#]
        var identity: [String] = []
        if let endpoint { identity.append(#""endpointId":"\#(endpoint)","displayName":"\#(endpoint.capitalized)""#) }
        if let meeting { identity.append(#""meetingUniqueId":"\#(meeting)""#) }
        if !identity.isEmpty { lines.append(#"["identity",null,{\#(identity.joined(separator: ","))},\#(t0)]"#) }
        lines.append(#"["navigator.mediaDevices.getUserMedia",null,{"audio":true,"video":false},\#(t0 + 10)]"#)
        lines.append(#"["create","PC_0",{"iceServers":[]},\#(t0 + 100)]"#)
        for s in 0...seconds {
            let ts = t0 + 1000 + Int64(s) * 1000
            let sent = 100 * s, lost = sent * lossPercent / 100
            lines.append("""
                ["getstats","PC_0",{"OT1":{"type":"outbound-rtp","kind":"audio","ssrc":1,"packetsSent":\(sent),"bytesSent":\(sent * 100),"timestamp":\(ts)},\
                "RI1":{"type":"remote-inbound-rtp","kind":"audio","ssrc":1,"localId":"OT1","packetsLost":\(lost),"roundTripTime":0.05,"jitter":0.004,"timestamp":\(ts)},\
                "IT1":{"type":"inbound-rtp","kind":"audio","ssrc":2,"packetsReceived":\(100 * s),"packetsLost":0,"bytesReceived":\(10_000 * s),"jitter":0.003,"timestamp":\(ts)},\
                "timestamp":\(ts)},\(ts)]
                """)
        }
        lines.append(#"["oniceconnectionstatechange","PC_0","failed",\#(t0 + 1000 + Int64(seconds) * 1000 + 500)]"#)
        return Array(lines.joined(separator: "\n").utf8)
    }
}

@Suite("Dump imports")
struct DumpImportTests {
    /// A fresh SQLite file with the projects p and q; removed by `defer`.
    static func store() async throws -> (store: SQLiteStore, directory: URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callscope-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: directory.appendingPathComponent("i.sqlite").path)
        for id in ["p", "q"] { try await store.createProject(Project(id: id, name: id, ingestKey: "key-" + id, createdMs: 0)) }
        return (store, directory)
    }

    @Test("a dump becomes an ended session with its participant, client, streams, samples, health, events and errors")
    func importsASession() async throws {
        let (store, directory) = try await Self.store()
        defer { try? FileManager.default.removeItem(at: directory) }
        let importer = DumpImporter(store: store)
        let outcome = try await importer.importDump(.init(name: "/tmp/alice dump.txt", bytes: RecordedDump.rtcstats(lossPercent: 12)),
                                                    projectId: "p", nowMs: 1)
        #expect(!outcome.duplicate && !outcome.joinedExistingSession && outcome.participantId == "alice dump")
        let session = try #require(try await store.session(id: outcome.sessionId))
        #expect(session.status == .ended && session.projectId == "p" && session.meetingId == outcome.meetingId)
        #expect(session.startMs == RecordedDump.t0 + 10 && session.endMs == RecordedDump.t0 + 31_500, "\(session)")
        let participants = try await store.participants(sessionId: session.id)
        #expect(participants.map(\.participantId) == ["alice dump"])
        #expect(participants.first?.client.browser?.hasPrefix("Chrome") == true)
        let streams = try await store.streams(sessionId: session.id)
        #expect(streams.count == 2, "alice → the peer and the peer → alice, audio")
        let sent = try #require(streams.first { $0.key.senderId == "alice dump" })
        let samples = try await store.samples(streamId: sent.id, side: .sender, fromMs: nil, toMs: nil)
        // One per report (31, the first with counters still at 0); 12 of every 100 packets
        // reported lost by the far end each second, 80 kbit/s (10,000 bytes a second).
        #expect(samples.count == 31 && samples.last?.lossPercent == 12 && samples.last?.bitrateKbps == 80)
        #expect(!(try await store.healthSlices(sessionId: session.id, participantId: nil)).isEmpty)
        let events = try await store.events(sessionId: session.id, participantId: nil).map(\.name)
        #expect(events.contains("media-request") && events.contains("join") && events.contains("leave"))
        #expect(try await store.errors(sessionId: session.id).map(\.code) == ["ice-failed"])
    }

    @Test("the same file again, plain or gzip-compressed, is recognised by its content and stores nothing")
    func duplicates() async throws {
        let (store, directory) = try await Self.store()
        defer { try? FileManager.default.removeItem(at: directory) }
        let importer = DumpImporter(store: store)
        let bytes = RecordedDump.rtcstats()
        let first = try await importer.importDump(.init(name: "a.txt", bytes: bytes), projectId: "p", nowMs: 1)
        var buffer = ByteBuffer(bytes: bytes)
        let gzip = Array(try buffer.compress(with: .gzip()).readableBytesView)
        let again = try await importer.importDump(.init(name: "a.txt.gz", bytes: gzip), projectId: "p", nowMs: 2)
        #expect(again.duplicate && again.sessionId == first.sessionId)
        #expect(try await store.sessions(SessionQuery(projectId: "p")).sessions.count == 1)
        let other = try await importer.importDump(.init(name: "a.txt", bytes: bytes), projectId: "q", nowMs: 3)
        #expect(!other.duplicate, "another project has its own imports")
    }

    @Test("a second participant's dump of the same meeting joins the session; the session ends at the later leave")
    func joinsTheMeeting() async throws {
        let (store, directory) = try await Self.store()
        defer { try? FileManager.default.removeItem(at: directory) }
        let importer = DumpImporter(store: store)
        let alice = try await importer.importDump(.init(name: "alice.txt", bytes: RecordedDump.rtcstats(seconds: 20, endpoint: "alice", meeting: "m1")),
                                                  projectId: "p", nowMs: 1)
        let bob = try await importer.importDump(.init(name: "bob.txt", bytes: RecordedDump.rtcstats(seconds: 40, endpoint: "bob"), meetingId: "m1"),
                                                projectId: "p", nowMs: 2)
        #expect(alice.meetingId == "m1" && alice.participantId == "alice")
        #expect(bob.joinedExistingSession && bob.sessionId == alice.sessionId && bob.participantId == "bob")
        let session = try #require(try await store.session(id: alice.sessionId))
        #expect(session.status == .ended && session.endMs == RecordedDump.t0 + 41_500 && session.errorCount == 2)
        let participants = try await store.participants(sessionId: session.id)
        #expect(Set(participants.map(\.participantId)) == ["alice", "bob"] && participants.first { $0.participantId == "bob" }?.name == "Bob")
        await #expect(throws: ImportError.self) {
            try await importer.importDump(.init(name: "c.txt", bytes: RecordedDump.rtcstats(seconds: 5), meetingId: "m1", participantId: "bob"),
                                          projectId: "p", nowMs: 3)
        }
    }

    @Test("a bad file is refused with what was wrong, and a failed write leaves the database as it was")
    func refusals() async throws {
        let (store, directory) = try await Self.store()
        defer { try? FileManager.default.removeItem(at: directory) }
        let importer = DumpImporter(store: store)
        func message(_ bytes: [UInt8]) async -> String? {
            do {
                _ = try await importer.importDump(.init(name: "x", bytes: bytes), projectId: "p", nowMs: 1)
                return nil
            } catch {
                return (error as? ImportError)?.message ?? "\(error)"
            }
        }
        #expect(await message([]) == "the file is empty")
        #expect(await message(Array("{\"PeerConnections\":{},\"getUserMedia\":[]}".utf8))?.hasPrefix("nothing to import") == true)
        #expect(await message(Array("{\"PeerConnections\":".utf8)) == "line 1, column 20: not JSON: unexpected end of input, expected a value")
        var buffer = ByteBuffer(bytes: RecordedDump.rtcstats())
        let gzip = Array(try buffer.compress(with: .gzip()).readableBytesView)
        #expect(await message(Array(gzip.prefix(gzip.count / 2)))?.hasPrefix("gzip: ") == true)

        let failing = FailingIngestStore(store)
        failing.failWrites.store(true, ordering: .relaxed)
        let broken = DumpImporter(store: ComposedStore(base: store, ingest: failing))
        await #expect(throws: (any Error).self) {
            try await broken.importDump(.init(name: "a", bytes: RecordedDump.rtcstats()), projectId: "p", nowMs: 1)
        }
        #expect(try await store.sessions(SessionQuery(projectId: "p")).sessions.isEmpty)
        failing.failWrites.store(false, ordering: .relaxed)
        let retried = try await broken.importDump(.init(name: "a", bytes: RecordedDump.rtcstats()), projectId: "p", nowMs: 2)
        #expect(!retried.duplicate, "the failed import recorded nothing, so the file goes in now")
    }
}

@Suite("POST /api/v1/imports")
struct ImportsAPITests {
    @Test("a dump posted as the body becomes a session the API reads back, diagnosis and all; again, it is a duplicate; junk is a 422")
    func postDump() async throws {
        let server = try TestServer()
        defer { server.remove() }
        let app = try await server.app()
        try await app.test(.router) { client in
            func post(_ bytes: [UInt8], query: String = "fileName=alice.txt") async throws -> (HTTPResponse.Status, JSONValue) {
                try await client.execute(uri: "/api/v1/imports?" + query, method: .post,
                                         headers: [.authorization: "Bearer \(TestServer.apiToken)"],
                                         body: ByteBuffer(bytes: bytes)) { response in
                    (response.status, (try? JSONValue.parse(Array(response.body.readableBytesView))) ?? .null)
                }
            }
            let dump = RecordedDump.rtcstats(seconds: 40, lossPercent: 15, endpoint: "alice", meeting: "standup")
            let (status, made) = try await post(dump)
            #expect(status == .created, "\(made)")
            let sessionId = try #require(made["sessionId"]?.string)
            #expect(made["meetingId"]?.string == "standup" && made["participantId"]?.string == "alice")
            #expect(made["sessionUrl"]?.string == "/sessions/\(sessionId)" && made["duplicate"]?.bool == false)
            let (_, session) = try await client.api("/api/v1/sessions/\(sessionId)")
            #expect(session["status"]?.string == "ended", "\(session)")
            let verdict = session["diagnosis"]?["verdict"]?.array?.compactMap(\.string) ?? []
            #expect(verdict.first?.contains("15 %") == true, "\(verdict)")
            let cookie = try await client.signIn()
            let (_, html, _) = try await client.page("/sessions/\(sessionId)", cookie: cookie)
            #expect(html.contains("One participant&#39;s view") || html.contains("One participant's view"))
            #expect(html.contains("Imported from a dump: Alice&#39;s view of the call only"), "the Overview says whose view it is")
            let (again, same) = try await post(dump)
            #expect(again == .ok && same["duplicate"]?.bool == true && same["sessionId"]?.string == sessionId)
            let (junk, refusal) = try await post(Array("hello".utf8))
            #expect(junk == .unprocessableContent && refusal["error"]?["field"]?.string == "body", "\(refusal)")
            let (badMeeting, meetingRefusal) = try await post(RecordedDump.rtcstats(seconds: 3), query: "meetingId=%01")
            #expect(badMeeting == .badRequest && meetingRefusal["error"]?["field"]?.string == "meetingId", "\(meetingRefusal)")
        }
    }
}
