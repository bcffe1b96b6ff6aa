import GRDB

/// The dashboard's tables: its users (bcrypt password hashes), their signed-in web sessions
/// (SHA-256 hashes of the cookie tokens), notes on a session, and read-only share links (SHA-256
/// hashes of the link tokens). Notes and share links go with their session (`ON DELETE CASCADE`),
/// web sessions with their user; every foreign key leads an index.
enum Migration003_Dashboard {
    static let identifier = "003_dashboard"

    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE user (
                id TEXT PRIMARY KEY NOT NULL,
                username TEXT NOT NULL UNIQUE,
                password_hash TEXT NOT NULL,
                created_ms INTEGER NOT NULL
            );

            CREATE TABLE web_session (
                token_hash TEXT PRIMARY KEY NOT NULL,
                user_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
                created_ms INTEGER NOT NULL,
                expires_ms INTEGER NOT NULL,
                last_seen_ms INTEGER NOT NULL
            );
            CREATE INDEX web_session_user ON web_session(user_id);
            CREATE INDEX web_session_expires ON web_session(expires_ms);

            CREATE TABLE note (
                id INTEGER PRIMARY KEY,
                session_id TEXT NOT NULL REFERENCES session(id) ON DELETE CASCADE,
                author TEXT NOT NULL,
                created_ms INTEGER NOT NULL,
                text TEXT NOT NULL
            );
            CREATE INDEX note_session_created ON note(session_id, created_ms);

            CREATE TABLE share_link (
                token_hash TEXT PRIMARY KEY NOT NULL,
                session_id TEXT NOT NULL REFERENCES session(id) ON DELETE CASCADE,
                created_by TEXT NOT NULL,
                created_ms INTEGER NOT NULL,
                expires_ms INTEGER NOT NULL,
                revoked_ms INTEGER
            );
            CREATE INDEX share_link_session ON share_link(session_id, created_ms);
            """)
    }
}
