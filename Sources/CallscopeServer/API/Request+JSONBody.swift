import CallscopeCore
import Hummingbird

extension Request {
    /// The body as JSON, at most `maxBytes` of it; a body that is not JSON is a 400 `invalid_json`
    /// naming what the parser found. The API's routes that take a JSON body read it here.
    func jsonBody(upTo maxBytes: Int = 64 * 1024) async throws -> JSONValue {
        var request = self
        let body = try await request.collectBody(upTo: maxBytes)
        do { return try JSONValue.parse(body.readableBytesView) } catch {
            throw APIError(.badRequest, code: "invalid_json", message: "\(error)")
        }
    }
}
