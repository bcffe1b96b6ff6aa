import CallscopeCore
import Hummingbird

/// An error a client sees: an HTTP status and `{"error":{"code":…,"message":…,"field":…}}`.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var field: String?

    public init(_ status: HTTPResponse.Status, code: String, message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: bodyJSON)))
    }

    /// The JSON body, also sent as a WebSocket error frame.
    public var bodyJSON: String {
        JSONValue.object(["error": errorMember]).serialized()
    }

    /// The `error` member of a body.
    var errorMember: JSONValue {
        .object(["code": .string(code), "message": .string(message), "field": field.map(JSONValue.string) ?? .null])
    }

    static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, code: "unauthorized", message: message)
    }

    static func notFound(_ what: String, field: String? = nil) -> APIError {
        APIError(.notFound, code: "not_found", message: "\(what) not found", field: field)
    }

    static func badRequest(_ message: String, field: String?) -> APIError {
        APIError(.badRequest, code: "invalid_field", message: message, field: field)
    }

    static func conflict(_ message: String, field: String? = nil) -> APIError {
        APIError(.conflict, code: "conflict", message: message, field: field)
    }
}
