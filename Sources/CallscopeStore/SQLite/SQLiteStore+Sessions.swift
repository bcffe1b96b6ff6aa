import CallscopeCore
import GRDB

/// The sessions list and everything one session's pages read.
extension SQLiteStore {
    /// The page and the total come from one read transaction, so they agree even while ingest
    /// writes. A blank `participant` filter is no filter.
    public func sessions(_ query: SessionQuery) async throws -> SessionPage {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let projectId = query.projectId {
            conditions.append("project_id = ?")
            arguments += [projectId]
        }
        if let meetingId = query.meetingId {
            conditions.append("meeting_id = ?")
            arguments += [meetingId]
        }
        if let status = query.status {
            conditions.append("status = ?")
            arguments += [status.rawValue]
        }
        // Running at some time in [fromMs, toMs): started before its end, not ended before its start.
        if let toMs = query.toMs {
            conditions.append("start_ms < ?")
            arguments += [toMs]
        }
        if let fromMs = query.fromMs {
            conditions.append("(end_ms IS NULL OR end_ms >= ?)")
            arguments += [fromMs]
        }
        if let participant = query.participant, !participant.allSatisfy(\.isWhitespace) {
            conditions.append("""
                EXISTS (SELECT 1 FROM participant p WHERE p.session_id = session.id
                        AND (p.participant_id = ? OR instr(p.name_folded, ?) > 0))
                """)
            arguments += [participant, participant.lowercased()]
        }
        if let hasErrors = query.hasErrors {
            conditions.append(hasErrors ? "error_count > 0" : "error_count = 0")
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let countSQL = "SELECT count(*) FROM session \(whereClause)"
        let pageSQL = """
            SELECT session.*,
                   (SELECT count(*) FROM participant p WHERE p.session_id = session.id) AS unique_participants
            FROM session \(whereClause)
            ORDER BY \(Self.orderBy(query.sort)), id DESC
            LIMIT ? OFFSET ?
            """
        let filterArguments = arguments
        let pageArguments = arguments + (query.sort == .longest ? [query.nowMs] : [])
            + [max(0, query.limit), max(0, query.offset)]
        return try await pool.read { db in
            let total = try Int.fetchOne(db, sql: countSQL, arguments: filterArguments) ?? 0
            let summaries = try Row.fetchAll(db, sql: pageSQL, arguments: pageArguments).map {
                SessionSummary(session: try Self.session($0), uniqueParticipants: $0["unique_participants"])
            }
            return SessionPage(sessions: summaries, total: total)
        }
    }

    /// Every order ends with the newest first, so pages never shuffle rows of equal keys.
    static func orderBy(_ sort: SessionSort) -> String {
        switch sort {
        case .newest: "start_ms DESC"
        case .oldest: "start_ms ASC"
        case .longest: "(COALESCE(end_ms, ?) - start_ms) DESC, start_ms DESC"
        case .participants: "unique_participants DESC, start_ms DESC"
        case .errors: "error_count DESC, start_ms DESC"
        }
    }

    public func session(id: String) async throws -> Session? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM session WHERE id = ?", arguments: [id]).map(Self.session)
        }
    }

    /// In order of first join.
    public func participants(sessionId: String) async throws -> [Participant] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM participant WHERE session_id = ? ORDER BY first_joined_ms, participant_id",
                arguments: [sessionId]
            ).map(Self.participant)
        }
    }

    public func services(sessionId: String) async throws -> [ServiceUse] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM service_use WHERE session_id = ? ORDER BY started_ms, service",
                arguments: [sessionId]
            ).map(Self.service)
        }
    }

    /// Ordered by participant, kind and start time: each (participant, kind) is one health bar.
    public func healthSlices(sessionId: String, participantId: String?) async throws -> [HealthSlice] {
        var sql = "SELECT * FROM health_slice WHERE session_id = ?"
        var arguments: StatementArguments = [sessionId]
        if let participantId {
            sql += " AND participant_id = ?"
            arguments += [participantId]
        }
        sql += " ORDER BY participant_id, kind, start_ms"
        let finalSQL = sql
        let finalArguments = arguments
        return try await pool.read { db in
            try Row.fetchAll(db, sql: finalSQL, arguments: finalArguments).map(Self.healthSlice)
        }
    }

    /// Oldest first; events of the same time in the order they were written. With a participant,
    /// only that participant's events (not the session-wide ones).
    public func events(sessionId: String, participantId: String?) async throws -> [TimelineEvent] {
        var sql = "SELECT * FROM event WHERE session_id = ?"
        var arguments: StatementArguments = [sessionId]
        if let participantId {
            sql += " AND participant_id = ?"
            arguments += [participantId]
        }
        sql += " ORDER BY ts_ms, id"
        let finalSQL = sql
        let finalArguments = arguments
        return try await pool.read { db in
            try Row.fetchAll(db, sql: finalSQL, arguments: finalArguments).map(Self.event)
        }
    }

    /// Oldest first, in the order they were written within the same time.
    public func errors(sessionId: String) async throws -> [SessionError] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM error WHERE session_id = ? ORDER BY ts_ms, id",
                             arguments: [sessionId]).map(Self.error)
        }
    }
}
