import Synchronization

/// How many of something are held at once, per key and in total, each under a cap: the shape of
/// every "at most N at once" limit (sign-ins per address, live streams per viewer). Taking a slot
/// fails at once, rather than waiting, when either cap is reached.
final class CappedCounts<Key: Hashable & Sendable>: Sendable {
    private struct State {
        var total = 0
        var byKey: [Key: Int] = [:]
    }

    let maxTotal: Int
    /// The cap of one key (keys of different kinds may have different caps).
    let maxFor: @Sendable (Key) -> Int
    private let state = Mutex(State())

    init(maxTotal: Int, maxFor: @escaping @Sendable (Key) -> Int) {
        self.maxTotal = max(1, maxTotal)
        self.maxFor = maxFor
    }

    /// Takes a slot for `key`; `false` when the key's cap or the total is reached. A taken slot
    /// must be given back with ``release(_:)``.
    func take(_ key: Key) -> Bool {
        let cap = max(1, maxFor(key))
        return state.withLock { state in
            guard state.total < maxTotal, state.byKey[key, default: 0] < cap else { return false }
            state.total += 1
            state.byKey[key, default: 0] += 1
            return true
        }
    }

    func release(_ key: Key) {
        state.withLock { state in
            state.total -= 1
            let left = state.byKey[key, default: 1] - 1
            state.byKey[key] = left > 0 ? left : nil
        }
    }
}
