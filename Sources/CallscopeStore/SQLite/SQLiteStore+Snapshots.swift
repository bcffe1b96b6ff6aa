import CallscopeCore
import GRDB

/// Peer-connection snapshots: written at a graceful shutdown, taken once at the next start.
extension SQLiteStore {
    /// Replaces any snapshot of the same peer connection.
    public func savePeerConnectionSnapshots(_ snapshots: [PeerConnectionSnapshot]) async throws {
        guard !snapshots.isEmpty else { return }
        try await pool.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO pc_snapshot (session_id, participant_id, pc_id, report) VALUES (?, ?, ?, ?)
                ON CONFLICT (session_id, participant_id, pc_id) DO UPDATE SET report = excluded.report
                """)
            for s in snapshots {
                try statement.execute(arguments: [s.sessionId, s.participantId, s.pcId, s.reportJSON])
            }
        }
    }

    /// Reads and deletes in one transaction, so two callers never both get a snapshot.
    public func takePeerConnectionSnapshots() async throws -> [PeerConnectionSnapshot] {
        try await pool.write { db in
            let snapshots = try Row.fetchAll(
                db, sql: "SELECT * FROM pc_snapshot ORDER BY session_id, participant_id, pc_id"
            ).map {
                PeerConnectionSnapshot(sessionId: $0["session_id"], participantId: $0["participant_id"],
                                       pcId: $0["pc_id"], reportJSON: $0["report"])
            }
            try db.execute(sql: "DELETE FROM pc_snapshot")
            return snapshots
        }
    }
}
