/// One run of a session service (recording, HLS, RTMP): started, and stopped once it has.
public struct ServiceUse: Sendable, Hashable, Codable {
    public enum Service: String, Sendable, Hashable, Codable, CaseIterable { case recording, hls, rtmp }

    public var sessionId: String
    public var service: Service
    public var startedMs: Int64
    public var stoppedMs: Int64?

    public init(sessionId: String, service: Service, startedMs: Int64, stoppedMs: Int64? = nil) {
        self.sessionId = sessionId
        self.service = service
        self.startedMs = startedMs
        self.stoppedMs = stoppedMs
    }
}
