import CallscopeStore
import Synchronization

/// Tells open dashboard pages that something they show has changed. Ingest commits call
/// ``notice(_:)`` (from the shards' actors: it only takes a lock and yields); each page holds a
/// subscription to one session, or to the sessions list, and reloads its live regions when told.
final class LiveHub: Sendable {
    /// `nil`: the sessions list (any session).
    typealias Topic = String?

    private struct Subscriber: Sendable {
        let topic: Topic
        let continuation: AsyncStream<Void>.Continuation
    }

    private let subscribers = Mutex<[Int: Subscriber]>([:])
    private let nextID = Atomic<Int>(0)

    /// A stream that yields whenever `topic` changes; buffering keeps only the newest signal, so
    /// a slow page never queues a backlog.
    func subscribe(_ topic: Topic) -> (id: Int, changes: AsyncStream<Void>) {
        let (changes, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = nextID.add(1, ordering: .relaxed).newValue
        subscribers.withLock { $0[id] = Subscriber(topic: topic, continuation: continuation) }
        return (id, changes)
    }

    func unsubscribe(_ id: Int) {
        subscribers.withLock { $0.removeValue(forKey: id) }?.continuation.finish()
    }

    var count: Int { subscribers.withLock { $0.count } }

    func notice(_ batch: IngestBatch) {
        var touched = Set<String>()
        touched.formUnion(batch.sessions.map(\.id))
        touched.formUnion(batch.participants.map(\.sessionId))
        touched.formUnion(batch.samples.map(\.sessionId))
        touched.formUnion(batch.events.map(\.sessionId))
        touched.formUnion(batch.errors.map(\.sessionId))
        touched.formUnion(batch.services.map(\.sessionId))
        guard !touched.isEmpty else { return }
        let listChanged = !batch.sessions.isEmpty || !batch.participants.isEmpty || !batch.errors.isEmpty
        subscribers.withLock { all in
            for subscriber in all.values {
                if let topic = subscriber.topic {
                    if touched.contains(topic) { subscriber.continuation.yield() }
                } else if listChanged {
                    subscriber.continuation.yield()
                }
            }
        }
    }
}
