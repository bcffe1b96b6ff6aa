import CallscopeCore
import GRDB

/// The dashboard's rows: users, web sessions, notes, share links. Few rows, each read by its
/// primary key, a unique column or an indexed foreign key.
extension SQLiteStore {
    // MARK: Users

    public func createUser(_ user: DashboardUser) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO user (id, username, password_hash, created_ms) VALUES (?, ?, ?, ?)",
                arguments: [user.id, user.username, user.passwordHash, user.createdMs])
        }
    }

    public func user(username: String) async throws -> DashboardUser? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM user WHERE username = ?", arguments: [username]).map(Self.user)
        }
    }

    public func user(id: String) async throws -> DashboardUser? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM user WHERE id = ?", arguments: [id]).map(Self.user)
        }
    }

    public func setPassword(userId: String, passwordHash: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE user SET password_hash = ? WHERE id = ?", arguments: [passwordHash, userId])
            return db.changesCount > 0
        }
    }

    // MARK: Web sessions

    public func createWebSession(_ session: WebSession) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO web_session (token_hash, user_id, created_ms, expires_ms, last_seen_ms)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [session.tokenHash, session.userId, session.createdMs, session.expiresMs, session.lastSeenMs])
        }
    }

    public func webSession(tokenHash: String, nowMs: Int64) async throws -> WebSession? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM web_session WHERE token_hash = ? AND expires_ms > ?",
                             arguments: [tokenHash, nowMs]).map(Self.webSession)
        }
    }

    public func touchWebSession(tokenHash: String, lastSeenMs: Int64, expiresMs: Int64) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE web_session SET last_seen_ms = ?, expires_ms = ? WHERE token_hash = ?",
                           arguments: [lastSeenMs, expiresMs, tokenHash])
            return db.changesCount > 0
        }
    }

    public func deleteWebSession(tokenHash: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM web_session WHERE token_hash = ?", arguments: [tokenHash])
        }
    }

    public func deleteWebSessions(userId: String) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM web_session WHERE user_id = ?", arguments: [userId])
            return db.changesCount
        }
    }

    public func deleteExpiredWebSessions(nowMs: Int64) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM web_session WHERE expires_ms <= ?", arguments: [nowMs])
            return db.changesCount
        }
    }

    // MARK: Notes

    public func addNote(sessionId: String, author: String, text: String, createdMs: Int64) async throws -> SessionNote {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO note (session_id, author, created_ms, text) VALUES (?, ?, ?, ?)",
                           arguments: [sessionId, author, createdMs, text])
            return SessionNote(id: db.lastInsertedRowID, sessionId: sessionId, author: author, createdMs: createdMs, text: text)
        }
    }

    /// Oldest first; notes of the same millisecond in the order they were added.
    public func notes(sessionId: String) async throws -> [SessionNote] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM note WHERE session_id = ? ORDER BY created_ms, id",
                             arguments: [sessionId]).map {
                SessionNote(id: $0["id"], sessionId: $0["session_id"], author: $0["author"], createdMs: $0["created_ms"],
                            text: $0["text"])
            }
        }
    }

    // MARK: Share links

    public func createShareLink(_ link: ShareLink) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO share_link (token_hash, session_id, created_by, created_ms, expires_ms, revoked_ms)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [link.tokenHash, link.sessionId, link.createdBy, link.createdMs, link.expiresMs, link.revokedMs])
        }
    }

    public func shareLink(tokenHash: String) async throws -> ShareLink? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM share_link WHERE token_hash = ?", arguments: [tokenHash])
                .map(Self.shareLink)
        }
    }

    /// Oldest first (ties by hash, so the order is stable).
    public func shareLinks(sessionId: String) async throws -> [ShareLink] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM share_link WHERE session_id = ? ORDER BY created_ms, token_hash",
                             arguments: [sessionId]).map(Self.shareLink)
        }
    }

    public func revokeShareLink(tokenHash: String, revokedMs: Int64) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE share_link SET revoked_ms = COALESCE(revoked_ms, ?) WHERE token_hash = ?",
                           arguments: [revokedMs, tokenHash])
            return db.changesCount > 0
        }
    }

    static func user(_ row: Row) -> DashboardUser {
        DashboardUser(id: row["id"], username: row["username"], passwordHash: row["password_hash"],
                      createdMs: row["created_ms"])
    }

    static func webSession(_ row: Row) -> WebSession {
        WebSession(tokenHash: row["token_hash"], userId: row["user_id"], createdMs: row["created_ms"],
                   expiresMs: row["expires_ms"], lastSeenMs: row["last_seen_ms"])
    }

    static func shareLink(_ row: Row) -> ShareLink {
        ShareLink(tokenHash: row["token_hash"], sessionId: row["session_id"], createdBy: row["created_by"],
                  createdMs: row["created_ms"], expiresMs: row["expires_ms"], revokedMs: row["revoked_ms"])
    }
}
