import CallscopeCore

/// Filters and paging of the sessions list. Results are newest first.
public struct SessionQuery: Sendable, Hashable {
    /// `nil`: every project.
    public var projectId: String?
    public var meetingId: String?
    public var status: Session.Status?
    /// Sessions that were running at some time in `[fromMs, toMs)`.
    public var fromMs: Int64?
    public var toMs: Int64?
    /// Matches a participant id exactly or a participant name case-insensitively as a substring.
    public var participant: String?
    public var hasErrors: Bool?
    public var sort: SessionSort = .newest
    /// What "now" is for the duration of ongoing sessions when sorting by duration.
    public var nowMs: Int64 = 0
    public var limit: Int = 50
    public var offset: Int = 0

    public init(projectId: String? = nil, meetingId: String? = nil, status: Session.Status? = nil,
                fromMs: Int64? = nil, toMs: Int64? = nil, participant: String? = nil, hasErrors: Bool? = nil,
                limit: Int = 50, offset: Int = 0) {
        self.projectId = projectId
        self.meetingId = meetingId
        self.status = status
        self.fromMs = fromMs
        self.toMs = toMs
        self.participant = participant
        self.hasErrors = hasErrors
        self.limit = limit
        self.offset = offset
    }
}
