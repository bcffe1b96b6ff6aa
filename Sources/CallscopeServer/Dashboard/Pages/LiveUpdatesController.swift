import CallscopeCore
import HTTPTypes
import Hummingbird
import ServiceLifecycle

/// Server-sent events for open pages: `event: change` when what the page shows has changed (at
/// most one a second), a comment every 15 s to keep proxies from closing the stream. The page's
/// script then fetches its live regions again (`app.js`). One stream per session page
/// (`…/live`) and one for the sessions list (`/sessions/live`).
struct LiveUpdatesController: Sendable {
    let queries: SessionQueries
    let hub: LiveHub
    let quota: LiveStreamQuota

    func addRoutes(pages: some RouterMethods<AppRequestContext>, shared: some RouterMethods<AppRequestContext>) {
        pages.get("/sessions/live") { _, context in try stream(topic: nil, holder: Self.holder(context, token: nil)) }
        pages.get("/sessions/:sessionId/live", use: sessionStream)
        shared.get("/share/:token/live", use: sessionStream)
    }

    @Sendable func sessionStream(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await SessionScope.resolve(request, context, queries: queries)
        return try stream(topic: scope.session.id, holder: Self.holder(context, token: context.parameters.get("token")))
    }

    /// A share link's streams count against the link (by its token's hash), a user's against the user.
    static func holder(_ context: AppRequestContext, token: String?) -> LiveStreamQuota.Holder {
        if let token { return .shareLink(Credentials.hash(token)) }
        return .viewer(context.user?.id ?? "")
    }

    /// A stream counted against `holder`'s quota for as long as it is open; 429 past it.
    func stream(topic: LiveHub.Topic, holder: LiveStreamQuota.Holder) throws -> Response {
        guard let ticket = quota.ticket(holder) else {
            throw APIError(.tooManyRequests, code: "too_many_streams",
                           message: "too many live-update streams open; close some pages (the page still works without live updates)")
        }
        let hub = self.hub
        let body = ResponseBody { writer in
            // The ticket lives as long as this body: the stream's slot is given back when it ends.
            defer { withExtendedLifetime(ticket) {} }
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
