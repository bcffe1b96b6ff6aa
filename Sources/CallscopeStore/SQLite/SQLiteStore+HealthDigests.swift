import CallscopeCore
import GRDB

extension SQLiteStore {
    /// Walks the sessions' slices with a cursor and positional columns, in key order, into one
    /// ``HealthDigest`` per session: a 50-participant, one-hour session has ~70k slices, too many
    /// to decode into values for every page view, and a list page asks for 50 sessions at once.
    public func healthDigests(sessionIds: [String], limits: HealthThresholds, sliceMs: Int64) async throws -> [String: HealthDigest] {
        guard !sessionIds.isEmpty else { return [:] }
        let ids = Array(Set(sessionIds))
        return try await pool.read { db in
            var digests: [String: HealthDigest] = [:]
            // SQLite allows 32,766 bound parameters; a list page binds at most a few hundred.
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT session_id, participant_id, kind, start_ms, samples, jitter_sum_ms, jitter_count,
                           rtt_sum_ms, rtt_count, packets_expected, packets_lost, fps_sum, fps_count, freeze_count,
                           sent_packets_expected, sent_packets_lost
                    FROM health_slice WHERE session_id IN (\(marks))
                    ORDER BY session_id, participant_id, kind, start_ms
                    """, arguments: StatementArguments(chunk))
                var sessionId = ""
                var digest = HealthDigest(limits: limits, sliceMs: sliceMs)
                var kindText = ""
                var kind = MediaKind.audio
                while let row = try rows.next() {
                    let session: String = row[0]
                    if session != sessionId {
                        if !sessionId.isEmpty { digests[sessionId] = digest }
                        sessionId = session
                        digest = HealthDigest(limits: limits, sliceMs: sliceMs)
                    }
                    let k: String = row[2]
                    if k != kindText {
                        kindText = k
                        kind = try Self.parse(MediaKind.self, k, "health_slice", "kind")
                    }
                    var f = HealthAccumulator()
                    f.samples = row[4]
                    f.jitterSumMs = row[5]
                    f.jitterCount = row[6]
                    f.rttSumMs = row[7]
                    f.rttCount = row[8]
                    f.packetsExpected = row[9]
                    f.packetsLost = row[10]
                    f.fpsSum = row[11]
                    f.fpsCount = row[12]
                    f.freezeCount = row[13]
                    f.sentPacketsExpected = row[14]
                    f.sentPacketsLost = row[15]
                    digest.add(participantId: row[1], kind: kind, startMs: row[3], figures: f)
                }
                if !sessionId.isEmpty { digests[sessionId] = digest }
            }
            return digests
        }
    }
}
