/// The bounds on what a holder of a project's ingest key can make the server do or keep.
///
/// The ingest key is public by design: it sits in every page that loads the collector. So every
/// number that reaches ingest from outside is range-checked once, at the edge, against these
/// limits, and everything a key holder can grow — meetings, participants, peer connections,
/// stats, seq gaps, labels — has a ceiling. `docs/limits.md` lists each with its default, its
/// `callscope serve` flag and the answer a client gets when it is reached.
///
/// ```swift
/// var limits = IngestLimits()
/// limits.maxParticipantsPerMeeting = 50
/// try message.validateTimes(serverNowMs: now, limits: limits, path: "[0]")
/// ```
public struct IngestLimits: Sendable, Hashable {
    /// How far a message's `ts` may be from the server's clock (either way): a client clock that
    /// is off by more than this is broken, and a `ts` of year 300 000 would overflow later
    /// arithmetic. Also bounds a report's top-level `timestamp` and `setupMs`.
    public var maxClockSkewMs: Int64 = 86_400_000
    /// How far a stat's own `timestamp` may be from its message's `ts`. A stat outside it is
    /// dropped (and counted in the answer's `droppedStats`), not the whole report.
    public var maxStatTimestampSkewMs: Int64 = 86_400_000
    /// Participants one session may hold (every participant ID ever seen in it, not only present ones).
    public var maxParticipantsPerMeeting = 500
    /// Ongoing sessions (meetings with someone in them) per project.
    public var maxOngoingMeetingsPerProject = 10_000
    /// Peer connections whose last report the server keeps in memory, per project.
    public var maxPeerConnectionsPerProject = 50_000
    /// Stat objects in one report (after a delta is applied).
    public var maxStatsPerReport = 1_000
    /// Disjoint runs of stored seqs per participant: every gap between acknowledged seqs costs a
    /// range, and a client that skips every other seq would otherwise grow them without end.
    public var maxSeqRanges = 256
    /// How far above the highest seq stored for a participant a new seq may be.
    public var maxSeqJump: Int64 = 1_000_000
    /// Entries in each of a stats message's label sections (`mid`, `trackIdentifier`, `ssrc`).
    public var maxLabelsPerSection = 256
    /// Bytes of a meeting, participant or peer-connection ID (UTF-8, not characters: one
    /// "character" can be hundreds of combining marks).
    public var maxIDBytes = 128

    public init() {}
}
