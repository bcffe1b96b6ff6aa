import Synchronization

/// How many server-sent-event streams may be open: per viewer (a signed-in user), per share
/// link, and in total. A stream holds a connection and a task for as long as a page is open, so
/// without a cap one signed-in browser, or anyone holding one share link, could open them by the
/// thousand. Past a cap a page gets 429 and falls back to its own refresh.
final class LiveStreamQuota: Sendable {
    /// Who holds a stream.
    enum Holder: Hashable, Sendable {
        case viewer(String)
        case shareLink(String)
    }

    private struct State {
        var total = 0
        var byHolder: [Holder: Int] = [:]
    }

    let maxTotal: Int
    let maxPerViewer: Int
    let maxPerShareLink: Int
    private let state = Mutex(State())

    init(limits: ConnectionLimits) {
        maxTotal = max(1, limits.maxLiveStreams)
        maxPerViewer = max(1, limits.maxLiveStreamsPerViewer)
        maxPerShareLink = max(1, limits.maxLiveStreamsPerShareLink)
    }

    /// A stream for `holder`, given back when the ticket is released (whether the stream ran, or
    /// the response was dropped unwritten); `nil` when a cap is reached.
    func ticket(_ holder: Holder) -> Ticket? {
        open(holder) ? Ticket(quota: self, holder: holder) : nil
    }

    final class Ticket: Sendable {
        let quota: LiveStreamQuota
        let holder: Holder

        fileprivate init(quota: LiveStreamQuota, holder: Holder) {
            self.quota = quota
            self.holder = holder
        }

        deinit { quota.close(holder) }
    }

    /// Takes a stream for `holder`; `false` when a cap is reached. Give it back with ``close(_:)``.
    func open(_ holder: Holder) -> Bool {
        let cap = switch holder {
        case .viewer: maxPerViewer
        case .shareLink: maxPerShareLink
        }
        return state.withLock { state in
            guard state.total < maxTotal, state.byHolder[holder, default: 0] < cap else { return false }
            state.total += 1
            state.byHolder[holder, default: 0] += 1
            return true
        }
    }

    func close(_ holder: Holder) {
        state.withLock { state in
            state.total -= 1
            let left = state.byHolder[holder, default: 1] - 1
            state.byHolder[holder] = left > 0 ? left : nil
        }
    }

    var openCount: Int { state.withLock { $0.total } }
}
