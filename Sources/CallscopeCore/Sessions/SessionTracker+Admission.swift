extension SessionTracker {
    /// Whether `message` may be stored under `limits`, asked before anything of it is applied
    /// (stats derivation included), so that a refused message changes no state. `nil`: go on.
    ///
    /// Refused: a participant beyond ``IngestLimits/maxParticipantsPerMeeting`` in its session, a
    /// new session beyond ``IngestLimits/maxOngoingMeetingsPerProject`` (`ongoingInProject` counts
    /// the project's ongoing sessions in every shard), a seq more than ``IngestLimits/maxSeqJump``
    /// above the participant's highest and above its own `ts` plus the clock skew, and a seq that would open a gap beyond
    /// ``IngestLimits/maxSeqRanges``. A resend of a stored seq is always admitted (it is a
    /// duplicate, acknowledged and not stored). Error fields are bare (`seq`, `participantId`).
    public func admission(_ message: IngestMessage, projectId: String, limits: IngestLimits,
                          ongoingInProject: () -> Int) -> IngestValidationError? {
        guard let participantId = message.participantId, let seq = message.seq, let meetingId = message.meetingId
        else { return nil }
        let key = MeetingKey(projectId: projectId, meetingId: meetingId)
        let session: LiveSession?
        if let entry = live[key] {
            session = entry
        } else if !message.isJoin, let ended = recentlyEnded[key], ended.participants[participantId] != nil {
            session = ended   // a late message lands in the session that just ended
        } else {
            session = nil
        }
        guard let session else {
            switch message.payload {
            case .leave, .service: return nil   // ignored: opens nothing
            default: break
            }
            let ongoing = ongoingInProject()
            guard ongoing < limits.maxOngoingMeetingsPerProject else {
                return IngestValidationError(
                    .limitExceeded,
                    "the project has \(ongoing) ongoing meetings, the most it may have (--max-ongoing-meetings); try again when one has ended",
                    field: "meetingId")
            }
            return nil
        }
        guard let participant = session.participants[participantId] else {
            guard session.participants.count < limits.maxParticipantsPerMeeting else {
                return IngestValidationError(
                    .limitExceeded,
                    "the meeting has \(session.participants.count) participants, the most one session may have (--max-participants)",
                    field: "participantId")
            }
            return nil
        }
        let seqs = participant.seqs
        if seqs.contains(seq) { return nil }
        // A collector that lost its state restarts its numbering at the current time in ms
        // (protocol §5.1), so a jump up to the message's own clock (plus the allowed skew) is fine;
        // only a seq beyond both that and `maxSeqJump` above the highest is refused.
        if let highest = seqs.highest, seq > highest + limits.maxSeqJump, seq > message.tsMs + limits.maxClockSkewMs {
            return IngestValidationError(
                .invalidField,
                "seq \(seq) is more than \(limits.maxSeqJump) above the highest stored (\(highest)) and above the message's time in ms",
                field: "seq")
        }
        if seqs.ranges.count >= limits.maxSeqRanges, seqs.wouldAddRange(seq) {
            return IngestValidationError(
                .limitExceeded,
                "seq \(seq) would leave a gap beyond the \(limits.maxSeqRanges) allowed between stored seqs; send the missing seqs first",
                field: "seq")
        }
        return nil
    }

    /// Ongoing sessions of `projectId` in this tracker.
    public func ongoingSessionCount(projectId: String) -> Int {
        ongoingByProject[projectId] ?? 0
    }

    /// Ongoing sessions per project in this tracker.
    public var ongoingByProjectCounts: [String: Int] { ongoingByProject }
}
