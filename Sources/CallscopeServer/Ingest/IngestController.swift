import CallscopeCore
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

/// `POST /ingest/v1` and `GET /ingest/v1/ws`: ingest protocol v1 over HTTP and WebSocket, with
/// CORS and the project's allowed origins, and the channel that carries kicks to collectors.
struct IngestController: Sendable {
    let handler: IngestRequestHandler
    let authenticator: Authenticator
    let configuration: ServerConfiguration
    /// The sender's approximate location for joins that bring none (`--geoip-db`).
    var locator = ClientLocator()
    let connections: CollectorConnections

    func addRoutes(to router: Router<AppRequestContext>) {
        router.group("/ingest/v1")
            .add(middleware: IngestCORSMiddleware(authenticator: authenticator))
            .post(use: post)
            .on("", method: .options) { _, _ in Response(status: .noContent) }
    }

    func addWebSocketRoutes(to router: Router<AppRequestContext>) {
        router.ws("/ingest/v1/ws") { request, context in
            // Authenticate and check the page's origin (browsers send Origin on every WebSocket
            // handshake) before upgrading: a refused caller never gets a WebSocket. NIO answers
            // every refused handshake with a bare 400, whatever the reason; a browser sees only a
            // failed connection either way, and POST /ingest/v1 tells the reason.
            let caller = try await authenticator.ingestCaller(request)
            try IngestCORSMiddleware.check(request, project: caller.project)
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let caller = try await authenticator.ingestCaller(context.request)
            let location = locator.location(peer: context.requestContext.remoteAddress, headers: context.request.headers)
            try await serve(inbound: inbound, outbound: outbound, caller: caller,
                            location: location, logger: context.logger)
        }
    }

    @Sendable func post(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller: Authenticator.IngestCaller
        if let known = context.ingestCaller { caller = known } else { caller = try await authenticator.ingestCaller(request) }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: configuration.maxBodyBytes)
        } catch {
            throw APIError(.contentTooLarge, code: "body_too_large",
                           message: "the request body is over the limit of \(configuration.maxBodyBytes) bytes")
        }
        let location = locator.location(peer: context.remoteAddress, headers: request.headers)
        var reply = await handler.handle(body: body.readableBytesView, caller: caller, serverNowMs: configuration.clock.nowMs(),
                                         location: location)
        // A collector on the HTTP fallback has no channel to push into: its kicks ride on its answers.
        let kicks = await connections.takePending(Self.acked(reply, projectId: caller.project.id), nowMs: configuration.clock.nowMs())
        if !kicks.isEmpty { reply.members["kicks"] = .array(kicks.map(\.json)) }
        return Response(status: reply.status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: reply.httpBody)))
    }

    /// What the connection writes: answers, in the order of the frames they answer, and pushes.
    private enum Outgoing: Sendable {
        case answer(IngestRequestHandler.PendingReply)
        case push(String)
    }

    /// One answer frame per frame, in order. Frames are applied one after another as they
    /// arrive, and each is answered once its commit is durable, so a client that keeps several
    /// frames in flight has them written together. A frame over the size limit closes the
    /// connection with WebSocket code 1009 (the client resends after reconnecting, in smaller batches).
    /// The connection speaks for every participant its answers acknowledge — never for one it only
    /// names in its URL, which anybody holding the public key could do — and kicks for them are
    /// pushed between answers. At most `maxCollectorFramesInFlight` frames are read ahead of their
    /// answers: a client that does not read its answers stops being read.
    private func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
                       caller: Authenticator.IngestCaller, location: String?,
                       logger: Logger) async throws {
        let (outgoing, queue) = AsyncStream<Outgoing>.makeStream()
        let projectId = caller.project.id
        let connection = await connections.open { queue.yield(.push($0)) }
        defer { Task { [connections] in await connections.close(connection) } }
        let window = FramesInFlight(limit: configuration.connectionLimits.maxCollectorFramesInFlight)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [connections] in
                defer { window.close() }
                var known = Set<ParticipantAddress>()
                for await item in outgoing {
                    switch item {
                    case .push(let frame):
                        try await outbound.write(.text(frame))
                    case .answer(let pending):
                        let reply = await pending.reply()
                        try await outbound.write(.text(reply.frame))
                        window.leave()
                        for address in Self.acked(reply, projectId: projectId) where known.insert(address).inserted {
                            await connections.attach(connection, to: address, nowMs: configuration.clock.nowMs())
                        }
                    }
                }
            }
            defer { queue.finish() }
            for try await message in inbound.messages(maxSize: configuration.maxBodyBytes) {
                await window.enter()
                switch message {
                case .text(let text):
                    queue.yield(.answer(await handler.stage(body: text.utf8, caller: caller, serverNowMs: configuration.clock.nowMs(),
                                                            location: location)))
                case .binary(let buffer):
                    queue.yield(.answer(await handler.stage(body: buffer.readableBytesView, caller: caller,
                                                            serverNowMs: configuration.clock.nowMs(), location: location)))
                }
            }
            queue.finish()
            try await group.waitForAll()
        }
    }

    /// The participants an answer acknowledges.
    static func acked(_ reply: IngestRequestHandler.Reply, projectId: String) -> [ParticipantAddress] {
        (reply.members["acks"]?.array ?? []).compactMap { ack in
            guard let meetingId = ack["meetingId"]?.string, let participantId = ack["participantId"]?.string else { return nil }
            return ParticipantAddress(projectId: projectId, meetingId: meetingId, participantId: participantId)
        }
    }
}
