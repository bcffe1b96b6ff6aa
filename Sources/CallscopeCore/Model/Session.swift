/// One session of a meeting: from the first join into a meeting with no ongoing session until the
/// last participant leaves or times out (docs/metrics.md §4.2).
public struct Session: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable { case ongoing, ended }

    public var id: String
    public var projectId: String
    public var meetingId: String
    public var status: Status
    /// Client `ts` of the first join, ms since the epoch.
    public var startMs: Int64
    /// Client `ts` of the last leave (or last message of a timed-out participant); `nil` while ongoing.
    public var endMs: Int64?
    /// Time the first participant took to establish its connection (its `setupMs`), once known.
    public var initiatingMs: Int64?
    public var errorCount: Int

    public init(id: String, projectId: String, meetingId: String, status: Status, startMs: Int64,
                endMs: Int64? = nil, initiatingMs: Int64? = nil, errorCount: Int = 0) {
        self.id = id
        self.projectId = projectId
        self.meetingId = meetingId
        self.status = status
        self.startMs = startMs
        self.endMs = endMs
        self.initiatingMs = initiatingMs
        self.errorCount = errorCount
    }
}
