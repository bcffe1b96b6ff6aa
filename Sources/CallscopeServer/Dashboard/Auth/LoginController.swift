import CallscopeStore
import HTTPTypes
import Hummingbird

/// `GET /login` (the form), `POST /login` (form-encoded `username`, `password`, `next`) and
/// `POST /logout`.
///
/// A wrong username or password gets the form again with 401 and the same wording either way;
/// an unknown username is checked against a dummy bcrypt hash so it takes as long as a wrong
/// password. After ``LoginThrottle/maxFailures`` attempts without success a username gets 429 for
/// the rest of its window; at most ``SignInGate``'s number of password checks run at once per
/// client address and in total (429 beyond). Success starts a new web session (and ends the one the browser had) and redirects
/// (303) to `next` when it is a path on this server, else to `/sessions`.
struct LoginController: Sendable {
    let store: any CredentialStore
    let sessions: WebSessions
    let passwords: PasswordHasher
    let throttle: LoginThrottle
    let gate: SignInGate
    /// Proxies whose `X-Forwarded-For` names the client (``ClientAddress``), for the gate.
    let trustedProxies: TrustedProxies
    let sameOrigin: SameOriginCheck
    let templates: DashboardTemplates

    static let wrongCredentials = "Wrong username or password."
    static let maxFormBytes = 16 * 1024

    /// What `login.mustache` renders.
    struct LoginModel: Sendable {
        var title = "Sign in"
        var username: String
        var next: String
        var error: String?
    }

    struct LoginForm: Decodable {
        var username: String?
        var password: String?
        var next: String?
    }

    /// Add to a group with ``WebSessionMiddleware`` (and without ``RequireLoginMiddleware``).
    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/login", use: form)
        router.post("/login", use: login)
        router.post("/logout", use: logout)
    }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> Response {
        let next = LoginRedirect.safe(request.uri.queryParameters.get("next")) ?? ""
        if context.user != nil { return Self.redirect(to: LoginRedirect.target(next)) }
        return try page(LoginModel(username: "", next: next), status: .ok)
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard sameOrigin.allowsForm(request) else {
            return try page(LoginModel(username: "", next: "", error: "Sign in from this server's own login page."),
                            status: .forbidden)
        }
        var request = request
        let body = try await request.collectBody(upTo: Self.maxFormBytes)
        let form = (try? URLEncodedFormDecoder().decode(LoginForm.self, from: String(buffer: body)))
            ?? LoginForm(username: nil, password: nil, next: nil)
        let username = form.username ?? ""
        let password = form.password ?? ""
        let next = LoginRedirect.safe(form.next) ?? ""
        let model = LoginModel(username: username, next: next)

        let nowMs = sessions.clock.nowMs()
        // The attempt counts before the password is checked (see LoginThrottle.beginAttempt).
        if let waitMs = throttle.beginAttempt(username, nowMs: nowMs) {
            let minutes = (waitMs + 59_999) / 60_000
            var response = try page(
                with(model) { $0.error = "Too many failed sign-ins for this username. Try again in \(minutes) minute\(minutes == 1 ? "" : "s")." },
                status: .tooManyRequests)
            response.headers[.retryAfter] = String((waitMs + 999) / 1000)
            return response
        }
        let address = clientAddress(request, context)
        guard gate.enter(address) else {
            var response = try page(with(model) { $0.error = "Too many sign-ins at once. Try again in a moment." },
                                    status: .tooManyRequests)
            response.headers[.retryAfter] = "1"
            return response
        }
        defer { gate.leave(address) }
        let user = username.isEmpty ? nil : try await store.user(username: username)
        guard try await passwords.verify(password, hash: user?.passwordHash), let user else {
            return try page(with(model) { $0.error = Self.wrongCredentials }, status: .unauthorized)
        }
        throttle.reset(username)
        _ = try await sessions.signOut(request)  // a new token at every sign-in
        var response = Self.redirect(to: LoginRedirect.target(next))
        response.setCookie(try await sessions.signIn(user))
        return response
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard sameOrigin.allowsForm(request) else {
            throw APIError(.forbidden, code: "cross_origin", message: "sign out from this server's own pages")
        }
        var response = Self.redirect(to: "/login")
        response.setCookie(try await sessions.signOut(request))
        return response
    }

    /// The client's address as ``ClientAddress`` reads it; `""` when unknown (router tests).
    private func clientAddress(_ request: Request, _ context: AppRequestContext) -> String {
        let peer = context.remoteAddress?.ipAddress.flatMap(IPAddress.init)
        let forwarded = request.headers[values: HTTPField.Name("X-Forwarded-For")!]
        return ClientAddress.resolve(peer: peer, forwardedFor: forwarded, trusted: trustedProxies)?.description ?? ""
    }

    private func page(_ model: LoginModel, status: HTTPResponse.Status) throws -> Response {
        try templates.page("login", model, status: status)
    }

    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    private func with(_ model: LoginModel, _ change: (inout LoginModel) -> Void) -> LoginModel {
        var model = model
        change(&model)
        return model
    }
}
