import CallscopeStore

/// One writer for all shards: batches handed in while a transaction is being written are merged
/// into the next one. SQLite has a single writer and every commit pays an fsync, so one large
/// transaction beats one per shard. A failed transaction fails every batch that was in it.
actor BatchCommitter {
    let store: any IngestStore
    private var queued: [(batch: IngestBatch, waiter: CheckedContinuation<Void, any Error>)] = []
    private var writing = false

    init(store: any IngestStore) {
        self.store = store
    }

    /// Returns once `batch` is durable (with whatever else was queued beside it).
    func write(_ batch: IngestBatch) async throws {
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            queued.append((batch, waiter))
            if !writing {
                writing = true
                Task { await drain() }
            }
        }
    }

    private func drain() async {
        while !queued.isEmpty {
            let items = queued
            queued = []
            var merged = items[0].batch
            for item in items.dropFirst() { merged.append(item.batch) }
            do {
                try await store.write(merged)
                for item in items { item.waiter.resume() }
            } catch {
                for item in items { item.waiter.resume(throwing: error) }
            }
        }
        writing = false
    }
}
