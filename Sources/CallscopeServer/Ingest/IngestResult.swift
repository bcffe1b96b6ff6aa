import CallscopeCore

/// What the server answers to a batch: per participant, the highest seq up to which everything
/// is durably stored (the client may forget those messages), and what it refused.
public struct IngestResult: Sendable {
    public struct Ack: Sendable, Hashable {
        public var meetingId: String
        public var participantId: String
        public var sessionId: String
        public var seq: Int64
    }

    public var acks: [Ack] = []
    /// Meeting IDs the server generated for joins that gave none, by participant ID.
    public var assignedMeetingIds: [String: String] = [:]
    public var stored = 0
    public var duplicates = 0
    /// Stats left out of stored reports because their `timestamp` was out of range.
    public var droppedStats = 0
    /// Messages acknowledged without being stored, with the reason (index in the batch).
    public var ignored: [(index: Int, reason: String)] = []
    /// The first message refused; messages after it were not looked at.
    public var rejected: (index: Int, error: IngestValidationError)?

    public init() {}

    /// Adds the result of the next run of messages of the same request.
    mutating func merge(_ other: IngestResult) {
        for ack in other.acks {
            noteAck(meetingId: ack.meetingId, participantId: ack.participantId, sessionId: ack.sessionId, seq: ack.seq)
        }
        assignedMeetingIds.merge(other.assignedMeetingIds) { a, _ in a }
        stored += other.stored
        duplicates += other.duplicates
        droppedStats += other.droppedStats
        ignored += other.ignored
        rejected = rejected ?? other.rejected
    }

    mutating func noteAck(meetingId: String, participantId: String, sessionId: String, seq: Int64?) {
        guard let seq else { return }
        if let i = acks.firstIndex(where: { $0.participantId == participantId && $0.meetingId == meetingId }) {
            acks[i].seq = max(acks[i].seq, seq)
            acks[i].sessionId = sessionId
        } else {
            acks.append(Ack(meetingId: meetingId, participantId: participantId, sessionId: sessionId, seq: seq))
        }
    }
}
