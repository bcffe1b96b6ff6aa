import CallscopeCore
import HTTPTypes
import Hummingbird
import ServiceLifecycle

/// Server-sent events for open pages: `event: change` when what the page shows has changed (at
/// most one a second), a comment every 15 s to keep proxies from closing the stream. The page's
/// script then fetches its live regions again (`app.js`). One stream per session page
/// (`…/live`) and one for the sessions list (`/sessions/live`).
struct LiveUpdatesController: Sendable {
    let api: SessionsController
    let hub: LiveHub

    func addRoutes(pages: some RouterMethods<AppRequestContext>, shared: some RouterMethods<AppRequestContext>) {
        pages.get("/sessions/live") { _, _ in stream(topic: nil) }
        pages.get("/sessions/:sessionId/live", use: sessionStream)
        shared.get("/share/:token/live", use: sessionStream)
    }

    @Sendable func sessionStream(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await SessionScope.resolve(request, context, api: api)
        return stream(topic: scope.session.id)
    }

    func stream(topic: LiveHub.Topic) -> Response {
        let hub = self.hub
        let body = ResponseBody { writer in
            let (id, changes) = hub.subscribe(topic)
            defer { hub.unsubscribe(id) }
            // What to write comes from a producer task (changes, heartbeats); the writer stays
            // here. The producer stops at a graceful shutdown, so an open page never holds the
            // server up (the browser reconnects to the next one).
            let (texts, text) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(4))
            let producer = Task {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await _ in changes {
                            text.yield("event: change\ndata: {}\n\n")
                            try? await Task.sleep(for: .seconds(1))
                        }
                    }
                    group.addTask {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: .seconds(15))
                            text.yield(": keep-alive\n\n")
                        }
                    }
                    group.addTask {
                        do { try await gracefulShutdown() } catch {
                            // Not run as a service (tests): only cancellation ends the stream.
                            try? await Task.sleep(for: .seconds(365 * 86_400))
                        }
                    }
                    await group.next()
                    group.cancelAll()
                }
                text.finish()
            }
            defer { producer.cancel() }
            try await writer.write(ByteBuffer(string: "retry: 3000\n: connected\n\n"))
            for await chunk in texts {
                try await writer.write(ByteBuffer(string: chunk))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [
            .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store",
            HTTPField.Name("X-Accel-Buffering")!: "no",
        ], body: body)
    }
}
