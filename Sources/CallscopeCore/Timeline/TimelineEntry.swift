/// One entry of a session's timeline, by kind. What was recorded (joins, leaves, mutes, network
/// and ICE changes, kicks, services, an app's own events) keeps its name and data; an error and a
/// quality drop are the typed values themselves, so that the API renders them as JSON and the
/// pages as HTML from the same fields, and nothing is written as text to be parsed back.
public enum TimelineEntry: Sendable, Hashable {
    /// A stored event (``TimelineEvent``): what a collector reported or the server recorded.
    case recorded(TimelineEvent)
    /// An error, stored once in its own table; it joins the timeline on read.
    case error(SessionError)
    /// A stretch of poor health, computed from the slices on read (so it follows the limits in
    /// force) and never stored. `ongoing`: it reaches the latest slice of an ongoing session.
    case qualityDrop(QualityDrop, ongoing: Bool)

    /// The names an entry has in the API (`name`) besides the recorded events' own.
    public static let errorName = "error"
    public static let qualityDropName = "quality-drop"

    public var tsMs: Int64 {
        switch self {
        case .recorded(let e): e.tsMs
        case .error(let e): e.tsMs
        case .qualityDrop(let d, _): d.startMs
        }
    }

    /// `nil` for session-wide entries (a recording started).
    public var participantId: String? {
        switch self {
        case .recorded(let e): e.participantId
        case .error(let e): e.participantId
        case .qualityDrop(let d, _): d.participantId
        }
    }

    /// The entry's name in the API: the recorded event's, `error`, or `quality-drop`.
    public var name: String {
        switch self {
        case .recorded(let e): e.name
        case .error: Self.errorName
        case .qualityDrop: Self.qualityDropName
        }
    }

    /// Errors, quality drops, kicks, ICE restarts, lost collector messages, and connection or ICE
    /// states that failed or dropped: what "why was this call bad?" wants to see.
    public var isProblem: Bool {
        switch self {
        case .error, .qualityDrop: true
        case .recorded(let e): e.isProblem
        }
    }

    /// Joins, leaves, first connections and kicks.
    public var isPresenceChange: Bool {
        guard case .recorded(let e) = self else { return false }
        return ["join", "leave", "connected", "kick"].contains(e.name)
    }
}

extension TimelineEvent {
    /// A kick, an ICE restart, lost collector messages, a failed ICE or DTLS transport, or an ICE
    /// or connection state that failed or dropped.
    public var isProblem: Bool {
        switch name {
        case "kick", "ice-restart", "collector-dropped", "ice-failed", "dtls-failed": true
        case "ice-state", "connection-state": isFailedState
        default: false
        }
    }

    /// The `state` of an `ice-state` or `connection-state` event is `failed` or `disconnected`.
    public var isFailedState: Bool {
        let state = (try? JSONValue.parse(Array(dataJSON.utf8)))?["state"]?.string
        return state == "failed" || state == "disconnected"
    }
}
