import CallscopeCore
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

/// `POST /ingest/v1` and `GET /ingest/v1/ws`: ingest protocol v1 over HTTP and WebSocket.
struct IngestController: Sendable {
    let handler: IngestRequestHandler
    let authenticator: Authenticator
    let configuration: ServerConfiguration
    /// The sender's approximate location for joins that bring none (`--geoip-db`).
    var locator = ClientLocator()

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/ingest/v1", use: post)
    }

    func addWebSocketRoutes(to router: Router<AppRequestContext>) {
        router.ws("/ingest/v1/ws") { request, context in
            // Authenticate before upgrading, so that a bad key gets a plain 401.
            _ = try await authenticator.ingestCaller(request)
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let caller = try await authenticator.ingestCaller(context.request)
            let location = locator.location(peer: context.requestContext.remoteAddress, headers: context.request.headers)
            try await serve(inbound: inbound, outbound: outbound, caller: caller, location: location,
                            logger: context.logger)
        }
    }

    @Sendable func post(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try await authenticator.ingestCaller(request)
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: configuration.maxBodyBytes)
        } catch {
            throw APIError(.contentTooLarge, code: "body_too_large",
                           message: "the request body is over the limit of \(configuration.maxBodyBytes) bytes")
        }
        let location = locator.location(peer: context.remoteAddress, headers: request.headers)
        let reply = await handler.handle(body: body.readableBytesView, caller: caller, serverNowMs: Clock.nowMs(),
                                         location: location)
        return Response(status: reply.status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: reply.httpBody)))
    }

    /// One answer frame per frame, in order. Frames are applied one after another as they
    /// arrive, and each is answered once its commit is durable, so a client that keeps several
    /// frames in flight has them written together. A frame over the size limit closes the
    /// connection with WebSocket code 1009 (the client resends after reconnecting, in smaller batches).
    private func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
                       caller: Authenticator.IngestCaller, location: String?, logger: Logger) async throws {
        let (answers, answerQueue) = AsyncStream<IngestRequestHandler.PendingReply>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await pending in answers {
                    try await outbound.write(.text(await pending.reply().frame))
                }
            }
            defer { answerQueue.finish() }
            for try await message in inbound.messages(maxSize: configuration.maxBodyBytes) {
                switch message {
                case .text(let text):
                    answerQueue.yield(await handler.stage(body: text.utf8, caller: caller, serverNowMs: Clock.nowMs(),
                                                          location: location))
                case .binary(let buffer):
                    answerQueue.yield(await handler.stage(body: buffer.readableBytesView, caller: caller,
                                                          serverNowMs: Clock.nowMs(), location: location))
                }
            }
            answerQueue.finish()
            try await group.waitForAll()
        }
    }
}

/// Wall-clock milliseconds since the epoch.
enum Clock {
    static func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
