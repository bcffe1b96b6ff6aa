import CallscopeCore
import HummingbirdWSClient
import Logging
import Synchronization

/// One WebSocket connection to `/ingest/v1/ws` that sends frames with at most `window` frames
/// awaiting their answer, and counts the answers.
struct IngestConnection {
    struct Outcome: Sendable {
        var framesSent = 0
        var acked = 0
        var errors: [String] = []
    }

    let url: String
    let window: Int
    let logger: Logger

    /// Sends every frame of `frames` (until the stream finishes) and waits for every answer.
    func run(frames: AsyncStream<String>) async throws -> Outcome {
        let outcome = OutcomeBox()
        try await WebSocketClient.connect(
            url: url, configuration: .init(maxFrameSize: 1 << 24), logger: logger
        ) { inbound, outbound, _ in
            // Each answer gives back one credit; the writer spends one per frame. When the writer
            // has sent everything and holds `window` credits again, every frame is answered.
            let (credits, creditGiver) = AsyncStream<Void>.makeStream()
            for _ in 0..<window { creditGiver.yield() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await message in inbound.messages(maxSize: 1 << 24) {
                        if case .text(let text) = message {
                            let isAck = (try? JSONValue.parse(text))?["type"]?.string == "ack"
                            outcome.state.withLock {
                                if isAck { $0.acked += 1 } else if $0.errors.count < 20 { $0.errors.append(text) }
                            }
                        }
                        creditGiver.yield()
                    }
                }
                var creditIterator = credits.makeAsyncIterator()
                for await frame in frames {
                    _ = await creditIterator.next()
                    try await outbound.write(.text(frame))
                    outcome.state.withLock { $0.framesSent += 1 }
                }
                for _ in 0..<window { _ = await creditIterator.next() }
                group.cancelAll()
            }
            try? await outbound.close(.normalClosure, reason: nil)
        }
        return outcome.state.withLock { $0 }
    }
}

/// What both halves of a connection count into.
private final class OutcomeBox: Sendable {
    let state = Mutex(IngestConnection.Outcome())
}
