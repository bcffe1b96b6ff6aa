/// A read-only link to one session: the SHA-256 hash of its unguessable token, who made it, until
/// when it works, and whether it was revoked.
public struct ShareLink: Sendable, Hashable, Codable {
    public var tokenHash: String
    public var sessionId: String
    /// The creator's username.
    public var createdBy: String
    public var createdMs: Int64
    /// The link stops working at this time (exclusive).
    public var expiresMs: Int64
    public var revokedMs: Int64?

    public init(tokenHash: String, sessionId: String, createdBy: String, createdMs: Int64, expiresMs: Int64,
                revokedMs: Int64? = nil) {
        self.tokenHash = tokenHash
        self.sessionId = sessionId
        self.createdBy = createdBy
        self.createdMs = createdMs
        self.expiresMs = expiresMs
        self.revokedMs = revokedMs
    }

    /// Neither revoked nor expired at `nowMs`.
    public func isUsable(atMs nowMs: Int64) -> Bool {
        revokedMs == nil && nowMs < expiresMs
    }
}
