/// What dashboard users add to a recorded session: notes and read-only share links.
public protocol DashboardDataStore: Sendable {
    /// Adds a note to a stored session (throws when there is none) and returns it with its id.
    func addNote(sessionId: String, author: String, text: String, createdMs: Int64) async throws -> SessionNote
    /// A session's notes, oldest first.
    func notes(sessionId: String) async throws -> [SessionNote]
    /// Stores a share link of a stored session by its token's SHA-256 hash.
    func createShareLink(_ link: ShareLink) async throws
    /// The link of a token hash, revoked and expired ones included: the caller decides (``ShareLink/isUsable(atMs:)``).
    func shareLink(tokenHash: String) async throws -> ShareLink?
    /// A session's share links, oldest first, revoked and expired ones included.
    func shareLinks(sessionId: String) async throws -> [ShareLink]
    /// Marks a link revoked at `revokedMs` (a revoked link keeps its first time). Returns false
    /// when there is no such link.
    func revokeShareLink(tokenHash: String, revokedMs: Int64) async throws -> Bool
}
