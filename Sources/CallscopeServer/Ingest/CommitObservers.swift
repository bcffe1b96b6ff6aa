import CallscopeStore
import Synchronization

/// Who wants to hear about committed batches (the live hub, metrics). Shards call it after each
/// successful commit, from their own actors, so the list is behind a lock.
final class CommitObservers: Sendable {
    private let observers = Mutex<[@Sendable (IngestBatch) -> Void]>([])

    func add(_ observer: @escaping @Sendable (IngestBatch) -> Void) {
        observers.withLock { $0.append(observer) }
    }

    func notify(_ batch: IngestBatch) {
        for observer in observers.withLock({ $0 }) { observer(batch) }
    }
}
