import CallscopeStore
import Hummingbird

/// Who is calling: ingest routes take a project ingest key (or, for service messages, an API
/// token); API routes take an API token. Ingest keys can never read.
struct Authenticator: Sendable {
    let store: any CredentialStore

    enum IngestCaller: Sendable {
        case collector(Project)
        /// An app's backend with an API token: may send service messages only.
        case backend(Project)

        var project: Project {
            switch self {
            case .collector(let p), .backend(let p): p
            }
        }
    }

    /// `Authorization: Bearer <secret>`, else the `key` query parameter (browsers cannot set
    /// headers on a WebSocket); `inHeader` says which.
    static func secret(of request: Request) -> (secret: String, inHeader: Bool)? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return (String(parts[1]).trimmingSpaces(), true) }
        }
        return request.uri.queryParameters.get("key").map { ($0, false) }
    }

    /// An ingest key from the header or `?key=`; an API token (a backend's service messages) from
    /// the `Authorization` header only: a secret in a URL ends up in logs, proxies and histories,
    /// which is acceptable for a write-only public key and not for a token that reads.
    func ingestCaller(_ request: Request) async throws -> IngestCaller {
        guard case let (secret, inHeader)? = Self.secret(of: request).flatMap({ $0.secret.isEmpty ? nil : $0 }) else {
            throw APIError.unauthorized("an ingest key is required: Authorization: Bearer <key> or ?key=<key>")
        }
        if let project = try await store.project(ingestKey: secret) { return .collector(project) }
        if inHeader, let token = try await store.apiToken(hash: Credentials.hash(secret)) {
            let projects = try await store.projects()
            if let project = projects.first(where: { $0.id == token.projectId }) ?? projects.first {
                return .backend(project)
            }
        }
        throw APIError.unauthorized("unknown ingest key")
    }

    func apiToken(_ request: Request) async throws -> APIToken {
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized("an API token is required: Authorization: Bearer <token> (or a signed-in dashboard session)")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer",
              let token = try await store.apiToken(hash: Credentials.hash(String(parts[1]).trimmingSpaces()))
        else { throw APIError.unauthorized("invalid API token") }
        return token
    }
}

/// API routes: every request carries a valid API token, or comes from a signed-in dashboard
/// user's browser (``WebSessionMiddleware`` runs first and sets ``AppRequestContext/user``).
/// An `Authorization` header always wins: a wrong token (or an ingest key) is 401 even with a
/// session cookie. A cookie request that changes state must pass ``SameOriginCheck`` (403).
struct APITokenMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let authenticator: Authenticator
    var sameOrigin = SameOriginCheck(secureCookies: false)

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if request.headers[.authorization] == nil, context.user != nil {
            if SameOriginCheck.changesState(request.method), !sameOrigin.allows(request) {
                throw APIError(.forbidden, code: "cross_origin",
                               message: "a signed-in request that changes data must come from this server's own pages")
            }
        } else {
            context.user = nil
            context.apiToken = try await authenticator.apiToken(request)
        }
        return try await next(request, context)
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
