/// A stats report, delta or labels object that does not have the shape getStats or the collector
/// produces. `field` is a path into the message so that the client developer can find the culprit.
///
/// ```swift
/// do { _ = try StatsReport(parsing: .array([.object(["id": .string("T01")])])) }
/// catch { print(error) }   // invalid stats at report[0].type: expected a string
/// ```
public struct StatsInputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is, e.g. `report[3].type` or `delta.RTCOutboundRTPVideoStream_1.type`.
    public var field: String
    /// What is wrong there, e.g. `expected a string`.
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "invalid stats at \(field): \(message)" }
}
