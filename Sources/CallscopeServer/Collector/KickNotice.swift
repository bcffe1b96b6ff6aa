import CallscopeCore

/// A kick on its way to a participant's collector: pushed as a WebSocket frame, or carried in
/// the `kicks` member of the participant's next HTTP ingest answer.
struct KickNotice: Sendable, Equatable {
    var meetingId: String
    var participantId: String
    var reason: String

    var json: JSONValue {
        .object(["meetingId": .string(meetingId), "participantId": .string(participantId), "reason": .string(reason)])
    }

    /// The push frame: `{"type":"kick",...}` (protocol §2.2 reserves non-answer frame types for this).
    var frame: String {
        guard case .object(var members) = json else { return "" }
        members["type"] = .string("kick")
        return JSONValue.object(members).serialized()
    }
}
