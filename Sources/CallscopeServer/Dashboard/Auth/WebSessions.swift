import CallscopeStore
import Foundation
import Hummingbird

/// Signed-in browsers: a random 32-byte token (base64url) in the `callscope_session` cookie,
/// stored only as its SHA-256 hash, valid for 12 hours after its last use.
///
/// The cookie is `HttpOnly` (page scripts cannot read it), `SameSite=Strict` (other sites' pages
/// never make the browser send it), `Path=/`, and `Secure` when
/// ``ServerConfiguration/secureCookies`` says users come through HTTPS. It has no `Max-Age`:
/// the server decides how long it works.
struct WebSessions: Sendable {
    static let cookieName = "callscope_session"
    /// 12 h after the last request.
    static let lifetimeMs: Int64 = 12 * 3600 * 1000
    /// A session is slid forward at most once a minute, so reads do not each cost a write.
    static let touchIntervalMs: Int64 = 60_000

    let store: any CredentialStore
    let secureCookies: Bool
    /// The server's clock: a session's expiry slides from it.
    let clock: WallClock

    /// 32 random bytes, base64url without padding (43 characters, all valid in a cookie).
    static func newToken() -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Starts a session for `user`; returns the cookie that carries it. Expired sessions of
    /// anyone are deleted on the way (sign-ins are rare; the delete uses an index).
    func signIn(_ user: DashboardUser) async throws -> Cookie {
        let token = Self.newToken()
        let nowMs = clock.nowMs()
        _ = try await store.deleteExpiredWebSessions(nowMs: nowMs)
        try await store.createWebSession(WebSession(tokenHash: Credentials.hash(token), userId: user.id, createdMs: nowMs,
                                                    expiresMs: nowMs + Self.lifetimeMs, lastSeenMs: nowMs))
        return cookie(value: token, maxAge: nil)
    }

    /// Ends the request's session (if any) on the server; returns a cookie that clears the browser's.
    func signOut(_ request: Request) async throws -> Cookie {
        if let token = Self.token(of: request) {
            try await store.deleteWebSession(tokenHash: Credentials.hash(token))
        }
        return cookie(value: "", maxAge: 0)
    }

    /// The signed-in user of the request's cookie, sliding the session's expiry; `nil` for no
    /// cookie, an unknown or expired token, or a deleted user.
    func user(of request: Request) async throws -> DashboardUser? {
        guard let token = Self.token(of: request) else { return nil }
        let hash = Credentials.hash(token)
        let nowMs = clock.nowMs()
        guard let session = try await store.webSession(tokenHash: hash, nowMs: nowMs),
              let user = try await store.user(id: session.userId)
        else { return nil }
        if nowMs - session.lastSeenMs >= Self.touchIntervalMs {
            _ = try await store.touchWebSession(tokenHash: hash, lastSeenMs: nowMs, expiresMs: nowMs + Self.lifetimeMs)
        }
        return user
    }

    static func token(of request: Request) -> String? {
        guard let value = request.cookies[cookieName]?.value, !value.isEmpty, value.count <= 128 else { return nil }
        return value
    }

    private func cookie(value: String, maxAge: Int?) -> Cookie {
        Cookie(name: Self.cookieName, value: value, maxAge: maxAge, path: "/", secure: secureCookies, httpOnly: true,
               sameSite: .strict)
    }
}

/// Puts the signed-in user (if any) in ``AppRequestContext/user``. Never refuses a request:
/// ``RequireLoginMiddleware`` and the API's middleware decide what a request without one gets.
struct WebSessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let sessions: WebSessions

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if context.user == nil { context.user = try await sessions.user(of: request) }
        return try await next(request, context)
    }
}

/// Pages: a request without a signed-in user goes to `/login?next=<this path>` (303).
/// Put it after ``WebSessionMiddleware``.
struct RequireLoginMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.user == nil else { return try await next(request, context) }
        var target = request.uri.path
        if let query = request.uri.query, !query.isEmpty { target += "?" + query }
        let location = "/login?next=" + LoginRedirect.percentEncoded(target)
        return Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}
