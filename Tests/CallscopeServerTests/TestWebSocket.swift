import CallscopeCore
import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging

/// A WebSocket client driven from a test: `send` frames, `next` parsed frames (buffered, in order),
/// and how the server closed it.
actor TestWebSocket {
    private var received: [JSONValue] = []
    private(set) var isFinished = false
    private(set) var closeCode: Int?
    private let outgoing: AsyncStream<String?>.Continuation
    private var task: Task<Void, any Error>?

    private init(outgoing: AsyncStream<String?>.Continuation) {
        self.outgoing = outgoing
    }

    /// Connects and waits until the upgrade succeeded (or throws when it failed).
    static func connect(url: String, headers: HTTPFields = [:]) async throws -> TestWebSocket {
        let (frames, outgoing) = AsyncStream<String?>.makeStream()
        let client = TestWebSocket(outgoing: outgoing)
        let (upgraded, upgradedContinuation) = AsyncStream<Bool>.makeStream()
        let task = Task {
            defer { upgradedContinuation.finish() }
            do {
                let closeFrame = try await WebSocketClient.connect(
                    url: url, configuration: .init(additionalHeaders: headers), logger: Logger(label: "test-websocket")
                ) { inbound, outbound, _ in
                    upgradedContinuation.yield(true)
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for await frame in frames {
                                guard let frame else {
                                    try await outbound.close(.normalClosure, reason: nil)
                                    return
                                }
                                try await outbound.write(.text(frame))
                            }
                        }
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            if case .text(let text) = message { await client.receive(try JSONValue.parse(text)) }
                        }
                        group.cancelAll()
                    }
                }
                await client.finish(code: closeFrame.map { Int(UInt16(webSocketErrorCode: $0.closeCode)) })
            } catch {
                await client.finish(code: nil)
                throw error
            }
        }
        await client.setTask(task)
        for await _ in upgraded { return client }
        _ = try await task.value
        throw CancellationError()
    }

    func send(_ text: String) { outgoing.yield(text) }

    /// Closes normally and waits for the connection to end.
    func close() async throws {
        outgoing.yield(nil)
        _ = try? await task?.value
    }

    /// The next frame; `nil` once the connection has ended. Fails after 5 s.
    func next() async throws -> JSONValue? {
        try await nextWithin(.seconds(5), required: true)
    }

    /// The next frame if one arrives within `limit`; `nil` when none does or the connection ended.
    func nextWithin(_ limit: Duration, required: Bool = false) async throws -> JSONValue? {
        let deadline = ContinuousClock.now + limit
        while received.isEmpty && !isFinished {
            guard ContinuousClock.now < deadline else {
                if required { throw TimeoutError() }
                return nil
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return received.isEmpty ? nil : received.removeFirst()
    }

    /// The server's close code once the connection has ended, waiting up to `limit` for the end;
    /// `nil` when it has not ended by then. On a loaded machine the close handshake of a socket
    /// the server closes right after the upgrade can take until the server's close timeout (15 s).
    func closeCode(within limit: Duration) async throws -> Int? {
        let deadline = ContinuousClock.now + limit
        while !isFinished, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        return isFinished ? closeCode : nil
    }

    private func receive(_ value: JSONValue) {
        received.append(value)
    }

    private func finish(code: Int?) {
        isFinished = true
        closeCode = code
        outgoing.finish()
    }

    private func setTask(_ task: Task<Void, any Error>) { self.task = task }

    struct TimeoutError: Error {}
}
