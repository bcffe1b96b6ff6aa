/// Session lifecycle (docs/ingest-protocol.md §9) as a pure state machine: which session a message belongs to,
/// attempts, de-duplication by seq, time-outs. The ingest pipeline keeps one and feeds it every
/// message; what changed is collected with ``drainChanges()`` and written in the same commit.
///
/// ```swift
/// var tracker = SessionTracker()
/// let routed = tracker.accept(message, projectId: "p1", serverNowMs: now)
/// let changes = tracker.drainChanges()   // sessions, participants, services, events to store
/// ```
public struct SessionTracker: Sendable {
    public struct Options: Sendable {
        /// A participant with no message for this long has left (reason `timeout`).
        public var timeoutMs: Int64 = 30_000
        public init(timeoutMs: Int64 = 30_000) { self.timeoutMs = timeoutMs }
    }

    struct MeetingKey: Hashable, Sendable {
        var projectId: String
        var meetingId: String
    }

    /// A session the tracker holds in memory: ongoing, or ended a moment ago (late messages of
    /// its participants still land in it rather than opening a new session).
    struct LiveSession: Sendable {
        var session: Session
        var participants: [String: Participant]
        /// Server clock of the last message per participant, for time-outs.
        var lastHeardMs: [String: Int64]
        var openServices: [ServiceUse.Service: ServiceUse]
        /// Server clock when the session ended.
        var endedAtServerMs: Int64?
    }

    public var options: Options
    var live: [MeetingKey: LiveSession] = [:]
    var recentlyEnded: [MeetingKey: LiveSession] = [:]
    /// `live`'s sessions per project, kept in step with it (for ``IngestLimits/maxOngoingMeetingsPerProject``).
    var ongoingByProject: [String: Int] = [:]
    var dirtySessions: Set<String> = []
    var dirtyParticipants: Set<ParticipantKey> = []
    var pendingServices: [ServiceUse] = []
    var pendingEvents: [TimelineEvent] = []

    struct ParticipantKey: Hashable, Sendable {
        var meeting: MeetingKey
        var participantId: String
    }

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Reloads the ongoing sessions after a restart; their participants' time-out clocks start now.
    public mutating func restore(_ sessions: [(session: Session, participants: [Participant], services: [ServiceUse])],
                                 serverNowMs: Int64) {
        for entry in sessions where entry.session.status == .ongoing {
            let key = MeetingKey(projectId: entry.session.projectId, meetingId: entry.session.meetingId)
            var open: [ServiceUse.Service: ServiceUse] = [:]
            for use in entry.services where use.stoppedMs == nil { open[use.service] = use }
            if live[key] == nil { ongoingByProject[key.projectId, default: 0] += 1 }
            live[key] = LiveSession(
                session: entry.session,
                participants: Dictionary(entry.participants.map { ($0.participantId, $0) }, uniquingKeysWith: { a, _ in a }),
                lastHeardMs: Dictionary(entry.participants.map { ($0.participantId, serverNowMs) }, uniquingKeysWith: { a, _ in a }),
                openServices: open)
        }
    }

    /// The ongoing session of a meeting, if any.
    public func ongoingSession(projectId: String, meetingId: String) -> Session? {
        live[MeetingKey(projectId: projectId, meetingId: meetingId)]?.session
    }
}

extension SessionTracker {
    /// `true` when `message`'s seq is already stored for its participant, in the meeting's
    /// ongoing session or the one that just ended.
    public func isDuplicate(_ message: IngestMessage, projectId: String) -> Bool {
        guard let meetingId = message.meetingId, let pid = message.participantId, let seq = message.seq else { return false }
        let key = MeetingKey(projectId: projectId, meetingId: meetingId)
        return [live[key], recentlyEnded[key]].contains { $0?.participants[pid]?.seqs.contains(seq) == true }
    }
}
