import CallscopeCore

/// A session with the counts the list shows.
public struct SessionSummary: Sendable, Hashable {
    public var session: Session
    public var uniqueParticipants: Int

    public init(session: Session, uniqueParticipants: Int) {
        self.session = session
        self.uniqueParticipants = uniqueParticipants
    }
}
