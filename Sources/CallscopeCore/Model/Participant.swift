/// A participant of one session, with every attempt (a rejoin is a new attempt).
public struct Participant: Sendable, Hashable, Codable {
    public var sessionId: String
    public var participantId: String
    public var name: String?
    public var client: ClientInfo
    public var attempts: [Attempt]
    /// The seqs of this participant already stored, for exact de-duplication of resent messages.
    public var seqs: SeqRanges
    /// Client `ts` of the last message received from this participant.
    public var lastSeenMs: Int64

    public init(sessionId: String, participantId: String, name: String? = nil, client: ClientInfo = ClientInfo(),
                attempts: [Attempt] = [], seqs: SeqRanges = SeqRanges(), lastSeenMs: Int64 = 0) {
        self.sessionId = sessionId
        self.participantId = participantId
        self.name = name
        self.client = client
        self.attempts = attempts
        self.seqs = seqs
        self.lastSeenMs = lastSeenMs
    }

    /// `true` while the participant's latest attempt has not ended.
    public var isPresent: Bool { attempts.last.map { $0.leftMs == nil } ?? false }

    /// Total time in the session over all attempts; an open attempt counts up to `nowMs`.
    public func durationMs(nowMs: Int64) -> Int64 {
        attempts.reduce(0) { $0.adding(saturating: max(0, ($1.leftMs ?? max(nowMs, $1.joinedMs)).subtracting(saturating: $1.joinedMs))) }
    }
}

/// One join → leave of a participant.
public struct Attempt: Sendable, Hashable, Codable {
    public var joinedMs: Int64
    public var leftMs: Int64?
    /// `leave.reason` (left, kicked, closed, timeout, …).
    public var leaveReason: String?
    /// Time this attempt took to establish its connection.
    public var setupMs: Int64?

    public init(joinedMs: Int64, leftMs: Int64? = nil, leaveReason: String? = nil, setupMs: Int64? = nil) {
        self.joinedMs = joinedMs
        self.leftMs = leftMs
        self.leaveReason = leaveReason
        self.setupMs = setupMs
    }
}
