/// A signed-in browser: the SHA-256 hash of its cookie's token, whose user, and until when.
public struct WebSession: Sendable, Hashable, Codable {
    public var tokenHash: String
    public var userId: String
    public var createdMs: Int64
    /// The session stops working at this time (exclusive); each use slides it forward.
    public var expiresMs: Int64
    public var lastSeenMs: Int64

    public init(tokenHash: String, userId: String, createdMs: Int64, expiresMs: Int64, lastSeenMs: Int64) {
        self.tokenHash = tokenHash
        self.userId = userId
        self.createdMs = createdMs
        self.expiresMs = expiresMs
        self.lastSeenMs = lastSeenMs
    }
}
