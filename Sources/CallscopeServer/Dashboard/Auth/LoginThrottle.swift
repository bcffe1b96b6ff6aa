import Synchronization

/// A brake on password guessing: after ``maxFailures`` failed sign-ins for one username within
/// ``windowMs``, that username is refused (429) until the window that began with its first
/// failure ends, whatever the password. Kept in memory: a restart forgets it.
final class LoginThrottle: Sendable {
    static let maxFailures = 5
    static let windowMs: Int64 = 15 * 60 * 1000
    /// Usernames tracked at most; beyond it, finished windows are dropped, then the oldest.
    static let maxEntries = 10_000

    private struct Entry {
        var windowStartMs: Int64
        var failures: Int
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// When `username` is locked at `nowMs`, the milliseconds until it is free again.
    func lockedFor(_ username: String, nowMs: Int64) -> Int64? {
        entries.withLock { entries in
            guard let entry = entries[username], entry.failures >= Self.maxFailures else { return nil }
            let end = entry.windowStartMs + Self.windowMs
            return nowMs < end ? end - nowMs : nil
        }
    }

    /// Counts a sign-in attempt for `username` as a failure before its password is checked, and
    /// says whether it may be checked at all: `nil` when it may, else the milliseconds until the
    /// username is free. Checking and counting are one step, so a burst of parallel guesses gets
    /// ``maxFailures`` checks per window, not one per request. A success then calls ``reset(_:)``.
    func beginAttempt(_ username: String, nowMs: Int64) -> Int64? {
        entries.withLock { entries in
            var entry = entries[username] ?? Entry(windowStartMs: nowMs, failures: 0)
            if nowMs - entry.windowStartMs >= Self.windowMs { entry = Entry(windowStartMs: nowMs, failures: 0) }
            guard entry.failures < Self.maxFailures else { return entry.windowStartMs + Self.windowMs - nowMs }
            entry.failures += 1
            entries[username] = entry
            if entries.count > Self.maxEntries { Self.prune(&entries, nowMs: nowMs) }
            return nil
        }
    }

    /// A failed sign-in of `username` (the same count ``beginAttempt(_:nowMs:)`` keeps).
    func recordFailure(_ username: String, nowMs: Int64) {
        _ = beginAttempt(username, nowMs: nowMs)
    }

    /// A successful sign-in forgets earlier failures.
    func reset(_ username: String) {
        _ = entries.withLock { $0.removeValue(forKey: username) }
    }

    private static func prune(_ entries: inout [String: Entry], nowMs: Int64) {
        entries = entries.filter { nowMs - $0.value.windowStartMs < windowMs }
        guard entries.count > maxEntries else { return }
        let oldest = entries.sorted { $0.value.windowStartMs < $1.value.windowStartMs }.prefix(entries.count - maxEntries)
        for (key, _) in oldest { entries[key] = nil }
    }
}
