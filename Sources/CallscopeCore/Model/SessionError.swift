/// An error reported during a session by the SDK, the app or the infrastructure.
public struct SessionError: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Hashable, Codable, CaseIterable { case info, warning, error, fatal }
    public enum Source: String, Sendable, Hashable, Codable, CaseIterable { case sdk, app, infrastructure }

    public var sessionId: String
    public var participantId: String?
    public var tsMs: Int64
    public var code: String
    public var message: String
    public var severity: Severity
    public var source: Source
    public var dataJSON: String

    public init(sessionId: String, participantId: String?, tsMs: Int64, code: String, message: String,
                severity: Severity, source: Source, dataJSON: String = "{}") {
        self.sessionId = sessionId
        self.participantId = participantId
        self.tsMs = tsMs
        self.code = code
        self.message = message
        self.severity = severity
        self.source = source
        self.dataJSON = dataJSON
    }
}
