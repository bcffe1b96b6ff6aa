import Synchronization

/// How many sign-ins may be checking a password (bcrypt, ~250 ms of a core each) at once, for
/// one client address and in total. A sign-in beyond either is answered 429 at once, without
/// queueing work: a burst of guesses — with random usernames, which the per-username
/// ``LoginThrottle`` does not see — cannot take the server's CPU.
final class SignInGate: Sendable {
    private struct State {
        var total = 0
        var byAddress: [String: Int] = [:]
    }

    let maxPerAddress: Int
    let maxTotal: Int
    private let state = Mutex(State())

    init(maxPerAddress: Int, maxTotal: Int) {
        self.maxPerAddress = max(1, maxPerAddress)
        self.maxTotal = max(1, maxTotal)
    }

    /// Takes a slot for `address` (`""` when unknown); `false` when none is free. A taken slot
    /// must be given back with ``leave(_:)``.
    func enter(_ address: String) -> Bool {
        state.withLock { state in
            guard state.total < maxTotal, state.byAddress[address, default: 0] < maxPerAddress else { return false }
            state.total += 1
            state.byAddress[address, default: 0] += 1
            return true
        }
    }

    func leave(_ address: String) {
        state.withLock { state in
            state.total -= 1
            let left = state.byAddress[address, default: 1] - 1
            state.byAddress[address] = left > 0 ? left : nil
        }
    }
}
