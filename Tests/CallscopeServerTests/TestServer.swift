import CallscopeCore
import CallscopeServer
import CallscopeStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A server on a real SQLite file in a fresh temporary folder, with known credentials.
struct TestServer {
    static let ingestKey = "test-ingest-key"
    static let apiToken = "test-api-token"
    /// The password of the dashboard user `admin` (bcrypt cost 4 in tests, so signing in is fast).
    static let adminPassword = "test-admin-password"

    let directory: URL
    var databasePath: String { directory.appendingPathComponent("callscope.sqlite").path }
    var configuration = ServerConfiguration()

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("callscope-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        configuration.port = 0
        configuration.bcryptCost = 4
        // The fixtures' messages are stamped around `Messages.t0`: the server's clock runs there.
        configuration.clock = WallClock(offsetMs: Messages.t0 + 60_000 - WallClock.system.nowMs())
    }

    /// Opens the store (a new connection each time, as a restarted server would) and builds the app.
    func app() async throws -> some ApplicationProtocol {
        let store = try SQLiteStore(path: databasePath)
        _ = try await Bootstrap.prepare(store: store, ingestKey: Self.ingestKey, apiToken: Self.apiToken, nowMs: 0,
                                        adminPassword: Self.adminPassword, bcryptCost: configuration.bcryptCost)
        return try await buildApplication(configuration: configuration, store: store)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

extension TestClientProtocol {
    /// POSTs `body` to `/ingest/v1` with the ingest key and returns status and parsed body.
    func ingest(_ body: String, key: String = TestServer.ingestKey) async throws -> (HTTPResponse.Status, JSONValue) {
        try await execute(uri: "/ingest/v1", method: .post, headers: [.authorization: "Bearer \(key)"],
                          body: ByteBuffer(string: body)) { response in
            (response.status, (try? JSONValue.parse(Array(response.body.readableBytesView))) ?? .null)
        }
    }

    /// GETs an API path with the API token and returns status and parsed body.
    func api(_ path: String, method: HTTPRequest.Method = .get, body: String? = nil,
             token: String = TestServer.apiToken) async throws -> (HTTPResponse.Status, JSONValue) {
        try await execute(uri: path, method: method, headers: [.authorization: "Bearer \(token)"],
                          body: body.map { ByteBuffer(string: $0) }) { response in
            (response.status, (try? JSONValue.parse(Array(response.body.readableBytesView))) ?? .null)
        }
    }
}

extension TestClientProtocol {
    /// Signs in through `POST /login` and returns the `Cookie` header value that carries the session.
    func signIn(username: String = "admin", password: String = TestServer.adminPassword) async throws -> String {
        let body = "username=\(formEncoded(username))&password=\(formEncoded(password))"
        return try await execute(uri: "/login", method: .post,
                                 headers: [.contentType: "application/x-www-form-urlencoded"],
                                 body: ByteBuffer(string: body)) { response in
            let setCookie = try #require(response.headers[.setCookie], "signed in")
            return String(try #require(setCookie.split(separator: ";").first))
        }
    }

    /// GETs a page (with a session cookie when given): status, HTML, headers.
    func page(_ path: String, cookie: String? = nil) async throws -> (HTTPResponse.Status, String, HTTPFields) {
        var headers = HTTPFields()
        if let cookie { headers[.cookie] = cookie }
        return try await execute(uri: path, method: .get, headers: headers) { response in
            (response.status, String(buffer: response.body), response.headers)
        }
    }
}

/// `application/x-www-form-urlencoded` encoding of one value.
func formEncoded(_ value: String) -> String {
    let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
}

/// Builds ingest messages as JSON text.
enum Messages {
    static let t0: Int64 = 1_764_070_000_000

    static func join(_ pid: String, meeting: String = "abcd-efgh-ijkl", seq: Int64, ts: Int64 = t0, setupMs: Int? = 840,
                     name: String? = nil) -> String {
        """
        {"type":"join","meetingId":"\(meeting)","participantId":"\(pid)","seq":\(seq),"ts":\(ts),"name":"\(name ?? pid.capitalized)",\
        "userAgent":"Mozilla/5.0 Chrome/156","platform":"desktop","device":"Desktop","os":"Linux","browser":"Chrome 156",\
        "sdk":{"name":"test-sdk","version":"1.2.3"}\(setupMs.map { ",\"setupMs\":\($0)" } ?? "")}
        """
    }

    static func leave(_ pid: String, meeting: String = "abcd-efgh-ijkl", seq: Int64, ts: Int64, reason: String = "left") -> String {
        #"{"type":"leave","meetingId":"\#(meeting)","participantId":"\#(pid)","seq":\#(seq),"ts":\#(ts),"reason":"\#(reason)"}"#
    }

    /// A Chrome-shaped report of `pid` receiving video and audio from `from`, at `ts`, with
    /// cumulative counters scaled by `n` (the tick number).
    static func receiverStats(_ pid: String, from: String, meeting: String = "abcd-efgh-ijkl", seq: Int64, ts: Int64,
                              bytes: Int, packets: Int, lost: Int, frames: Int, jitter: Double = 0.012) -> String {
        """
        {"type":"stats","meetingId":"\(meeting)","participantId":"\(pid)","seq":\(seq),"ts":\(ts),"pc":"pc-1",\
        "remoteParticipantId":"\(from)","report":[\
        {"id":"IT01V1","type":"inbound-rtp","kind":"video","timestamp":\(ts),"ssrc":1,"mid":"1",\
        "bytesReceived":\(bytes),"packetsReceived":\(packets),"packetsLost":\(lost),"jitter":\(jitter),\
        "framesDecoded":\(frames),"frameWidth":640,"frameHeight":480,"transportId":"T01"},\
        {"id":"T01","type":"transport","timestamp":\(ts),"selectedCandidatePairId":"CP1"},\
        {"id":"CP1","type":"candidate-pair","timestamp":\(ts),"state":"succeeded","nominated":true,"currentRoundTripTime":0.05}]}
        """
    }

    static func batch(_ messages: String...) -> String { "[" + messages.joined(separator: ",") + "]" }
}
