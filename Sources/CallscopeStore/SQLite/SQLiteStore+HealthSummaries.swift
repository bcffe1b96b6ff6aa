import CallscopeCore
import GRDB

extension SQLiteStore {
    /// Walks the session's slices with a cursor and positional columns, classifying each with the
    /// one rule there is (`HealthAccumulator.colour`) and keeping only counts: a 50-participant,
    /// one-hour session has ~70k slices, too many to decode into values for every page view.
    public func healthSummaries(sessionId: String, limits: HealthThresholds) async throws -> [String: [HealthSummary]] {
        try await pool.read { db in
            var counts: [String: [MediaKind: [HealthColour: Int]]] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT participant_id, kind, samples, jitter_sum_ms, jitter_count, rtt_sum_ms, rtt_count,
                       packets_expected, packets_lost, fps_sum, fps_count, freeze_count
                FROM health_slice WHERE session_id = ? ORDER BY participant_id, kind
                """, arguments: [sessionId])
            var kindText = ""
            var kind = MediaKind.audio
            while let row = try rows.next() {
                let participant: String = row[0]
                let k: String = row[1]
                if k != kindText {
                    kindText = k
                    kind = try Self.parse(MediaKind.self, k, "health_slice", "kind")
                }
                var f = HealthAccumulator()
                f.samples = row[2]
                f.jitterSumMs = row[3]
                f.jitterCount = row[4]
                f.rttSumMs = row[5]
                f.rttCount = row[6]
                f.packetsExpected = row[7]
                f.packetsLost = row[8]
                f.fpsSum = row[9]
                f.fpsCount = row[10]
                f.freezeCount = row[11]
                guard let colour = f.colour(limits) else { continue }
                counts[participant, default: [:]][kind, default: [:]][colour, default: 0] += 1
            }
            return counts.mapValues { HealthSummary.summaries(counts: $0) }
        }
    }
}
