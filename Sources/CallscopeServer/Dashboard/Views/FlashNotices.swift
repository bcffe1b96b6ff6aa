import CallscopeStore
import Synchronization

/// Notices shown once after a form's redirect that must not travel in the URL: a new share
/// link's token would otherwise sit in the browser history, the server's and proxies' logs, and
/// the `Referer` of whatever the page links to. The redirect carries only a random ID
/// (`?flash=…`); the notice is kept here for its user, taken (and forgotten) by the next page
/// view, and dropped after ``lifetimeMs`` if never shown.
final class FlashNotices: Sendable {
    static let lifetimeMs: Int64 = 5 * 60_000
    /// Notices kept at most; beyond it the oldest go.
    static let maxEntries = 1_000

    private struct Entry {
        var userId: String
        var text: String
        var expiresMs: Int64
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// Keeps `text` for `userId`; returns the ID to put in the redirect.
    func put(_ text: String, for userId: String, nowMs: Int64) -> String {
        let id = Credentials.generate(prefix: "")
        entries.withLock { entries in
            entries = entries.filter { $0.value.expiresMs > nowMs }
            if entries.count >= Self.maxEntries, let oldest = entries.min(by: { $0.value.expiresMs < $1.value.expiresMs }) {
                entries[oldest.key] = nil
            }
            entries[id] = Entry(userId: userId, text: text, expiresMs: nowMs + Self.lifetimeMs)
        }
        return id
    }

    /// The notice `id` of `userId`, once; `nil` for anyone else, a second time, or after it expired.
    func take(_ id: String, for userId: String, nowMs: Int64) -> String? {
        entries.withLock { entries in
            guard let entry = entries[id], entry.userId == userId else { return nil }
            entries[id] = nil
            return entry.expiresMs > nowMs ? entry.text : nil
        }
    }
}
