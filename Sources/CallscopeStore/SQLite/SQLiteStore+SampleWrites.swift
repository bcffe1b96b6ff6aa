import CallscopeCore
import Foundation
import GRDB

/// Appending a batch's samples to their streams' chunks: the hot path of ingest.
///
/// A batch's samples are grouped by stream, then by side. Each stream costs one statement for its
/// row (id, time span, sample counts: an `UPDATE` by id when the id is cached, else an upsert that
/// returns it), and each stream side one statement for its samples: an `UPDATE` that concatenates
/// the encoded samples to the open chunk's data, or an `INSERT` of a new chunk when the open one
/// is full (``SampleChunkPolicy``), unknown (after a restart) or was changed by someone else.
/// Samples of one stream side are sorted by time within the batch; one older than the open chunk's
/// last sample starts a new chunk.
extension SQLiteStore {
    typealias StreamRef = SampleWriteCache.StreamRef
    typealias ChunkRef = SampleWriteCache.ChunkRef
    typealias OpenChunk = SampleWriteCache.OpenChunk

    /// Writes the samples and returns the cache entries to apply once the transaction commits.
    func appendSamples(_ samples: [KeyedSample], _ db: Database) throws -> SampleWriteCache.Changes {
        var changes = SampleWriteCache.Changes()
        guard !samples.isEmpty else { return changes }
        changes.openChunks.reserveCapacity(samples.count)

        // Streams in order of first appearance, so that new streams get ids in batch order.
        var groupIndex: [StreamRef: Int] = [:]
        groupIndex.reserveCapacity(samples.count)
        var groups: [(ref: StreamRef, samples: [StreamSample])] = []
        groups.reserveCapacity(samples.count)
        for keyed in samples {
            let ref = StreamRef(sessionId: keyed.sessionId, key: keyed.key)
            if let i = groupIndex[ref] {
                groups[i].samples.append(keyed.sample)
            } else {
                groupIndex[ref] = groups.count
                groups.append((ref, [keyed.sample]))
            }
        }

        for group in groups {
            var sender: [StreamSample] = []
            var receiver: [StreamSample] = []
            var firstMs = Int64.max
            var lastMs = Int64.min
            for sample in group.samples {
                firstMs = min(firstMs, sample.tsMs)
                lastMs = max(lastMs, sample.tsMs)
                if sample.side == .sender { sender.append(sample) } else { receiver.append(sample) }
            }
            let streamId = try resolveStream(group.ref, firstMs: firstMs, lastMs: lastMs,
                                             senderSamples: sender.count, receiverSamples: receiver.count,
                                             db, &changes)
            if !sender.isEmpty {
                try appendToChunks(ChunkRef(streamId: streamId, side: .sender), sortedByTime(sender), db, &changes)
            }
            if !receiver.isEmpty {
                try appendToChunks(ChunkRef(streamId: streamId, side: .receiver), sortedByTime(receiver), db, &changes)
            }
        }
        return changes
    }

    /// The stream's id, after adding the batch's span and counts to its row (creating it if new).
    private func resolveStream(_ ref: StreamRef, firstMs: Int64, lastMs: Int64, senderSamples: Int,
                               receiverSamples: Int, _ db: Database,
                               _ changes: inout SampleWriteCache.Changes) throws -> Int64 {
        if let cached = writeCache.withLock({ $0.streamId(ref) }) {
            let update = try db.cachedStatement(sql: """
                UPDATE stream SET first_ms = min(first_ms, ?), last_ms = max(last_ms, ?),
                    sender_samples = sender_samples + ?, receiver_samples = receiver_samples + ?
                WHERE id = ?
                """)
            update.setUncheckedArguments([firstMs, lastMs, senderSamples, receiverSamples, cached])
            try update.execute()
            if db.changesCount == 1 { return cached }
            // Deleted since (retention): create it again below.
        }
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO stream (session_id, sender_id, receiver_id, kind, first_ms, last_ms,
                                sender_samples, receiver_samples)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (session_id, sender_id, receiver_id, kind) DO UPDATE SET
                first_ms = min(first_ms, excluded.first_ms), last_ms = max(last_ms, excluded.last_ms),
                sender_samples = sender_samples + excluded.sender_samples,
                receiver_samples = receiver_samples + excluded.receiver_samples
            RETURNING id
            """)
        upsert.setUncheckedArguments([ref.sessionId, ref.key.senderId, ref.key.receiverId ?? "", ref.key.kind.rawValue,
                                      firstMs, lastMs, senderSamples, receiverSamples])
        guard let id = try Int64.fetchOne(upsert) else {
            throw DatabaseError(resultCode: .SQLITE_ERROR, message: "stream upsert returned no id")
        }
        changes.streamIds[ref] = id
        return id
    }

    /// Appends one stream side's samples (sorted by time) to its open chunk and new chunks.
    private func appendToChunks(_ ref: ChunkRef, _ samples: [StreamSample], _ db: Database,
                                _ changes: inout SampleWriteCache.Changes) throws {
        var open = writeCache.withLock { $0.openChunk(ref) }
        var rest = samples[...]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(rest.count, SampleChunkPolicy.maxSamples) * 32)
        while !rest.isEmpty {
            bytes.removeAll(keepingCapacity: true)
            if let current = open {
                var encoder = current.encoder
                let taken = try encoder.encodePrefix(of: rest, into: &bytes)
                if taken > 0 {
                    let append = try db.cachedStatement(sql: """
                        UPDATE sample_chunk SET data = CAST(data || ? AS BLOB), end_ms = ?, count = ?
                        WHERE id = ? AND count = ?
                        """)
                    append.setUncheckedArguments([Data(bytes), encoder.lastTsMs, encoder.count, current.id,
                                                  current.encoder.count])
                    try append.execute()
                    if db.changesCount == 1 {
                        open = OpenChunk(id: current.id, encoder: encoder)
                        rest = rest.dropFirst(taken)
                        continue
                    }
                    // Deleted, or appended to by another writer: our encoder state is stale.
                    bytes.removeAll(keepingCapacity: true)
                }
            }
            var encoder = SampleChunkCodec.Encoder(startMs: rest[rest.startIndex].tsMs)
            let taken = try encoder.encodePrefix(of: rest, into: &bytes)
            let insert = try db.cachedStatement(sql: """
                INSERT INTO sample_chunk (stream_id, side, start_ms, end_ms, count, data) VALUES (?, ?, ?, ?, ?, ?)
                """)
            insert.setUncheckedArguments([ref.streamId, Self.sideColumn(ref.side), encoder.startMs, encoder.lastTsMs,
                                          encoder.count, Data(bytes)])
            try insert.execute()
            open = OpenChunk(id: db.lastInsertedRowID, encoder: encoder)
            rest = rest.dropFirst(taken)
        }
        changes.openChunks[ref] = open
    }

    private func sortedByTime(_ samples: [StreamSample]) -> [StreamSample] {
        Self.isSortedByTime(samples) ? samples : samples.sorted { $0.tsMs < $1.tsMs }
    }
}
