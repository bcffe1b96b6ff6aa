import CallscopeCore
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOWebSocket
import Synchronization

/// `GET /demo/signal?meetingId=M&participantId=P`: the WebSocket signalling relay of the demo
/// call (`/demo`). JSON text frames:
///
/// - on connect the newcomer gets `{"type":"peers","peers":[ids]}`, the others
///   `{"type":"joined","from":P}` (with `"resumed":true` when the URL has `resume=1`: a page
///   reconnecting its signalling mid-call, whose peer connections are still up);
/// - a frame `{"to":X,…}` from P reaches X with `"from":P` added (frames to unknown peers, frames
///   that are not such an object, and binary frames are dropped);
/// - a frame over 64 KiB closes the connection (code 1009);
/// - on disconnect the others get `{"type":"left","from":P}`;
/// - a second connection of P replaces the first, which is closed (code 1008), only when it
///   brings `token=T`, the token the first got in its `peers` frame (a reload or reconnect of the
///   same tab); without it the newcomer is closed with 4403 and nobody's ID is taken over;
/// - a socket whose queue of outgoing frames fills up (it does not read) is closed (1008) and
///   leaves the room; a relay at its most rooms or sockets closes newcomers with 4503.
///
/// Bad IDs (``IngestID``'s rules: 1–128 bytes, no control characters) are refused before the upgrade: the
/// handshake fails (the WebSocket upgrade path answers every refusal with a bare 400, whatever the
/// route throws). A full room (16 participants) is told after the upgrade, so that a browser can
/// see why: the socket is closed with code 4409 and the reason "the meeting is full".
struct DemoController: Sendable {
    static let maxFrameBytes = 64 * 1024
    /// The close code of a connection to a full room (4000–4999 are the application's; 4409 for HTTP's 409).
    static let roomFullCloseCode = 4409
    /// The participant ID is connected already, and this connection did not bring its token.
    static let participantTakenCloseCode = 4403
    /// The relay holds its most rooms or sockets.
    static let relayBusyCloseCode = 4503

    let relay: DemoSignalRelay
    /// Frames queued for one socket before it counts as not reading and is closed.
    let maxQueuedFrames: Int

    init(relay: DemoSignalRelay = DemoSignalRelay(), maxQueuedFrames: Int = 256) {
        self.relay = relay
        self.maxQueuedFrames = maxQueuedFrames
    }

    func addWebSocketRoutes(to router: Router<AppRequestContext>) {
        router.ws("/demo/signal") { request, _ in
            _ = try Self.ids(of: request)
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let ids = try Self.ids(of: context.request)
            try await serve(inbound: inbound, outbound: outbound, meetingId: ids.meetingId,
                            participantId: ids.participantId, token: context.request.uri.queryParameters.get("token"),
                            resumed: context.request.uri.queryParameters.get("resume") == "1", logger: context.logger)
        }
    }

    private func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
                       meetingId: String, participantId: String, token: String?, resumed: Bool,
                       logger: Logger) async throws {
        let (frames, queue) = AsyncStream<DemoSignalRelay.Outgoing>.makeStream(
            bufferingPolicy: .bufferingOldest(max(16, maxQueuedFrames)))
        let connection: UInt64
        switch await relay.join(meetingId: meetingId, participantId: participantId, token: token,
                                resumed: resumed, queue: queue) {
        case .joined(let joined, _):
            connection = joined
        case .full:
            try await outbound.close(.init(codeNumber: Self.roomFullCloseCode),
                                     reason: "the meeting is full (\(DemoSignalRelay.maxParticipants) participants)")
            return
        case .taken:
            try await outbound.close(.init(codeNumber: Self.participantTakenCloseCode),
                                     reason: "this participant ID is already in the meeting")
            return
        case .busy:
            try await outbound.close(.init(codeNumber: Self.relayBusyCloseCode), reason: "the demo relay is busy")
            return
        }
        // Each side says which it is when it ends: the reader ending lets the writer drain its
        // queue (a close frame may be in it); the writer ending (replaced, or not reading) stops the reader.
        let readerEnded = ReaderEnded()
        let readFailure = await withTaskGroup(of: (reader: Bool, failure: (any Error)?).self,
                                              returning: (any Error)?.self) { group in
            group.addTask {
                // The only writer of this socket, so frames go out in the order they were queued.
                // Its queue ends when the connection leaves, is replaced, or stops reading (the
                // relay drops a member whose queue is full); then the reader is stopped too.
                do {
                    for await frame in frames {
                        switch frame {
                        case .text(let text):
                            try await outbound.write(.text(text))
                        case .close(let code, let reason):
                            try await outbound.close(code, reason: reason)
                            return (false, nil)
                        }
                    }
                    if !Task.isCancelled && !readerEnded.value.load(ordering: .acquiring) {
                        try await outbound.close(.policyViolation, reason: "too many frames waiting: the socket is not read")
                    }
                } catch {
                    logger.debug("demo signal: write failed", metadata: ["error": "\(error)"])
                }
                return (false, nil)
            }
            group.addTask {
                do {
                    for try await message in inbound.messages(maxSize: Self.maxFrameBytes) {
                        guard case .text(let text) = message else { continue }
                        guard text.utf8.count <= Self.maxFrameBytes else {
                            queue.yield(.close(.messageTooLarge, reason: "frames are limited to 64 KiB"))
                            break
                        }
                        guard case .object(let members)? = try? JSONValue.parse(text) else { continue }
                        await relay.relay(members, meetingId: meetingId, participantId: participantId, connection: connection)
                    }
                    return (true, nil)
                } catch {
                    return (true, error)   // e.g. a fragmented message over the limit: the socket closes with 1009
                }
            }
            var failure: (any Error)?
            if let first = await group.next() {
                failure = first.failure
                if first.reader { readerEnded.value.store(true, ordering: .releasing) } else { group.cancelAll() }
            }
            await relay.leave(meetingId: meetingId, participantId: participantId, connection: connection)
            queue.finish()
            while let next = await group.next() { failure = failure ?? next.failure }
            return failure
        }
        if let readFailure { throw readFailure }
    }

    /// The validated `meetingId` and `participantId` query parameters.
    static func ids(of request: Request) throws -> (meetingId: String, participantId: String) {
        let query = request.uri.queryParameters
        return (try validID(query.get("meetingId"), field: "meetingId"),
                try validID(query.get("participantId"), field: "participantId"))
    }

    static func validID(_ value: String?, field: String) throws -> String {
        do {
            let id = value ?? ""
            try IngestID.validate(id, name: field, field: field)
            return id
        } catch {
            throw APIError.badRequest(error.message, field: field)
        }
    }
}

/// Set when a demo socket's reader has ended, so that its writer, draining what is left, does not
/// take the end of its queue for a reader that stopped reading.
private final class ReaderEnded: Sendable {
    let value = Atomic<Bool>(false)
}
