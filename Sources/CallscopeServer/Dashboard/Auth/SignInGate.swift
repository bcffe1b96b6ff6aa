/// How many sign-ins may be checking a password (bcrypt, ~250 ms of a core each) at once, for
/// one client address and in total. A sign-in beyond either is answered 429 at once, without
/// queueing work: a burst of guesses — with random usernames, which the per-username
/// ``LoginThrottle`` does not see — cannot take the server's CPU.
struct SignInGate: Sendable {
    private let slots: CappedCounts<String>

    init(maxPerAddress: Int, maxTotal: Int) {
        slots = CappedCounts(maxTotal: maxTotal, maxFor: { _ in maxPerAddress })
    }

    /// Takes a slot for `address` (`""` when unknown); `false` when none is free. A taken slot
    /// must be given back with ``leave(_:)``.
    func enter(_ address: String) -> Bool { slots.take(address) }

    func leave(_ address: String) { slots.release(address) }
}
