extension SessionError {
    /// The error as a timeline entry named `error`, with `code`, `message`, `severity` and
    /// `source`: errors are stored once, in their own table, and join the timeline on read.
    public var timelineEvent: TimelineEvent {
        let data: JSONValue = .object([
            "code": .string(code), "message": .string(message),
            "severity": .string(severity.rawValue), "source": .string(source.rawValue),
        ])
        return TimelineEvent(sessionId: sessionId, participantId: participantId, tsMs: tsMs, name: "error",
                             dataJSON: data.serialized())
    }
}
