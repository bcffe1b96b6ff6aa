import CallscopeCore
import GRDB

/// The write path: one transaction per ``IngestBatch``, then the restart reads.
///
/// Everything of a batch goes through cached prepared statements inside one `IMMEDIATE`
/// transaction; `write` returns after the commit (and its WAL fsync), so the caller can
/// acknowledge the batch. The sample caches (``SampleWriteCache``) are updated after the commit,
/// while the writer is still held, so no other batch can see them half-way and a failed batch
/// leaves them untouched.
///
/// Order matters for referential integrity: sessions first, then what references them.
extension SQLiteStore {
    public func write(_ batch: IngestBatch) async throws {
        guard !batch.isEmpty else { return }
        try await pool.writeWithoutTransaction { db in
            var changes = SampleWriteCache.Changes()
            try db.inTransaction(.immediate) {
                try Self.upsertSessions(batch.sessions, db)
                try Self.upsertParticipants(batch.participants, db)
                try Self.upsertServices(batch.services, db)
                changes = try self.appendSamples(batch.samples, db)
                try Self.addHealth(batch.health, db)
                try Self.appendEvents(batch.events, db)
                try Self.appendErrors(batch.errors, db)
                try Self.insertImportedFiles(batch.importedFiles, db)
                return .commit
            }
            for session in batch.sessions where session.status == .ended {
                changes.endedSessions.insert(session.id)
            }
            self.writeCache.withLock { $0.apply(changes) }
        }
    }

    public func ongoingSessions() async throws -> [OngoingSession] {
        try await pool.read { db in
            let sessions = try Row.fetchAll(
                db, sql: "SELECT * FROM session WHERE status = 'ongoing' ORDER BY start_ms, id"
            ).map(Self.session)
            var participants: [String: [Participant]] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT * FROM participant
                WHERE session_id IN (SELECT id FROM session WHERE status = 'ongoing')
                ORDER BY session_id, first_joined_ms, participant_id
                """)
            while let row = try rows.next() {
                let participant = try Self.participant(row)
                participants[participant.sessionId, default: []].append(participant)
            }
            return sessions.map { OngoingSession(session: $0, participants: participants[$0.id] ?? []) }
        }
    }

    // MARK: Rows of a batch

    static func upsertSessions(_ sessions: [Session], _ db: Database) throws {
        guard !sessions.isEmpty else { return }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO session (id, project_id, meeting_id, status, start_ms, end_ms, initiating_ms, error_count)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET
                project_id = excluded.project_id, meeting_id = excluded.meeting_id, status = excluded.status,
                start_ms = excluded.start_ms, end_ms = excluded.end_ms, initiating_ms = excluded.initiating_ms,
                error_count = excluded.error_count
            """)
        for s in sessions {
            try statement.execute(arguments: [s.id, s.projectId, s.meetingId, s.status.rawValue, s.startMs, s.endMs,
                                              s.initiatingMs, s.errorCount])
        }
    }

    static func upsertParticipants(_ participants: [Participant], _ db: Database) throws {
        guard !participants.isEmpty else { return }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO participant (session_id, participant_id, name, name_folded, client, attempts, seqs,
                                     last_seen_ms, first_joined_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (session_id, participant_id) DO UPDATE SET
                name = excluded.name, name_folded = excluded.name_folded, client = excluded.client,
                attempts = excluded.attempts, seqs = excluded.seqs, last_seen_ms = excluded.last_seen_ms,
                first_joined_ms = excluded.first_joined_ms
            """)
        for p in participants {
            try statement.execute(arguments: [
                p.sessionId, p.participantId, p.name, p.name?.lowercased(), try jsonText(p.client),
                try jsonText(p.attempts), p.seqs.description, p.lastSeenMs, p.attempts.first?.joinedMs,
            ])
        }
    }

    static func upsertServices(_ services: [ServiceUse], _ db: Database) throws {
        guard !services.isEmpty else { return }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO service_use (session_id, service, started_ms, stopped_ms) VALUES (?, ?, ?, ?)
            ON CONFLICT (session_id, service, started_ms) DO UPDATE SET stopped_ms = excluded.stopped_ms
            """)
        for s in services {
            try statement.execute(arguments: [s.sessionId, s.service.rawValue, s.startedMs, s.stoppedMs])
        }
    }

    /// Adds each slice's figures to the stored slice of the same key (or stores it when new).
    /// Counts stay at or below 2^53 (``StreamSample/maxCount``), as ``HealthAccumulator`` keeps
    /// them: summed over many commits they would otherwise overflow into SQLite's REAL.
    static func addHealth(_ slices: [HealthSlice], _ db: Database) throws {
        guard !slices.isEmpty else { return }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO health_slice (session_id, participant_id, kind, start_ms, samples, jitter_sum_ms,
                jitter_count, rtt_sum_ms, rtt_count, packets_expected, packets_lost, fps_sum, fps_count,
                freeze_count, bitrate_sum_kbps, bitrate_count, sent_packets_expected, sent_packets_lost)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (session_id, participant_id, kind, start_ms) DO UPDATE SET
                samples = min(samples + excluded.samples, 9007199254740992),
                jitter_sum_ms = jitter_sum_ms + excluded.jitter_sum_ms,
                jitter_count = min(jitter_count + excluded.jitter_count, 9007199254740992),
                rtt_sum_ms = rtt_sum_ms + excluded.rtt_sum_ms,
                rtt_count = min(rtt_count + excluded.rtt_count, 9007199254740992),
                packets_expected = min(packets_expected + excluded.packets_expected, 9007199254740992),
                packets_lost = min(packets_lost + excluded.packets_lost, 9007199254740992),
                fps_sum = fps_sum + excluded.fps_sum,
                fps_count = min(fps_count + excluded.fps_count, 9007199254740992),
                freeze_count = min(freeze_count + excluded.freeze_count, 9007199254740992),
                bitrate_sum_kbps = bitrate_sum_kbps + excluded.bitrate_sum_kbps,
                bitrate_count = min(bitrate_count + excluded.bitrate_count, 9007199254740992),
                sent_packets_expected = min(sent_packets_expected + excluded.sent_packets_expected, 9007199254740992),
                sent_packets_lost = min(sent_packets_lost + excluded.sent_packets_lost, 9007199254740992)
            """)
        for s in slices {
            let f = s.figures
            try statement.execute(arguments: [
                s.sessionId, s.participantId, s.kind.rawValue, s.startMs, f.samples, f.jitterSumMs, f.jitterCount,
                f.rttSumMs, f.rttCount, f.packetsExpected, f.packetsLost, f.fpsSum, f.fpsCount, f.freezeCount,
                f.bitrateSumKbps, f.bitrateCount, f.sentPacketsExpected, f.sentPacketsLost,
            ])
        }
    }

    static func appendEvents(_ events: [TimelineEvent], _ db: Database) throws {
        guard !events.isEmpty else { return }
        let statement = try db.cachedStatement(
            sql: "INSERT INTO event (session_id, participant_id, ts_ms, name, data) VALUES (?, ?, ?, ?, ?)")
        for e in events {
            try statement.execute(arguments: [e.sessionId, e.participantId, e.tsMs, e.name, e.dataJSON])
        }
    }

    static func appendErrors(_ errors: [SessionError], _ db: Database) throws {
        guard !errors.isEmpty else { return }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO error (session_id, participant_id, ts_ms, code, message, severity, source, data)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for e in errors {
            try statement.execute(arguments: [e.sessionId, e.participantId, e.tsMs, e.code, e.message,
                                              e.severity.rawValue, e.source.rawValue, e.dataJSON])
        }
    }

    /// A plain INSERT: a file already imported breaks the primary key and fails the batch.
    static func insertImportedFiles(_ files: [ImportedFile], _ db: Database) throws {
        for f in files {
            try db.execute(sql: """
                INSERT INTO imported_file (project_id, content_sha256, session_id, meeting_id, participant_id, file_name,
                                           format, imported_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [f.projectId, f.contentSHA256, f.sessionId, f.meetingId, f.participantId, f.fileName, f.format,
                                 f.importedMs])
        }
    }
}

extension SQLiteStore {
    public func importedFile(projectId: String, contentSHA256: String) async throws -> ImportedFile? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM imported_file WHERE project_id = ? AND content_sha256 = ?",
                             arguments: [projectId, contentSHA256]).map(Self.importedFile)
        }
    }

    public func importedFiles(sessionId: String) async throws -> [ImportedFile] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM imported_file WHERE session_id = ? ORDER BY imported_ms, file_name",
                             arguments: [sessionId]).map(Self.importedFile)
        }
    }

    static func importedFile(_ row: Row) -> ImportedFile {
        ImportedFile(projectId: row["project_id"], contentSHA256: row["content_sha256"], sessionId: row["session_id"],
                     meetingId: row["meeting_id"], participantId: row["participant_id"], fileName: row["file_name"],
                     format: row["format"], importedMs: row["imported_ms"])
    }

    public func importedSessionId(projectId: String, meetingId: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: """
                SELECT session_id FROM imported_file WHERE project_id = ? AND meeting_id = ?
                ORDER BY imported_ms DESC, session_id DESC LIMIT 1
                """, arguments: [projectId, meetingId])
        }
    }
}
