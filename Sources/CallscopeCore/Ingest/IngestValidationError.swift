/// Why an ingest message was refused, naming the offending field as a path into the request
/// body (`messages[2].seq`, `[0].report[3].type`). The HTTP layer turns it into a 400 with
/// `{"error":{"code":…,"message":…,"field":…}}`.
public struct IngestValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case invalidJSON = "invalid_json"
        case missingField = "missing_field"
        case invalidField = "invalid_field"
        case unknownType = "unknown_type"
        /// A `delta` for a peer connection whose previous report the server does not have.
        case fullReportRequired = "full_report_required"
        case tooManyMessages = "too_many_messages"
        /// One of ``IngestLimits`` is reached (HTTP 429): the message is valid, but storing it
        /// would grow what a key holder may grow beyond its bound.
        case limitExceeded = "limit_exceeded"
    }

    public var code: Code
    public var message: String
    public var field: String?

    public init(_ code: Code, _ message: String, field: String?) {
        self.code = code
        self.message = message
        self.field = field
    }

    /// The same error with its field under `path` (`seq` under `[3]` is `[3].seq`).
    public func under(_ path: String) -> IngestValidationError {
        guard !path.isEmpty else { return self }
        return IngestValidationError(code, message, field: field.map { "\(path).\($0)" } ?? path)
    }

    public var description: String {
        field.map { "\(code.rawValue) at \($0): \(message)" } ?? "\(code.rawValue): \(message)"
    }
}
