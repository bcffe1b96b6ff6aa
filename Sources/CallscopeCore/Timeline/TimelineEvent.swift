/// One entry of a session's timeline: what the collector reported with an `event` message, and
/// what the server itself records (join, leave, kick, service start/stop, errors).
public struct TimelineEvent: Sendable, Hashable, Codable {
    public var sessionId: String
    /// `nil` for session-wide entries (a recording started).
    public var participantId: String?
    public var tsMs: Int64
    /// `join`, `leave`, `mute`, `unmute`, `ice-state`, `connection-state`, `ice-restart`,
    /// `network-change`, `device-change`, `kick`, `service`, `error`, or an app's own name.
    public var name: String
    /// The message's `data` (or what the server knows) as a JSON object text.
    public var dataJSON: String

    public init(sessionId: String, participantId: String?, tsMs: Int64, name: String, dataJSON: String = "{}") {
        self.sessionId = sessionId
        self.participantId = participantId
        self.tsMs = tsMs
        self.name = name
        self.dataJSON = dataJSON
    }
}
