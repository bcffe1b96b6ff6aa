import CallscopeCore

/// An ongoing session and its participants, as the ingest pipeline reloads them at start.
public struct OngoingSession: Sendable, Hashable {
    public var session: Session
    public var participants: [Participant]

    public init(session: Session, participants: [Participant]) {
        self.session = session
        self.participants = participants
    }
}
