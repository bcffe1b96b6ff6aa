/// A session's timeline, oldest first: its recorded events, its errors, and the quality drops its
/// health slices show. At equal times recorded entries come first, then errors, then quality
/// drops, each in the order given.
public struct SessionTimeline: Sendable, Hashable {
    public var entries: [TimelineEntry]

    /// Merges the three lists (each in time order). With `participantId`, only that participant's
    /// entries. A drop that reaches the latest slice of an ongoing session is marked ongoing.
    public init(recorded: [TimelineEvent], errors: [SessionError], drops: [QualityDrop], sessionOngoing: Bool,
                participantId: String? = nil) {
        let mine = { (pid: String?) in participantId == nil || pid == participantId }
        let all: [TimelineEntry] = recorded.filter { mine($0.participantId) }.map(TimelineEntry.recorded)
            + errors.filter { mine($0.participantId) }.map(TimelineEntry.error)
            + drops.filter { mine($0.participantId) }.map { .qualityDrop($0, ongoing: sessionOngoing && $0.reachesLastSlice) }
        // A stable sort by time keeps the order above at equal times.
        entries = all.enumerated().sorted { ($0.element.tsMs, $0.offset) < ($1.element.tsMs, $1.offset) }.map(\.element)
    }

    public init(entries: [TimelineEntry]) {
        self.entries = entries
    }
}
