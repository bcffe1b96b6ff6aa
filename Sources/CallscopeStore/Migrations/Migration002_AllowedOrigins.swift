import GRDB

/// Per-project list of web origins allowed to send to the ingest endpoints (one per line; the
/// empty string allows any origin, which is what existing projects keep).
enum Migration002_AllowedOrigins {
    static let identifier = "002_allowed_origins"

    static func migrate(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE project ADD COLUMN allowed_origins TEXT NOT NULL DEFAULT ''")
    }
}
