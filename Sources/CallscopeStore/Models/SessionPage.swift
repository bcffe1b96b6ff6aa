import CallscopeCore

/// One page of the sessions list.
public struct SessionPage: Sendable, Hashable {
    public var sessions: [SessionSummary]
    /// How many sessions match the filters in all.
    public var total: Int

    public init(sessions: [SessionSummary], total: Int) {
        self.sessions = sessions
        self.total = total
    }
}
