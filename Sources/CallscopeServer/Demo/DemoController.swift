import CallscopeCore
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOWebSocket

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
/// - a second connection of P replaces the first, which is closed (code 1008).
///
/// Bad IDs (1–128 characters, no control characters) are refused before the upgrade: the
/// handshake fails (the WebSocket upgrade path answers every refusal with a bare 400, whatever the
/// route throws). A full room (16 participants) is told after the upgrade, so that a browser can
/// see why: the socket is closed with code 4409 and the reason "the meeting is full".
struct DemoController: Sendable {
    static let maxFrameBytes = 64 * 1024
    /// The close code of a connection to a full room (4000–4999 are the application's; 4409 for HTTP's 409).
    static let roomFullCloseCode = 4409

    let relay: DemoSignalRelay

    init(relay: DemoSignalRelay = DemoSignalRelay()) {
        self.relay = relay
    }

    func addWebSocketRoutes(to router: Router<AppRequestContext>) {
        router.ws("/demo/signal") { request, _ in
            _ = try Self.ids(of: request)
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let ids = try Self.ids(of: context.request)
            try await serve(inbound: inbound, outbound: outbound, meetingId: ids.meetingId,
                            participantId: ids.participantId,
                            resumed: context.request.uri.queryParameters.get("resume") == "1", logger: context.logger)
        }
    }

    private func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
                       meetingId: String, participantId: String, resumed: Bool, logger: Logger) async throws {
        let (frames, queue) = AsyncStream<DemoSignalRelay.Outgoing>.makeStream()
        guard case .joined(let connection) = await relay.join(meetingId: meetingId, participantId: participantId,
                                                               resumed: resumed, queue: queue) else {
            try await outbound.close(.init(codeNumber: Self.roomFullCloseCode),
                                     reason: "the meeting is full (\(DemoSignalRelay.maxParticipants) participants)")
            return
        }
        let readFailure = await withTaskGroup(of: Void.self, returning: (any Error)?.self) { group in
            group.addTask {
                // The only writer of this socket, so frames go out in the order they were queued.
                do {
                    for await frame in frames {
                        switch frame {
                        case .text(let text):
                            try await outbound.write(.text(text))
                        case .close(let code, let reason):
                            try await outbound.close(code, reason: reason)
                            return
                        }
                    }
                } catch {
                    logger.debug("demo signal: write failed", metadata: ["error": "\(error)"])
                }
            }
            var failure: (any Error)?
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
            } catch {
                failure = error   // e.g. a fragmented message over the limit: the socket closes with 1009
            }
            await relay.leave(meetingId: meetingId, participantId: participantId, connection: connection)
            queue.finish()
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
        guard let value, !value.isEmpty, value.count <= MeetingID.maxLength else {
            throw APIError.badRequest("\(field) must be 1 to \(MeetingID.maxLength) characters", field: field)
        }
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) else {
            throw APIError.badRequest("\(field) must not contain control characters", field: field)
        }
        return value
    }
}
