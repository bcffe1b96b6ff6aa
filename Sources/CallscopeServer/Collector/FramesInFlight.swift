import Synchronization

/// The frames of one collector WebSocket that were read but whose answers are not yet written.
/// The reader enters before it reads the next frame's work into the queue and waits while
/// `limit` are in flight; the writer leaves after writing an answer. So a client that sends
/// without reading its answers stops being read (TCP then pushes back on it) instead of making
/// the server queue answers without end.
final class FramesInFlight: Sendable {
    private struct State {
        var inFlight = 0
        var waiter: CheckedContinuation<Void, Never>?
        var closed = false
    }

    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Returns once a frame may be taken (at once while fewer than `limit` are in flight, or
    /// after ``close()``). One reader only.
    func enter() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.closed || state.inFlight < limit {
                    state.inFlight += 1
                    return true
                }
                state.waiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// An answer was written: its slot goes to a waiting reader, or back to the pool.
    func leave() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter   // the slot passes straight to the reader
            }
            state.inFlight -= 1
            return nil
        }
        waiter?.resume()
    }

    /// The writer stopped (the socket failed): the reader is never held again.
    func close() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.closed = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}
