import GRDB

/// The first SQLite schema: projects and credentials, sessions and what hangs off them, and
/// samples in chunks.
///
/// Every row of a session references it with `ON DELETE CASCADE`, and every such foreign key leads
/// an index, so retention deletes a session (and everything of it) with one statement. Times are
/// integer milliseconds since the epoch; enums are their raw string values, except a sample
/// chunk's `side` (0 sender, 1 receiver), which SQLite stores in the record header for free.
enum Migration001_Initial {
    static let identifier = "001_initial"

    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE project (
                id TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                ingest_key TEXT NOT NULL UNIQUE,
                created_ms INTEGER NOT NULL
            );

            CREATE TABLE api_token (
                token_hash TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                project_id TEXT REFERENCES project(id) ON DELETE CASCADE,
                created_ms INTEGER NOT NULL
            );
            CREATE INDEX api_token_project ON api_token(project_id);

            CREATE TABLE session (
                id TEXT PRIMARY KEY NOT NULL,
                project_id TEXT NOT NULL REFERENCES project(id) ON DELETE CASCADE,
                meeting_id TEXT NOT NULL,
                status TEXT NOT NULL,
                start_ms INTEGER NOT NULL,
                end_ms INTEGER,
                initiating_ms INTEGER,
                error_count INTEGER NOT NULL DEFAULT 0
            );
            -- The sessions list: one project newest first, every project newest first, a meeting,
            -- ongoing sessions.
            CREATE INDEX session_project_start ON session(project_id, start_ms DESC);
            CREATE INDEX session_start ON session(start_ms DESC);
            CREATE INDEX session_meeting ON session(meeting_id, start_ms DESC);
            CREATE INDEX session_status ON session(status);

            -- name_folded is the name lowercased by Swift (Unicode-aware, unlike SQLite's lower()
            -- and LIKE), for the case-insensitive participant filter of the sessions list.
            -- first_joined_ms orders participants by their first join.
            CREATE TABLE participant (
                session_id TEXT NOT NULL REFERENCES session(id) ON DELETE CASCADE,
                participant_id TEXT NOT NULL,
                name TEXT,
                name_folded TEXT,
                client TEXT NOT NULL,
                attempts TEXT NOT NULL,
                seqs TEXT NOT NULL,
                last_seen_ms INTEGER NOT NULL,
                first_joined_ms INTEGER,
                PRIMARY KEY (session_id, participant_id)
            ) WITHOUT ROWID;

            CREATE TABLE service_use (
                session_id TEXT NOT NULL REFERENCES session(id) ON DELETE CASCADE,
                service TEXT NOT NULL,
                started_ms INTEGER NOT NULL,
                stopped_ms INTEGER,
                PRIMARY KEY (session_id, service, started_ms)
            ) WITHOUT ROWID;

            -- receiver_id is '' for a stream without a known receiver, so that the UNIQUE
            -- constraint (which treats NULLs as distinct) holds for those too. AUTOINCREMENT (here
            -- and in sample_chunk) because the writer caches ids: a deleted id must never come back
            -- as another row's.
            CREATE TABLE stream (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                session_id TEXT NOT NULL REFERENCES session(id) ON DELETE CASCADE,
                sender_id TEXT NOT NULL,
                receiver_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                first_ms INTEGER NOT NULL,
                last_ms INTEGER NOT NULL,
                sender_samples INTEGER NOT NULL DEFAULT 0,
                receiver_samples INTEGER NOT NULL DEFAULT 0,
                UNIQUE (session_id, sender_id, receiver_id, kind)
            );

            -- One row per stream side and about a minute (SampleChunkPolicy); data is
            -- SampleChunkCodec's format. start_ms is the first sample's time, end_ms the last's;
            -- end_ms - start_ms < SampleChunkPolicy.maxSpanMs, which window reads rely on.
            CREATE TABLE sample_chunk (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                stream_id INTEGER NOT NULL REFERENCES stream(id) ON DELETE CASCADE,
                side INTEGER NOT NULL,
                start_ms INTEGER NOT NULL,
                end_ms INTEGER NOT NULL,
                count INTEGER NOT NULL,
                data BLOB NOT NULL
            );
            CREATE INDEX sample_chunk_stream_start ON sample_chunk(stream_id, start_ms);

            -- The columns are HealthAccumulator's fields; ingest adds each batch's figures.
            CREATE TABLE health_slice (
                session_id TEXT NOT NULL REFERENCES session(id) ON DELETE CASCADE,
                participant_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                start_ms INTEGER NOT NULL,
                samples INTEGER NOT NULL,
                jitter_sum_ms REAL NOT NULL,
                jitter_count INTEGER NOT NULL,
                rtt_sum_ms REAL NOT NULL,
                rtt_count INTEGER NOT NULL,
                packets_expected INTEGER NOT NULL,
                packets_lost INTEGER NOT NULL,
                fps_sum REAL NOT NULL,
                fps_count INTEGER NOT NULL,
                freeze_count INTEGER NOT NULL,
                bitrate_sum_kbps REAL NOT NULL,
                bitrate_count INTEGER NOT NULL,
                PRIMARY KEY (session_id, participant_id, kind, start_ms)
            ) WITHOUT ROWID;

            CREATE TABLE event (
                id INTEGER PRIMARY KEY,
                session_id TEXT NOT NULL REFERENCES session(id) ON DELETE CASCADE,
                participant_id TEXT,
                ts_ms INTEGER NOT NULL,
                name TEXT NOT NULL,
                data TEXT NOT NULL
            );
            CREATE INDEX event_session_ts ON event(session_id, ts_ms);

            CREATE TABLE error (
                id INTEGER PRIMARY KEY,
                session_id TEXT NOT NULL REFERENCES session(id) ON DELETE CASCADE,
                participant_id TEXT,
                ts_ms INTEGER NOT NULL,
                code TEXT NOT NULL,
                message TEXT NOT NULL,
                severity TEXT NOT NULL,
                source TEXT NOT NULL,
                data TEXT NOT NULL
            );
            CREATE INDEX error_session_ts ON error(session_id, ts_ms);

            -- Saved at a graceful shutdown, taken (and deleted) at the next start; no foreign key,
            -- so that a snapshot never blocks retention.
            CREATE TABLE pc_snapshot (
                session_id TEXT NOT NULL,
                participant_id TEXT NOT NULL,
                pc_id TEXT NOT NULL,
                report TEXT NOT NULL,
                PRIMARY KEY (session_id, participant_id, pc_id)
            ) WITHOUT ROWID;
            """)
    }
}
