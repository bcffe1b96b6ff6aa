import CallscopeCore
@testable import CallscopeServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Per-project health limits: set through the API and the settings page, they re-colour and
/// re-judge sessions already recorded, without re-ingesting.
@Suite("Project thresholds")
struct ProjectThresholdsTests {
    /// alice's uplink loses 12 % from 30 s to 90 s (DiagnosisAPITests' call).
    func problems(_ client: some TestClientProtocol, _ sessionId: String) async throws -> [JSONValue] {
        let (status, body) = try await client.api("/api/v1/sessions/\(sessionId)")
        #expect(status == .ok)
        return body["diagnosis"]?["problems"]?.array ?? []
    }

    /// The colours of bob's received-audio slices, in time order.
    func bobAudioColours(_ client: some TestClientProtocol, _ sessionId: String) async throws -> [String] {
        let (_, health) = try await client.api("/api/v1/sessions/\(sessionId)/health")
        let bob = health["items"]?.array?.first { $0["participantId"]?.string == "bob" && $0["kind"]?.string == "audio" }
        return (bob?["slices"]?.array ?? []).compactMap { $0["colour"]?.string }
    }

    @Test("the API changes a project's limits: the same stored call is judged again, and back on reset")
    func api() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let sessionId = try await DiagnosisAPITests.ingestCall(impaired: "alice", client)
            let (_, listed) = try await client.api("/api/v1/projects")
            let project = try #require(listed["items"]?.array?.first)
            #expect(project["thresholds"]?["lossGoodPercent"]?.double == 5 && project["thresholdsAreDefault"]?.bool == true)
            #expect(try await problems(client, sessionId).first?["metric"]?.string == "loss")
            let before = try await bobAudioColours(client, sessionId)
            #expect(before.contains("moderate") || before.contains("poor"), "\(before)")

            let (status, changed) = try await client.api("/api/v1/projects/default/thresholds", method: .put,
                                                         body: #"{"lossGoodPercent": 15, "lossModeratePercent": 25}"#)
            #expect(status == .ok)
            try OpenAPIContractTests.expectShape(
                changed, of: try #require(OpenAPIContractTests.document["paths"]?["/api/v1/projects/{projectId}/thresholds"]?["put"]),
                status: "200", "PUT thresholds")
            #expect(changed["thresholds"]?["lossGoodPercent"]?.double == 15 && changed["thresholds"]?["rttGoodMs"]?.double == 300)
            #expect(changed["thresholdsAreDefault"]?.bool == false)
            #expect(try await problems(client, sessionId).isEmpty, "12 % is within the new good limit")
            let (_, session) = try await client.api("/api/v1/sessions/\(sessionId)")
            #expect(session["diagnosis"]?["verdict"]?.array?.first?.string?.hasPrefix("The call was fine") == true)
            #expect(try await bobAudioColours(client, sessionId).allSatisfy { $0 == "good" })

            let (reset, back) = try await client.api("/api/v1/projects/default/thresholds", method: .delete)
            #expect(reset == .ok && back["thresholdsAreDefault"]?.bool == true)
            #expect(try await problems(client, sessionId).first?["metric"]?.string == "loss")
            #expect(try await bobAudioColours(client, sessionId) == before)
        }
    }

    @Test("bad limits get a 400 (a wrong value) or a 409 (limits out of order) naming the limit, and change nothing")
    func refused() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let cases: [(body: String, field: String)] = [
                (#"{"rttGoodMs": 600}"#, "rttModerateMs"),       // good above moderate
                (#"{"lossGoodPercent": 101}"#, "lossGoodPercent"),
                (#"{"jitterGoodMs": -1}"#, "jitterGoodMs"),
                (#"{"fpsPoor": 20}"#, "fpsPoor"),                // poor above good
                (#"{"jitterGoodMs": "30"}"#, "jitterGoodMs"),
                (#"{"rttGoodMs": 1e300}"#, "rttGoodMs"),
                (#"{"mosGood": 4}"#, "mosGood"),
                ("[]", "body"),
            ]
            for (body, field) in cases {
                let (status, answer) = try await client.api("/api/v1/projects/default/thresholds", method: .put, body: body)
                let outOfOrder = field == "rttModerateMs" || field == "fpsPoor"
                #expect(status == (outOfOrder ? .conflict : .badRequest), "\(body)")
                if outOfOrder { #expect(answer["error"]?["code"]?.string == "limits_out_of_order") }
                #expect(answer["error"]?["field"]?.string == field, "\(body): \(answer)")
            }
            let (notJSON, _) = try await client.api("/api/v1/projects/default/thresholds", method: .put, body: "{")
            #expect(notJSON == .badRequest)
            let (unknown, _) = try await client.api("/api/v1/projects/nope/thresholds", method: .put, body: "{}")
            #expect(unknown == .notFound)
            let (_, listed) = try await client.api("/api/v1/projects")
            #expect(listed["items"]?.array?.first?["thresholdsAreDefault"]?.bool == true)
        }
    }

    @Test("the settings page shows the limits in force and saves them from its form")
    func settingsPage() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let sessionId = try await DiagnosisAPITests.ingestCall(impaired: "alice", client)
            let cookie = try await client.signIn()
            let (status, html, _) = try await client.page("/settings", cookie: cookie)
            #expect(status == .ok)
            #expect(html.contains(#"name="lossGoodPercent""#) && html.contains(#"value="5""#) && html.contains("the defaults"))

            func post(_ form: String) async throws -> String {
                try await client.execute(uri: "/settings/projects/default/thresholds", method: .post,
                                         headers: [.cookie: cookie, .origin: "http://localhost",
                                                   .contentType: "application/x-www-form-urlencoded"],
                                         body: ByteBuffer(string: form)) { response in
                    #expect(response.status == .seeOther)
                    return response.headers[.location] ?? ""
                }
            }
            let refused = try await post("lossGoodPercent=abc")
            #expect(refused.contains("nothing%20saved"), "\(refused)")
            #expect(try await problems(client, sessionId).count == 1)

            _ = try await post("lossGoodPercent=15&lossModeratePercent=25&rttGoodMs=300")
            let (_, saved, _) = try await client.page("/settings", cookie: cookie)
            #expect(saved.contains(#"value="15""#) && saved.contains("set for this project"))
            #expect(try await problems(client, sessionId).isEmpty)
            let (_, overview, _) = try await client.page("/sessions/\(sessionId)", cookie: cookie)
            #expect(overview.contains("The call was fine"))

            _ = try await post("reset=1")
            #expect(try await problems(client, sessionId).count == 1)
            let evil = try await client.execute(uri: "/settings/projects/default/thresholds", method: .post,
                                                     headers: [.cookie: cookie, .origin: "https://evil.example",
                                                               .contentType: "application/x-www-form-urlencoded"],
                                                     body: ByteBuffer(string: "lossGoodPercent=50")) { $0.status }
            #expect(evil == .forbidden, "a cross-site form cannot change the limits")
        }
    }
}
