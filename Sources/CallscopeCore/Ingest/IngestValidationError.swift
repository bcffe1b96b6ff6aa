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
    }

    public var code: Code
    public var message: String
    public var field: String?

    public init(_ code: Code, _ message: String, field: String?) {
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String {
        field.map { "\(code.rawValue) at \($0): \(message)" } ?? "\(code.rawValue): \(message)"
    }
}
