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
