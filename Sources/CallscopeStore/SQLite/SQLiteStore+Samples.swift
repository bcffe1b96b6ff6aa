import CallscopeCore
import GRDB

/// Reading streams and their samples back for the session-stats graphs.
extension SQLiteStore {
    public func streams(sessionId: String) async throws -> [StreamInfo] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM stream WHERE session_id = ? ORDER BY id", arguments: [sessionId])
                .map(Self.streamInfo)
        }
    }

    public func stream(id: Int64) async throws -> StreamInfo? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM stream WHERE id = ?", arguments: [id]).map(Self.streamInfo)
        }
    }

    /// Reads only the chunks that can overlap the window: those that start before `toMs` and
    /// started after `fromMs − SampleChunkPolicy.maxSpanMs` (a range of the `(stream_id,
    /// start_ms)` index) and end at or after `fromMs`; then keeps the samples inside it.
    public func samples(streamId: Int64, side: StreamSide?, fromMs: Int64?, toMs: Int64?) async throws
        -> [StreamSample]
    {
        let from = fromMs ?? .min
        let to = toMs ?? .max
        guard from < to else { return [] }
        let (earliestStart, overflow) = from.subtractingReportingOverflow(SampleChunkPolicy.maxSpanMs)
        var sql = """
            SELECT side, start_ms, data FROM sample_chunk
            WHERE stream_id = ? AND start_ms > ? AND start_ms < ? AND end_ms >= ?
            """
        var arguments: StatementArguments = [streamId, overflow ? Int64.min : earliestStart, to, from]
        if let side {
            sql += " AND side = ?"
            _ = arguments.append(contentsOf: [Self.sideColumn(side)])
        }
        sql += " ORDER BY start_ms, id"
        let finalSQL = sql
        let finalArguments = arguments
        return try await pool.read { db in
            var out: [StreamSample] = []
            let rows = try Row.fetchCursor(db, sql: finalSQL, arguments: finalArguments)
            while let row = try rows.next() {
                let chunkSide = try Self.side(column: row[0])
                let startMs: Int64 = row[1]
                // Borrow the blob's bytes in place rather than copying them into a Data.
                try row.withUnsafeData(atIndex: 2) { data in
                    guard let data else { return }
                    try data.withUnsafeBytes { bytes in
                        try SampleChunkCodec.decode(bytes, startMs: startMs, side: chunkSide, fromMs: from, toMs: to,
                                                    into: &out)
                    }
                }
            }
            // Chunks are in start order, but chunks of two sides (or a chunk started by a late
            // sample) can interleave.
            if !Self.isSortedByTime(out) {
                out.sort { ($0.tsMs, $0.side == .sender ? 0 : 1) < ($1.tsMs, $1.side == .sender ? 0 : 1) }
            }
            return out
        }
    }

    static func isSortedByTime(_ samples: [StreamSample]) -> Bool {
        for i in samples.indices.dropFirst() where samples[i].tsMs < samples[i - 1].tsMs { return false }
        return true
    }
}
