import GRDB

/// Dump files imported into sessions, one row per (project, content hash): the primary key is
/// what makes a second import of the same file find the first, even when two run at once (the
/// later transaction fails on it and writes nothing).
enum Migration006_ImportedFiles {
    static let identifier = "006_imported_files"

    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE imported_file (
                project_id TEXT NOT NULL,
                content_sha256 TEXT NOT NULL,
                session_id TEXT NOT NULL REFERENCES session(id) ON DELETE CASCADE,
                meeting_id TEXT NOT NULL,
                participant_id TEXT NOT NULL,
                file_name TEXT NOT NULL,
                format TEXT NOT NULL,
                imported_ms INTEGER NOT NULL,
                PRIMARY KEY (project_id, content_sha256)
            ) WITHOUT ROWID;
            CREATE INDEX imported_file_meeting ON imported_file (project_id, meeting_id, imported_ms);
            CREATE INDEX imported_file_session ON imported_file (session_id);
            """)
    }
}
