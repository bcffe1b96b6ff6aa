/// Someone who signs in to the dashboard. `passwordHash` is a bcrypt hash (`$2b$…`); the
/// password itself is never stored.
public struct DashboardUser: Sendable, Hashable, Codable {
    public var id: String
    public var username: String
    public var passwordHash: String
    public var createdMs: Int64

    public init(id: String, username: String, passwordHash: String, createdMs: Int64) {
        self.id = id
        self.username = username
        self.passwordHash = passwordHash
        self.createdMs = createdMs
    }
}

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

/// A note a dashboard user left on a session.
public struct SessionNote: Sendable, Hashable, Codable {
    /// Assigned by the store, increasing.
    public var id: Int64
    public var sessionId: String
    /// The author's username.
    public var author: String
    public var createdMs: Int64
    public var text: String

    public init(id: Int64, sessionId: String, author: String, createdMs: Int64, text: String) {
        self.id = id
        self.sessionId = sessionId
        self.author = author
        self.createdMs = createdMs
        self.text = text
    }
}

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
