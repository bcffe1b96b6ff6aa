extension IngestMessage {
    /// One participant's recording as the messages its collector would have sent: a `join`
    /// (with `userAgent`) at the first time, `timed` in time order, and a `leave` at the last
    /// time, `seq` from 1; nothing when `timed` is empty. What every importer ends with.
    public static func recording(_ timed: [(tsMs: Int64, payload: Payload)], meetingId: String, participantId: String,
                                 name: String?, userAgent: String?) -> [IngestMessage] {
        guard let first = timed.map(\.tsMs).min(), let last = timed.map(\.tsMs).max() else { return [] }
        var client = ClientInfo(userAgent: userAgent)
        client.describe(hints: nil)
        let join = Payload.join(Join(name: name, client: client, setupMs: nil))
        // A stable sort: what happened at one time keeps the file's order.
        let ordered = timed.enumerated().sorted { ($0.element.tsMs, $0.offset) < ($1.element.tsMs, $1.offset) }.map(\.element)
        let all = [(tsMs: first, payload: join)] + ordered + [(tsMs: last, payload: .leave(reason: "the recording ends here"))]
        return all.enumerated().map { i, m in
            IngestMessage(meetingId: meetingId, participantId: participantId, seq: Int64(i + 1), tsMs: m.tsMs, payload: m.payload)
        }
    }

    /// A time from a file, in ms since the epoch, held to ``EpochTime/range`` (0 when not finite).
    public static func recordedMs(_ ts: Double) -> Int64 {
        guard ts.isFinite else { return 0 }
        // Held in range as a Double first: converting 1e300 to Int64 would trap.
        return Int64(min(max(ts, 0), Double(EpochTime.maxMs)).rounded())
    }
}
