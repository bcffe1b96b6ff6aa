import CallscopeCore
@testable import CallscopeServer
import CallscopeStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `openapi.json` follows the code: every API route has its path and method in the document and
/// every documented one is a route, and what each route returns for a fixture session is the
/// shape the document gives for it.
@Suite("The API description")
struct OpenAPIContractTests {
    static let document = try! JSONValue.parse(OpenAPIDocument.json)

    /// "GET /api/v1/sessions/{sessionId}" for each documented path and method.
    static var documented: Set<String> {
        let methods: Set<String> = ["get", "put", "post", "delete", "patch"]
        return Set((document["paths"]?.object ?? [:]).flatMap { path, item in
            (item.object ?? [:]).keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" }
        })
    }

    @Test("every API and ingest route is documented, and every documented path and method is a route")
    func routesMatchTheDocument() async throws {
        let server = try TestServer()
        defer { server.remove() }
        let store = try SQLiteStore(path: server.databasePath)
        let configuration = server.configuration
        let pipeline = IngestPipeline(store: store)
        let authenticator = Authenticator(store: store)
        let connections = CollectorConnections()
        let ingest = IngestController(
            handler: IngestRequestHandler(pipeline: pipeline, configuration: configuration), authenticator: authenticator,
            configuration: configuration, locator: try ClientLocator(configuration: configuration), connections: connections)
        let router = buildRouter(store: store, pipeline: pipeline, authenticator: authenticator, ingest: ingest, live: LiveHub(),
                                 connections: connections, configuration: configuration,
                                 templates: try DashboardTemplates.bundled(),
                                 auth: try await DashboardAuth(store: store, configuration: configuration))
        let routes = Set(router.routes.compactMap { route -> String? in
            let path = "\(route.path)".split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            let text = "/" + path.joined(separator: "/")
            // The API and ingest are the documented surface; pages, assets and sign-in are HTML.
            guard text.hasPrefix("/api/") || text.hasPrefix("/ingest/"), route.method != .options else { return nil }
            return "\(route.method) \(text)"
        })
        #expect(routes.subtracting(Self.documented).sorted() == [], "routes without a path in openapi.json")
        #expect(Self.documented.subtracting(routes).sorted() == [], "documented paths that no route serves")
        #expect(routes.count >= 18)
    }

    @Test("each documented answer has the document's shape, for a fixture session")
    func answersHaveTheDocumentedShape() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let t0 = Messages.t0
            let (_, joined) = try await client.ingest(Messages.batch(
                Messages.join("alice", seq: 1, ts: t0), Messages.join("bob", seq: 1, ts: t0 + 500),
                Messages.receiverStats("bob", from: "alice", seq: 2, ts: t0 + 2_000, bytes: 100_000, packets: 100, lost: 0, frames: 30),
                Messages.receiverStats("bob", from: "alice", seq: 3, ts: t0 + 4_000, bytes: 300_000, packets: 300, lost: 12, frames: 90),
                #"{"type":"error","meetingId":"abcd-efgh-ijkl","participantId":"bob","seq":4,"ts":\#(t0 + 4_500),"code":"ice-failed","message":"ICE failed","severity":"error","source":"sdk"}"#,
                #"{"type":"event","meetingId":"abcd-efgh-ijkl","participantId":"bob","seq":5,"ts":\#(t0 + 4_600),"name":"mute","data":{"kind":"audio"}}"#))
            let sessionId = try #require(joined["acks"]?.array?.first?["sessionId"]?.string)
            try Self.expectShape(joined, of: try #require(Self.document["paths"]?["/ingest/v1"]?["post"]), status: "200", "POST /ingest/v1")
            let (_, streams) = try await client.api("/api/v1/sessions/\(sessionId)/streams")
            let streamId = try #require(streams["items"]?.array?.first?["streamId"]?.int64)
            let (_, projects) = try await client.api("/api/v1/projects")
            let projectId = try #require(projects["items"]?.array?.first?["id"]?.string ?? projects["items"]?.array?.first?["projectId"]?.string)
            let values = ["sessionId": sessionId, "participantId": "bob", "streamId": String(streamId), "projectId": projectId]

            var checked = 0
            for (path, item) in (Self.document["paths"]?.object ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard path.hasPrefix("/api/v1"), let get = item["get"], !path.hasSuffix(".csv") else { continue }
                let uri = Self.fill(path, values)
                let (status, body) = try await client.api(uri)
                #expect(status == .ok, "GET \(uri)")
                try Self.expectShape(body, of: get, status: "200", "GET \(path)")
                checked += 1
            }
            let posts: [(String, String)] = [
                ("/api/v1/sessions/{sessionId}/notes", #"{"text":"checked against the document"}"#),
                ("/api/v1/sessions/{sessionId}/services", #"{"service":"recording","action":"started"}"#),
                ("/api/v1/sessions/{sessionId}/participants/{participantId}/kick", #"{"reason":"contract test"}"#),
            ]
            for (path, body) in posts {
                let (status, answer) = try await client.api(Self.fill(path, values), method: .post, body: body)
                let operation = try #require(Self.document["paths"]?[path]?["post"])
                let documented = (operation["responses"]?.object ?? [:]).keys.first { $0.hasPrefix("2") } ?? "200"
                #expect("\(status.code)" == documented, "POST \(path)")
                try Self.expectShape(answer, of: operation, status: documented, "POST \(path)")
                checked += 1
            }
            // A documented error answer has the document's error shape too.
            let (missing, error) = try await client.api("/api/v1/sessions/no-such-session")
            #expect(missing == .notFound)
            try Self.expectShape(error, of: try #require(Self.document["paths"]?["/api/v1/sessions/{sessionId}"]?["get"]),
                                 status: "404", "GET a missing session")
            #expect(checked >= 15)
        }
    }

    @Test("answers are the same bytes each time: object keys in sorted order")
    func keysInStableOrder() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            // Alice has left: her durations no longer grow with the clock.
            let (_, joined) = try await client.ingest(Messages.batch(
                Messages.join("alice", seq: 1), Messages.join("bob", seq: 1), Messages.leave("alice", seq: 2, ts: Messages.t0 + 5_000)))
            let sessionId = try #require(joined["acks"]?.array?.first?["sessionId"]?.string)
            var bodies: Set<String> = []
            for _ in 0..<5 {
                try await client.execute(uri: "/api/v1/sessions/\(sessionId)/participants/alice", method: .get,
                                         headers: [.authorization: "Bearer \(TestServer.apiToken)"]) { response in
                    bodies.insert(String(buffer: response.body))
                }
            }
            #expect(bodies.count == 1, "\(bodies.sorted())")
            let text = try #require(bodies.first)
            let keys = ["attempts", "browser", "device", "joiningTimeMs", "location", "name", "os", "platform", "present", "sdkName",
                        "totalDurationMs", "userAgent"]
            let offsets = keys.compactMap { text.range(of: "\"\($0)\":")?.lowerBound }
            #expect(offsets.count == keys.count && offsets == offsets.sorted(), "top-level keys in sorted order")
        }
    }

    @Test("the shape check itself finds a wrong type, a missing member, an unknown one and a stray null")
    func validatorFindsMismatches() throws {
        let schema = try #require(Self.document["paths"]?["/api/v1/sessions"]?["get"]?["responses"]?["200"]?["content"]?["application/json"]?["schema"])
        let validator = OpenAPISchemaValidator(document: Self.document)
        let good = try JSONValue.parse(#"{"sessions":[],"total":0,"limit":50,"offset":0}"#)
        #expect(validator.problems(good, against: schema) == [])
        for bad in [#"{"sessions":[],"total":"0","limit":50,"offset":0}"#, #"{"sessions":[],"limit":50,"offset":0}"#,
                    #"{"sessions":[],"total":0,"limit":50,"offset":0,"extra":1}"#, #"{"sessions":null,"total":0,"limit":50,"offset":0}"#,
                    #"{"sessions":[{"sessionId":1}],"total":0,"limit":50,"offset":0}"#] {
            #expect(validator.problems(try JSONValue.parse(bad), against: schema).count >= 1, "\(bad)")
        }
    }

    static func fill(_ path: String, _ values: [String: String]) -> String {
        values.reduce(path) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
    }

    static func expectShape(_ body: JSONValue, of operation: JSONValue, status: String, _ what: String,
                            sourceLocation: SourceLocation = #_sourceLocation) throws {
        var response = operation["responses"]?[status]
        if let ref = response?["$ref"]?.string {
            response = ref.split(separator: "/").dropFirst().reduce(document) { $0[String($1)] ?? .null }
        }
        let schema = try #require(response?["content"]?["application/json"]?["schema"],
                                  "\(what): the document gives no JSON schema for \(status)", sourceLocation: sourceLocation)
        let problems = OpenAPISchemaValidator(document: document).problems(body, against: schema)
        #expect(problems == [], "\(what)", sourceLocation: sourceLocation)
    }
}
