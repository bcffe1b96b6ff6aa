/// How many server-sent-event streams may be open: per viewer (a signed-in user), per share
/// link, and in total. A stream holds a connection and a task for as long as a page is open, so
/// without a cap one signed-in browser, or anyone holding one share link, could open them by the
/// thousand. Past a cap a page gets 429 and falls back to its own refresh.
struct LiveStreamQuota: Sendable {
    /// Who holds a stream.
    enum Holder: Hashable, Sendable {
        case viewer(String)
        case shareLink(String)
    }

    private let slots: CappedCounts<Holder>

    init(limits: ConnectionLimits) {
        let perViewer = limits.maxLiveStreamsPerViewer, perLink = limits.maxLiveStreamsPerShareLink
        slots = CappedCounts(maxTotal: limits.maxLiveStreams, maxFor: { holder in
            switch holder {
            case .viewer: perViewer
            case .shareLink: perLink
            }
        })
    }

    /// A stream for `holder`, given back when the ticket is released (whether the stream ran, or
    /// the response was dropped unwritten); `nil` when a cap is reached.
    func ticket(_ holder: Holder) -> Ticket? {
        slots.take(holder) ? Ticket(slots: slots, holder: holder) : nil
    }

    final class Ticket: Sendable {
        private let slots: CappedCounts<Holder>
        let holder: Holder

        fileprivate init(slots: CappedCounts<Holder>, holder: Holder) {
            self.slots = slots
            self.holder = holder
        }

        deinit { slots.release(holder) }
    }
}
