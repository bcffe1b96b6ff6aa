import CallscopeStore
import Hummingbird

/// CORS for `POST /ingest/v1`: an app's page lives on its own origin, not Callscope's. Answers
/// preflights, checks the request's `Origin` against the project's allowed origins, and puts
/// `Access-Control-Allow-Origin` on every answer an allowed page may read, errors included
/// (a collector must see a 401, 403 or 413 to act on it: on `origin_not_allowed` it stops instead
/// of retrying forever). Reading that refusal tells a page nothing but that it may not send.
struct IngestCORSMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let authenticator: Authenticator

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        if request.method == .options { return try await preflight(request, origin: origin) }
        var context = context
        do {
            // Authenticating here costs one indexed lookup; the handler reuses the caller.
            let caller = try await authenticator.ingestCaller(request)
            try Self.check(request, project: caller.project)
            context.ingestCaller = caller
            var response = try await next(request, context)
            Self.allow(origin, in: &response.headers)
            return response
        } catch let error as any HTTPResponseError {
            var response = try error.response(from: request, context: context)
            Self.allow(origin, in: &response.headers)
            return response
        }
    }

    /// A preflight carries no credentials, so any origin gets its answer unless the URL names a
    /// key (`?key=`) whose project refuses the origin.
    private func preflight(_ request: Request, origin: String) async throws -> Response {
        if request.uri.queryParameters.get("key") != nil, let caller = try? await authenticator.ingestCaller(request) {
            try Self.check(request, project: caller.project)
        }
        var headers: HTTPFields = [
            .accessControlAllowMethods: "POST, OPTIONS",
            .accessControlAllowHeaders: request.headers[.accessControlRequestHeaders] ?? "authorization, content-type",
            .accessControlMaxAge: "600",
        ]
        Self.allow(origin, in: &headers)
        return Response(status: .noContent, headers: headers)
    }

    static func check(_ request: Request, project: Project) throws {
        let origins = request.headers[values: .origin]
        guard OriginPolicy(project.allowedOrigins).allows(origins: origins) else {
            throw APIError(.forbidden, code: "origin_not_allowed",
                           message: "origin \(origins.joined(separator: ", ")) may not send to project \(project.id); add it to the project's allowed origins",
                           field: "Origin")
        }
    }

    private static func allow(_ origin: String, in headers: inout HTTPFields) {
        headers[.accessControlAllowOrigin] = origin
        headers[.vary] = "Origin"
    }
}
