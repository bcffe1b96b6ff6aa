import CallscopeCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A structure-aware fuzz campaign against the real application (router, pipeline, SQLite file):
/// mutated and random ingest messages, random query strings on every API and page route, random
/// form posts. Every answer must be a 2xx, 3xx (a redirect with a Location) or 4xx, with a JSON or
/// HTML body (CSV for exports); a trap would end the test process, which fails the run.
///
/// `CALLSCOPE_FUZZ_ITERATIONS` (default 300 per round) and `CALLSCOPE_FUZZ_SEED` (default fixed)
/// size and replay a campaign; `.ci/run` runs a longer one with a fresh seed and prints both.
@Suite("Fuzz: no input brings the server down")
struct FuzzTests {
    static let iterations = ProcessInfo.processInfo.environment["CALLSCOPE_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 300
    static let seed = ProcessInfo.processInfo.environment["CALLSCOPE_FUZZ_SEED"].flatMap(UInt64.init) ?? 20_261_202

    @Test("mutated ingest messages, queries on every route, form posts")
    func campaign() async throws {
        let server = try TestServer()
        defer { server.remove() }
        let tally = try await server.app().test(.router) { client -> FuzzTally in
            var rng = FuzzRandom(seed: Self.seed)
            var tally = FuzzTally()
            var seqs: [String: Int] = [:]
            let cookie = try await client.signIn()
            let seeds = try await FuzzSeeds.prepare(client)
            for round in 0..<Self.iterations {
                var messages: [String] = []
                for _ in 0..<rng.int(1...4) { messages.append(FuzzMessages.mutated(seeds: seeds, seqs: &seqs, rng: &rng)) }
                let body = messages.count == 1 && rng.chance(0.5) ? messages[0] : "[" + messages.joined(separator: ",") + "]"
                try await tally.check(client, "POST /ingest/v1", uri: "/ingest/v1", method: .post,
                                      headers: [.authorization: "Bearer \(TestServer.ingestKey)"], body: body)
                if round % 7 == 0 {
                    try await tally.check(client, "POST /ingest/v1 raw", uri: "/ingest/v1", method: .post,
                                          headers: [.authorization: "Bearer \(TestServer.ingestKey)"],
                                          body: FuzzMessages.garbage(rng: &rng))
                }
                let (path, auth) = FuzzRoutes.randomGET(seeds: seeds, rng: &rng)
                var headers = HTTPFields()
                switch auth {
                case .cookie: headers[.cookie] = cookie
                case .token: headers[.authorization] = "Bearer \(TestServer.apiToken)"
                case .none: break
                }
                try await tally.check(client, "GET \(path.prefix { $0 != "?" })", uri: path, method: .get, headers: headers)
                if round % 3 == 0 {
                    let post = FuzzRoutes.randomPOST(seeds: seeds, rng: &rng)
                    var postHeaders: HTTPFields = [.cookie: cookie, .contentType: post.contentType]
                    if rng.chance(0.8) { postHeaders[.origin] = "http://localhost" }
                    if post.useToken { postHeaders = [.authorization: "Bearer \(TestServer.apiToken)", .contentType: post.contentType] }
                    try await tally.check(client, "POST \(post.label)", uri: post.path, method: .post, headers: postHeaders,
                                          body: post.body)
                }
                if round % 11 == 0 {
                    let method: HTTPRequest.Method = [.put, .delete, .patch, .options, .head][rng.int(0...4)]
                    let (path, _) = FuzzRoutes.randomGET(seeds: seeds, rng: &rng)
                    try await tally.check(client, "\(method) \(path.prefix { $0 != "?" })", uri: path, method: method,
                                          headers: [.cookie: cookie, .origin: "http://localhost"])
                }
            }
            // The server still does its job after the campaign.
            let (status, _) = try await client.ingest(Messages.join("after-fuzz", seq: 1))
            #expect(status == .ok)
            return tally
        }
        print("fuzz: seed \(Self.seed), \(tally.executions) requests, \(tally.byStatus.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")), 0 crashes")
        #expect(tally.failures.isEmpty, "\(tally.failures.prefix(10).joined(separator: "\n"))")
    }
}

/// Counts answers and records the ones that break the rules.
struct FuzzTally {
    var executions = 0
    var byStatus: [Int: Int] = [:]
    var failures: [String] = []

    mutating func check(_ client: some TestClientProtocol, _ label: String, uri: String, method: HTTPRequest.Method,
                        headers: HTTPFields = [:], body: String? = nil) async throws {
        executions += 1
        let (status, problem) = try await client.execute(uri: uri, method: method, headers: headers,
                                                         body: body.map { ByteBuffer(string: $0) }) { response in
            (response.status.code, Self.problem(response, method: method))
        }
        byStatus[status, default: 0] += 1
        if let problem, failures.count < 50 {
            failures.append("\(label) → \(status): \(problem)\n  uri: \(uri.prefix(300))\n  body: \(body?.prefix(300) ?? "")")
        }
    }

    static func problem(_ response: TestResponse, method: HTTPRequest.Method) -> String? {
        let code = response.status.code
        guard code < 500 else { return "server error" }
        if (300..<400).contains(code) { return response.headers[.location] == nil ? "redirect without Location" : nil }
        if code == 204 || code == 304 || method == .head { return nil }
        let type = response.headers[.contentType] ?? ""
        let bytes = Array(response.body.readableBytesView)
        if type.hasPrefix("application/json") {
            return (try? JSONValue.parse(bytes)) == nil ? "JSON that does not parse" : nil
        }
        if type.hasPrefix("text/html") {
            let text = String(decoding: bytes, as: UTF8.self)
            return text.contains("<html") || text.hasPrefix("<tbody") || text.contains("<section") ? nil : "HTML without a document"
        }
        if type.hasPrefix("text/csv") || type.hasPrefix("text/plain") || type.hasPrefix("text/css")
            || type.hasPrefix("text/javascript") || type.hasPrefix("application/javascript") { return nil }
        return "unexpected content type \(type.isEmpty ? "(none)" : type)"
    }
}

/// IDs the campaign aims at: a real session with participants, streams and a share link.
struct FuzzSeeds {
    var sessionId: String
    var participants: [String]
    var streamIds: [Int64]
    var shareToken: String
    var reports: [JSONValue]

    static func prepare(_ client: some TestClientProtocol) async throws -> FuzzSeeds {
        let t0 = Messages.t0
        let (_, body) = try await client.ingest(Messages.batch(
            Messages.join("alice", seq: 1), Messages.join("bob", seq: 1),
            Messages.receiverStats("bob", from: "alice", seq: 2, ts: t0 + 2_000, bytes: 1_000, packets: 10, lost: 0, frames: 3),
            Messages.receiverStats("bob", from: "alice", seq: 3, ts: t0 + 4_000, bytes: 90_000, packets: 90, lost: 2, frames: 60)))
        let sessionId = body["acks"]?.array?.first?["sessionId"]?.string ?? "missing"
        let (_, streams) = try await client.api("/api/v1/sessions/\(sessionId)/streams")
        let cookie = try await client.signIn()
        let location = try await client.execute(uri: "/sessions/\(sessionId)/share", method: .post, headers: [
            .cookie: cookie, .origin: "http://localhost", .contentType: "application/x-www-form-urlencoded",
        ], body: ByteBuffer(string: "days=7")) { $0.headers[.location] ?? "" }
        let (_, overview, _) = try await client.page(String(location.prefix { $0 != "#" }), cookie: cookie)
        let token = overview.range(of: "/share/").map { String(overview[$0.upperBound...].prefix(32)) } ?? "none"
        return FuzzSeeds(sessionId: sessionId, participants: ["alice", "bob"],
                         streamIds: streams["items"]?.array?.compactMap { $0["streamId"]?.int64 } ?? [1],
                         shareToken: token, reports: FuzzCorpus.reports())
    }
}

/// Full getStats reports of a real Chrome call from the shared corpus, when it is beside the
/// package; a Chrome-shaped fixture otherwise.
enum FuzzCorpus {
    static func reports() -> [JSONValue] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("shared/corpus/Guilospanck_webrtc-stats-analyzer__rtcstats_dump.txt").path
        var reports: [JSONValue] = []
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            // Reports with media in them (the first ones of a call hold only the peer connection),
            // every tenth, from both peer connections.
            var seen = 0
            for line in text.split(separator: "\n").dropFirst(2) where reports.count < 16 {
                guard case .array(let entry)? = try? JSONValue.parse(String(line)), entry.count >= 3,
                      entry[0] == .string("getStats"), let stats = entry[2].object,
                      !FuzzMessages.rtpStatIds(stats).isEmpty else { continue }
                seen += 1
                if seen % 10 == 1 { reports.append(entry[2]) }
            }
        }
        if reports.isEmpty, let fixture = try? JSONValue.parse(Messages.receiverStats(
            "bob", from: "alice", seq: 1, ts: Messages.t0, bytes: 1, packets: 1, lost: 0, frames: 1)), let report = fixture["report"] {
            reports = [report]
        }
        return reports
    }
}

/// Ingest messages: valid templates of every type, then mutated where fuzzers find bugs.
enum FuzzMessages {
    static let extremes: [JSONValue] = [
        .number(0), .number(-0.0), .number(-1), .number(1), .number(0.5), .number(1e300), .number(-1e300),
        .number(9_007_199_254_740_992), .number(9_223_372_036_854_775_807), .number(-9_223_372_036_854_775_808),
        .number(1.7976931348623157e308), .number(5e-324), .number(Double(Messages.t0)), .number(Double(Messages.t0) + 86_400_001),
        .string("NaN"), .string("Infinity"), .string("-Infinity"), .string("1e309"), .string(""), .null, .bool(true),
        .array([]), .object([:]),
    ]

    static let strings: [String] = [
        "", " ", "alice", "a\u{0}b", "\u{202E}evil", "\u{FEFF}", "e" + String(repeating: "\u{301}", count: 300),
        String(repeating: "x", count: 5_000), "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>",
        "x\u{22}\u{301} onmouseover=alert(1)", "../../etc/passwd", "%00%0a", "🎥📞", "\u{10FFFF}", "=cmd|' /C calc'!A0",
    ]

    /// A valid message of one type; seqs go up per participant (a resend now and then), as a
    /// collector's do, so that most messages get past de-duplication to the code behind it.
    static func template(_ type: Int, seeds: FuzzSeeds, seqs: inout [String: Int], rng: inout FuzzRandom) -> [String: JSONValue] {
        let pid = rng.pick(["alice", "bob", "carol", "fuzz-\(rng.int(0...40))"])
        let meeting = rng.chance(0.8) ? "abcd-efgh-ijkl" : "fuzz-\(rng.int(0...30))"
        let next = seqs["\(meeting)/\(pid)", default: 1] + (rng.chance(0.9) ? 1 : 0)
        seqs["\(meeting)/\(pid)"] = next
        var base: [String: JSONValue] = [
            "meetingId": .string(meeting),
            "participantId": .string(pid), "seq": .number(Double(next)),
            "ts": .number(Double(Messages.t0 + Int64(rng.int(0...600_000)))),
        ]
        switch type {
        case 0:
            base["type"] = .string("join")
            base["name"] = .string(rng.pick(strings))
            base["setupMs"] = .number(Double(rng.int(0...5_000)))
            base["userAgent"] = .string("Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0")
            base["userAgentData"] = .object(["mobile": .bool(false), "platform": .string("Linux"),
                                             "brands": .array([.object(["brand": .string("Chromium"), "version": .string("156")])])])
        case 1, 2:
            base["type"] = .string("stats")
            base["pc"] = .string(rng.pick(["pc-1", "pc-2", "PC_0"]))
            base["remoteParticipantId"] = .string(rng.pick(["alice", "bob"]))
            let report = rng.pick(seeds.reports)
            if type == 1 || rng.chance(0.3) {
                base["report"] = retimed(report, ts: base["ts"]?.double ?? 0, rng: &rng)
            } else {
                base["delta"] = delta(of: report, rng: &rng)
                base["timestamp"] = base["ts"]
            }
            if rng.chance(0.2) {
                base["labels"] = .object(["mid": .object(["0": .object(["remoteParticipantId": .string(rng.pick(strings)),
                                                                        "kind": .string(rng.pick(["audio", "screen-video", "x"]))])])])
            }
        case 3:
            base["type"] = .string("event")
            base["name"] = .string(rng.pick(["connected", "mute", "ice-state", rng.pick(strings)]))
            base["data"] = .object(["setupMs": rng.pick(extremes), "state": .string(rng.pick(strings))])
        case 4:
            base["type"] = .string("error")
            base["code"] = .string(rng.pick(["ice-failed", "getusermedia-denied", rng.pick(strings)]))
            base["message"] = .string(rng.pick(strings))
            base["severity"] = .string(rng.pick(["error", "warning", "fatal"]))
        case 5:
            base["type"] = .string("leave")
            base["reason"] = .string(rng.pick(["closed", "kicked", rng.pick(strings)]))
        default:
            base = ["type": .string("service"), "ts": .number(Double(Messages.t0)),
                    "sessionId": .string(rng.chance(0.5) ? seeds.sessionId : rng.pick(strings)),
                    "service": .string(rng.pick(["recording", "hls", "x"])), "action": .string(rng.pick(["started", "stopped"]))]
        }
        return base
    }

    /// Times where overflows hide: the ends of Int64 and of Double, and just outside the window.
    static let hostileTimes: [Double] = [-1e300, 1e300, -9.3e18, 9.3e18, -9_223_372_036_854_775_808, 9_223_372_036_854_775_807,
                                         -1, 0, Double(Messages.t0) - 86_400_001, Double(Messages.t0) + 86_400_001]

    /// A real report with every stat's timestamp moved to `ts` (so that it is accepted), and now
    /// and then one rtp stat's moved to a hostile time.
    static func retimed(_ report: JSONValue, ts: Double, rng: inout FuzzRandom) -> JSONValue {
        guard case .object(let stats) = report else { return report }
        var out = stats.mapValues { stat -> JSONValue in
            guard case .object(var members) = stat else { return stat }
            members["timestamp"] = .number(ts)
            return .object(members)
        }
        if rng.chance(0.5), let id = rtpStatIds(out, sampled: rng.chance(0.8)).randomElement(using: &rng),
           case .object(var members)? = out[id] {
            members["timestamp"] = .number(rng.pick(hostileTimes))
            out[id] = .object(members)
        }
        return .object(out)
    }

    /// The ids of rtp stats; with `sampled`, only those that give samples (whose times are the
    /// samples' times): inbound-rtp and outbound-rtp.
    static func rtpStatIds(_ stats: [String: JSONValue], sampled: Bool = false) -> [String] {
        stats.compactMap { id, stat in
            let type = stat["type"]?.string ?? ""
            return (sampled ? type == "inbound-rtp" || type == "outbound-rtp" : type.hasSuffix("rtp")) ? id : nil
        }.sorted()
    }

    /// A delta against a real report: some members changed, some stats removed or added.
    static func delta(of report: JSONValue, rng: inout FuzzRandom) -> JSONValue {
        guard case .object(let stats) = report, !stats.isEmpty else { return .object([:]) }
        var delta: [String: JSONValue] = [:]
        let ids = Array(stats.keys)
        for _ in 0..<rng.int(1...6) {
            let id = rng.pick(ids)
            guard case .object(let members)? = stats[id], let name = members.keys.randomElement(using: &rng) else { continue }
            delta[id] = rng.chance(0.1) ? .null : .object([name: rng.pick(extremes)])
        }
        if rng.chance(0.2) { delta["NEW\(rng.int(0...99))"] = .object(["type": .string(rng.pick(["inbound-rtp", "codec", "x"]))]) }
        if rng.chance(0.4), let id = rtpStatIds(stats, sampled: rng.chance(0.8)).randomElement(using: &rng) {
            delta[id] = .object(["timestamp": .number(rng.pick(hostileTimes))])
        }
        return .object(delta)
    }

    /// One message: a template, then 0–3 mutations (a member set to an extreme, removed, retyped,
    /// nested deep, or repeated).
    static func mutated(seeds: FuzzSeeds, seqs: inout [String: Int], rng: inout FuzzRandom) -> String {
        var message = template(rng.int(0...6), seeds: seeds, seqs: &seqs, rng: &rng)
        for _ in 0..<(rng.chance(0.4) ? 0 : rng.int(1...3)) {
            let keys = Array(message.keys)
            guard let key = keys.randomElement(using: &rng) else { break }
            switch rng.int(0...5) {
            case 0: message[key] = rng.pick(extremes)
            case 1: message[key] = nil
            case 2: message[key] = .string(rng.pick(strings))
            case 3: message[key] = deep(rng.int(10...700))
            case 4: message[rng.pick(["type", "seq", "ts", "meetingId", "participantId", "pc", "report", "delta", "labels", "timestamp"])] = rng.pick(extremes)
            default: message[key] = .array(Array(repeating: rng.pick(extremes), count: rng.int(0...50)))
            }
        }
        return JSONValue.object(message).serialized()
    }

    static func deep(_ depth: Int) -> JSONValue {
        var value = JSONValue.number(1)
        for i in 0..<depth { value = i % 2 == 0 ? .array([value]) : .object(["a": value]) }
        return value
    }

    /// Bytes that are not quite JSON: truncated, doubled, lone surrogates, numbers without end.
    static func garbage(rng: inout FuzzRandom) -> String {
        rng.pick([
            "", "{", "[", "[]", "{}", "null", "\"\\ud800\"", #"{"type":"join","ts":1e99999}"#, String(repeating: "[", count: 5_000),
            #"{"type":"stats","a":"\#(String(repeating: "\\u0000", count: 100))"}"#, "1" + String(repeating: "0", count: 400),
            #"{"type":"join","meetingId":"m","participantId":"p","seq":1,"ts":1764070000000,"ts":-1}"#, "\u{FEFF}{}", "{\"a\":1}garbage",
        ])
    }
}

/// Every API and page route, with path parameters from the seeds or garbage, and random queries.
enum FuzzRoutes {
    enum Auth { case cookie, token, none }

    static let queryKeys = ["from", "to", "limit", "offset", "sort", "page", "window", "kind", "sender", "receiver", "side",
                            "status", "hasErrors", "participant", "meetingId", "notice", "flash", "filter", "partial", "errors",
                            "poor", "next", "key", "view", "entries"]

    static let queryValues = ["", "0", "-1", "1", "50", "501", "9223372036854775807", "-9223372036854775808", "99999999999999999999",
                              "1e300", "NaN", "abc", "true", "last5", "all", "video", "screen-video", "sender", "receiver", "ongoing",
                              "ended", "rows", "problems", "2026-11-25T14:02", "999999999999999-01-01T00:00", "1969-12-31T23:59",
                              "%00", "%E2%80%AE", "%22%3E%3Cscript%3E", "alice", "//evil.example", "\(Messages.t0)", "253402300799999"]

    static func randomGET(seeds: FuzzSeeds, rng: inout FuzzRandom) -> (String, Auth) {
        let s = rng.chance(0.85) ? seeds.sessionId : rng.pick(["nope", "%00", "..", String(repeating: "z", count: 300)])
        let p = rng.chance(0.8) ? rng.pick(seeds.participants) : rng.pick(["ghost", "%2F", "%E2%80%AE"])
        let stream = rng.chance(0.8) ? String(rng.pick(seeds.streamIds)) : rng.pick(["0", "-1", "9223372036854775807", "x"])
        let t = rng.chance(0.85) ? seeds.shareToken : rng.pick(["", "0", String(repeating: "a", count: 32)])
        let routes: [(String, Auth)] = [
            ("/api/v1/sessions", .token), ("/api/v1/sessions/\(s)", .token), ("/api/v1/sessions/\(s)/participants", .token),
            ("/api/v1/sessions/\(s)/participants/\(p)", .token), ("/api/v1/sessions/\(s)/streams", .token),
            ("/api/v1/sessions/\(s)/streams/\(stream)/samples", .token), ("/api/v1/sessions/\(s)/errors", .token),
            ("/api/v1/sessions/\(s)/events", .token), ("/api/v1/sessions/\(s)/health", .token),
            ("/api/v1/sessions/\(s)/notes", .token), ("/api/v1/sessions/\(s)/export.json", .token),
            ("/api/v1/sessions/\(s)/export.csv", .cookie), ("/api/v1/projects", .token), ("/api/openapi.json", .none),
            ("/sessions", .cookie), ("/sessions/\(s)", .cookie), ("/sessions/\(s)/errors", .cookie),
            ("/sessions/\(s)/stats", .cookie), ("/sessions/\(s)/participants/\(p)", .cookie),
            ("/sessions/\(s)/export.csv", .cookie), ("/sessions/\(s)/export.json", .cookie),
            ("/share/\(t)", .none), ("/share/\(t)/errors", .none), ("/share/\(t)/stats", .none),
            ("/share/\(t)/participants/\(p)", .none), ("/login", .none), ("/health", .none), ("/demo", .none),
            ("/sdk/callscope.js", .none), ("/app/app.css", .none), ("/sessions", .none), ("/api/v1/sessions", .none),
        ]
        let (path, auth) = rng.pick(routes)
        var query: [String] = []
        for _ in 0..<rng.int(0...4) { query.append("\(rng.pick(queryKeys))=\(rng.pick(queryValues))") }
        return (query.isEmpty ? path : path + "?" + query.joined(separator: "&"), auth)
    }

    struct Post {
        var label: String
        var path: String
        var body: String
        var contentType = "application/x-www-form-urlencoded"
        var useToken = false
    }

    static func randomPOST(seeds: FuzzSeeds, rng: inout FuzzRandom) -> Post {
        let s = seeds.sessionId
        let value = { (rng: inout FuzzRandom) in formEncoded(rng.pick(FuzzMessages.strings + FuzzRoutes.queryValues)) }
        switch rng.int(0...8) {
        case 0: return Post(label: "/login", path: "/login", body: "username=\(value(&rng))&password=\(value(&rng))&next=\(value(&rng))")
        case 1: return Post(label: "/sessions/:id/notes", path: "/sessions/\(s)/notes", body: "text=\(value(&rng))")
        case 2: return Post(label: "/sessions/:id/share", path: "/sessions/\(s)/share", body: "days=\(value(&rng))")
        case 3: return Post(label: "/sessions/:id/share/:hash/revoke", path: "/sessions/\(s)/share/\(value(&rng))/revoke", body: "")
        case 4: return Post(label: "/sessions/:id/participants/:pid/kick", path: "/sessions/\(s)/participants/\(rng.pick(["ghost", "alice"]))/kick",
                            body: "reason=\(value(&rng))")
        case 5: return Post(label: "/api/v1/sessions/:id/notes", path: "/api/v1/sessions/\(s)/notes",
                            body: rng.pick([#"{"text":"hi"}"#, "{", #"{"text":1e300}"#, #"{"text":"\#(String(repeating: "n", count: 20_000))"}"#]),
                            contentType: "application/json", useToken: true)
        case 6: return Post(label: "/api/v1/sessions/:id/services", path: "/api/v1/sessions/\(s)/services",
                            body: rng.pick([#"{"service":"recording","action":"started","ts":1e300}"#, #"{"service":"hls","action":"stopped"}"#,
                                            #"{"service":"x"}"#, "[]", #"{"service":"rtmp","action":"started","ts":-1}"#]),
                            contentType: "application/json", useToken: true)
        case 7: return Post(label: "/settings/projects/:id/thresholds", path: "/settings/projects/\(rng.pick(["default", "ghost"]))/thresholds",
                            body: "\(rng.pick(HealthThresholds.fields).name)=\(value(&rng))&rttGoodMs=\(value(&rng))")
        default: return Post(label: "/login (form garbage)", path: "/login", body: value(&rng), contentType: rng.pick(["text/plain", "application/json", ""]))
        }
    }
}

/// The campaign's generator: the same seed replays the same campaign.
typealias FuzzRandom = SplitMix64

extension SplitMix64 {
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &self)] }
}
