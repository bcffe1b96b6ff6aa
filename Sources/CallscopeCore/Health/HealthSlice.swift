/// One time slice (default 10 s) of one participant's health for one media kind.
public struct HealthSlice: Sendable, Hashable, Codable {
    public var sessionId: String
    public var participantId: String
    public var kind: MediaKind
    /// Start of the slice, ms since the epoch, a multiple of the slice length.
    public var startMs: Int64
    public var figures: HealthAccumulator

    public init(sessionId: String, participantId: String, kind: MediaKind, startMs: Int64,
                figures: HealthAccumulator = HealthAccumulator()) {
        self.sessionId = sessionId
        self.participantId = participantId
        self.kind = kind
        self.startMs = startMs
        self.figures = figures
    }
}
