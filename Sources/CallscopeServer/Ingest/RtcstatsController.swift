import CallscopeCore
import Hummingbird
import HummingbirdWebSocket
import Logging

/// `GET /rtcstats` (WebSocket): an rtcstats client pointed at Callscope, with the project's
/// ingest key in the URL (`wss://host/rtcstats?key=…`; `meetingId` and `participantId` there too
/// when its identity does not say them). Each frame becomes ingest messages (``RtcstatsStream``)
/// that go through the ingest protocol's own decoding, checks and pipeline, as one request per
/// frame, in order, each written before the next is read: a collector's data in all but wire
/// form. rtcstats clients expect no answers, and get none; the connection ending is the
/// participant leaving.
struct RtcstatsController: Sendable {
    let handler: IngestRequestHandler
    let authenticator: Authenticator
    let configuration: ServerConfiguration
    var locator = ClientLocator()

    func addWebSocketRoutes(to router: Router<AppRequestContext>) {
        router.ws("/rtcstats") { request, _ in
            let caller = try await authenticator.ingestCaller(request)
            try IngestCORSMiddleware.check(request, project: caller.project)
            // rtcstats clients ask for a subprotocol (the client's version); one they offer is taken.
            let offered = request.headers[.secWebSocketProtocol]?.split(separator: ",").first.map { String($0).trimmingSpaces() }
            return .upgrade(offered.map { [.secWebSocketProtocol: $0] } ?? [:])
        } onUpgrade: { inbound, _, context in
            let caller = try await authenticator.ingestCaller(context.request)
            let query = context.request.uri.queryParameters
            var stream = RtcstatsStream(meetingId: query.get("meetingId"), participantId: query.get("participantId"),
                                        userAgent: context.request.headers[.userAgent])
            let location = locator.location(peer: context.requestContext.remoteAddress, headers: context.request.headers)
            var refused = 0
            func send(_ messages: [IngestMessage]) async {
                let batch = messages.compactMap(\.protocolJSON)
                guard !batch.isEmpty else { return }
                let reply = await handler.handle(body: JSONValue.array(batch).serialized().utf8, caller: caller,
                                                 serverNowMs: configuration.clock.nowMs(), location: location)
                if reply.status != .ok || reply.members["error"] != nil {
                    refused += 1
                    if refused <= 3 { context.logger.info("rtcstats frame refused: \(reply.httpBody.prefix(300))") }
                }
            }
            do {
                for try await message in inbound.messages(maxSize: configuration.maxBodyBytes) {
                    let text: String
                    switch message {
                    case .text(let t): text = t
                    case .binary(let b): text = String(buffer: b)
                    }
                    guard let frame = try? JSONValue.parse(Array(text.utf8)) else { continue }
                    await send(stream.messages(for: frame, nowMs: configuration.clock.nowMs()))
                    if stream.closed { break }
                }
            } catch {
                await send(stream.leave(nowMs: configuration.clock.nowMs(), reason: "connection-lost"))
                throw error
            }
            await send(stream.leave(nowMs: configuration.clock.nowMs(), reason: "left"))
        }
    }
}
