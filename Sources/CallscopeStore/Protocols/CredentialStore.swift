import CallscopeCore

/// Who may send and who may read: projects with their ingest keys and allowed origins, API
/// tokens, dashboard users and their signed-in browsers. Secrets are kept as SHA-256 (tokens) or
/// bcrypt (passwords) hashes only.
public protocol CredentialStore: Sendable {
    // MARK: Projects and API tokens

    func createProject(_ project: Project) async throws
    func projects() async throws -> [Project]
    func project(ingestKey: String) async throws -> Project?
    /// Replaces the origins whose pages may send to the project's ingest endpoints (empty: any).
    /// Returns false when there is no such project.
    func setAllowedOrigins(projectId: String, origins: [String]) async throws -> Bool
    /// Replaces the limits the project's sessions are coloured and diagnosed with. Returns false
    /// when there is no such project.
    func setThresholds(projectId: String, thresholds: HealthThresholds) async throws -> Bool
    /// Stores a token by its SHA-256 hash; the token itself is never stored.
    func addAPIToken(_ token: APIToken) async throws
    func apiToken(hash: String) async throws -> APIToken?
    /// Every token (their hashes only), oldest first.
    func apiTokens() async throws -> [APIToken]

    // MARK: Dashboard users and sign-in

    /// Adds a dashboard user; usernames are unique (a second one with the same name throws).
    func createUser(_ user: DashboardUser) async throws
    func user(username: String) async throws -> DashboardUser?
    func user(id: String) async throws -> DashboardUser?
    /// Replaces a user's password hash. Returns false when there is no such user.
    func setPassword(userId: String, passwordHash: String) async throws -> Bool
    /// Stores a signed-in browser's session by its token's SHA-256 hash.
    func createWebSession(_ session: WebSession) async throws
    /// The session of a token hash, only while `nowMs < expiresMs`.
    func webSession(tokenHash: String, nowMs: Int64) async throws -> WebSession?
    /// Slides a session's expiry: sets its `lastSeenMs` and `expiresMs`. Returns false when it is gone.
    func touchWebSession(tokenHash: String, lastSeenMs: Int64, expiresMs: Int64) async throws -> Bool
    func deleteWebSession(tokenHash: String) async throws
    /// Signs a user out everywhere (after a password change). Returns how many sessions went.
    func deleteWebSessions(userId: String) async throws -> Int
    /// Deletes the sessions with `expiresMs <= nowMs`; returns how many.
    func deleteExpiredWebSessions(nowMs: Int64) async throws -> Int
}
