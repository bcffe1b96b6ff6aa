import GRDB

extension SQLiteStore {
    /// Bytes of encoded samples in sample chunks (payload only, without row and index overhead):
    /// what the sample codec alone costs, for `callscope bench`.
    public func sampleChunkPayloadBytes() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(length(data)), 0) FROM sample_chunk") ?? 0 }
    }
}
