import CallscopeCore
@testable import CallscopeServer
import CallscopeStore
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Testing

/// Signing in to the dashboard: the session cookie, what it opens (pages, the API), signing out,
/// expiry, the brute-force brake, `next` redirects, CSRF on cookie requests, and the admin
/// user made at first start.
@Suite("Dashboard: sign-in")
struct DashboardAuthTests {
    /// The server's routes plus `/protected`, a page behind ``RequireLoginMiddleware``, so that
    /// these tests do not depend on the dashboard's own pages.
    static func app(_ server: TestServer) async throws -> some ApplicationProtocol {
        let store = try SQLiteStore(path: server.databasePath)
        _ = try await Bootstrap.prepare(store: store, ingestKey: TestServer.ingestKey, apiToken: TestServer.apiToken,
                                        nowMs: 0, adminPassword: TestServer.adminPassword,
                                        bcryptCost: server.configuration.bcryptCost)
        let pipeline = IngestPipeline(store: store, options: .init(), logger: .init(label: "test"))
        let authenticator = Authenticator(store: store)
        let connections = CollectorConnections()
        let ingest = IngestController(
            handler: IngestRequestHandler(pipeline: pipeline, configuration: server.configuration),
            authenticator: authenticator, configuration: server.configuration,
            locator: try ClientLocator(configuration: server.configuration), connections: connections)
        let auth = try await DashboardAuth(store: store, configuration: server.configuration)
        let router = buildRouter(store: store, pipeline: pipeline, authenticator: authenticator, ingest: ingest, live: LiveHub(),
                                 connections: connections, configuration: server.configuration,
                                 templates: try DashboardTemplates.bundled(), auth: auth)
        auth.signedInPages(on: router).get("/protected") { _, context in "hello \(context.user?.username ?? "?")" }
        return Application(router: router)
    }

    struct Answer {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String
        var location: String? { headers[.location] }
        var setCookie: String? { headers[.setCookie] }
    }

    static func request(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String,
                        cookie: String? = nil, headers extra: HTTPFields = [:], form: String? = nil,
                        json: String? = nil) async throws -> Answer {
        var headers = extra
        if let cookie { headers[.cookie] = cookie }
        if form != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: headers,
                                        body: (form ?? json).map { ByteBuffer(string: $0) }) { response in
            Answer(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
    }

    static func login(_ client: some TestClientProtocol, username: String = "admin",
                      password: String = TestServer.adminPassword, next: String? = nil,
                      headers: HTTPFields = [:]) async throws -> Answer {
        var form = "username=\(formEncoded(username))&password=\(formEncoded(password))"
        if let next { form += "&next=\(formEncoded(next))" }
        return try await request(client, .post, "/login", headers: headers, form: form)
    }

    static func token(ofCookie cookie: String) -> String {
        String(cookie.dropFirst("callscope_session=".count))
    }

    @Test("signing in sets an HttpOnly SameSite=Strict cookie that opens pages and the API; none or a bad one does not")
    func cookieOpensPagesAndAPI() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await Self.app(server).test(.router) { client in
            let form = try await Self.request(client, .get, "/login")
            #expect(form.status == .ok)
            #expect(form.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(form.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(form.body.contains("<form method=\"post\" action=\"/login\">"))
            #expect(form.body.contains("href=\"/app/app.css\""))
            // The shared layout's one script is our module file; nothing inline.
            #expect(form.body.components(separatedBy: "<script").count - 1 == 1
                && form.body.contains("<script type=\"module\" src=\"/app/app.js\"></script>")
                && !form.body.contains("style="), "no inline script or style")
            #expect(form.body.contains("<span class=\"brand\">Callscope</span>") && !form.body.contains("Read-only view"),
                    "the login page wears the shared layout, without the share links' note")

            let answer = try await Self.login(client)
            #expect(answer.status == .seeOther)
            #expect(answer.location == "/sessions")
            let setCookie = try #require(answer.setCookie)
            let attributes = setCookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(attributes.contains("HttpOnly"))
            #expect(attributes.contains("SameSite=Strict"))
            #expect(attributes.contains("Path=/"))
            #expect(!attributes.contains("Secure"), "plain HTTP unless configured")
            let cookie = String(attributes[0])
            let token = Self.token(ofCookie: cookie)
            #expect(token.count == 43, "32 random bytes in base64url")
            #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })

            // The token is stored only as its hash.
            let store = try SQLiteStore(path: server.databasePath)
            #expect(try await store.webSession(tokenHash: token, nowMs: 0) == nil)
            #expect(try await store.webSession(tokenHash: Credentials.hash(token), nowMs: server.configuration.clock.nowMs()) != nil)

            #expect(try await Self.request(client, .get, "/api/v1/sessions", cookie: cookie).status == .ok)
            #expect(try await Self.request(client, .get, "/api/v1/projects", cookie: cookie).status == .ok)
            let page = try await Self.request(client, .get, "/protected", cookie: cookie)
            #expect(page.status == .ok && page.body == "hello admin")
            let again = try await Self.request(client, .get, "/login", cookie: cookie)
            #expect(again.status == .seeOther && again.location == "/sessions", "already signed in")

            let altered = token.dropLast() + (token.last == "A" ? "B" : "A")
            for bad in [nil, "callscope_session=nope", "callscope_session=\(altered)", "other=\(token)"] {
                let api = try await Self.request(client, .get, "/api/v1/sessions", cookie: bad)
                #expect(api.status == .unauthorized, "\(bad ?? "no cookie")")
                let protected = try await Self.request(client, .get, "/protected?tab=errors", cookie: bad)
                #expect(protected.status == .seeOther)
                #expect(protected.location == "/login?next=/protected%3Ftab%3Derrors")
            }

            // An Authorization header wins over the cookie: an ingest key never reads, even signed in.
            let withKey = try await Self.request(client, .get, "/api/v1/sessions", cookie: cookie,
                                                 headers: [.authorization: "Bearer \(TestServer.ingestKey)"])
            #expect(withKey.status == .unauthorized)
            let (tokenStatus, _) = try await client.api("/api/v1/sessions")
            #expect(tokenStatus == .ok, "API tokens work as before")
        }
    }

    @Test("Secure cookies when configured")
    func secureCookie() async throws {
        var server = try TestServer()
        server.configuration.secureCookies = true
        defer { server.remove() }
        try await Self.app(server).test(.router) { client in
            let answer = try await Self.login(client)
            #expect(answer.setCookie?.split(separator: ";").contains { $0.trimmingCharacters(in: .whitespaces) == "Secure" } == true)
        }
    }

    @Test("a wrong password or unknown user gets the form again with 401, the username escaped")
    func wrongPassword() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await Self.app(server).test(.router) { client in
            let wrong = try await Self.login(client, password: "not-the-password")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.setCookie == nil)
            #expect(wrong.body.contains(LoginController.wrongCredentials))
            #expect(wrong.body.contains("value=\"admin\""), "the username stays filled in")

            let hostile = "<img src=x onerror=alert(1)>\"'"
            let unknown = try await Self.login(client, username: hostile, password: "whatever", next: "/sessions/\"><b>")
            #expect(unknown.status == .unauthorized)
            #expect(unknown.body.contains(LoginController.wrongCredentials), "the same words for an unknown user")
            #expect(!unknown.body.contains("<img"))
            #expect(!unknown.body.contains("\"'"))
            #expect(unknown.body.contains("&lt;img src=x onerror=alert(1)&gt;&quot;&#39;"))
            #expect(!unknown.body.contains("<b>"))

            let empty = try await Self.request(client, .post, "/login", form: "")
            #expect(empty.status == .unauthorized)
        }
    }

    @Test("an unknown user is checked against a dummy hash: as slow as a wrong password")
    func unknownUserTiming() async throws {
        let hasher = try await PasswordHasher(cost: 4)
        let real = try await hasher.hash("right password")
        #expect(try await hasher.verify("right password", hash: real))
        #expect(try await !hasher.verify("wrong password", hash: real))
        #expect(try await !hasher.verify("right password", hash: nil))
        #expect(hasher.dummyHash.hasPrefix("$2b$04$"), "a real bcrypt hash at the configured cost")
    }

    @Test("signing out deletes the session on the server and clears the cookie")
    func logout() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await Self.app(server).test(.router) { client in
            let cookie = try await client.signIn()
            let other = try await client.signIn()
            #expect(cookie != other, "a new token each time")
            let out = try await Self.request(client, .post, "/logout", cookie: cookie)
            #expect(out.status == .seeOther && out.location == "/login")
            let cleared = try #require(out.setCookie)
            #expect(cleared.hasPrefix("callscope_session=;"))
            #expect(cleared.contains("Max-Age=0"))
            // A copy of the old cookie no longer works anywhere.
            #expect(try await Self.request(client, .get, "/api/v1/sessions", cookie: cookie).status == .unauthorized)
            #expect(try await Self.request(client, .get, "/protected", cookie: cookie).status == .seeOther)
            #expect(try await Self.request(client, .get, "/api/v1/sessions", cookie: other).status == .ok,
                    "another browser stays signed in")
            let store = try SQLiteStore(path: server.databasePath)
            #expect(try await store.webSession(tokenHash: Credentials.hash(Self.token(ofCookie: cookie)), nowMs: 0) == nil)
            // Signing out without a session is harmless.
            #expect(try await Self.request(client, .post, "/logout").status == .seeOther)
        }
    }

    @Test("an expired session does not work; a used one slides forward")
    func expiry() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await Self.app(server).test(.router) { client in
            let store = try SQLiteStore(path: server.databasePath)
            let cookie = try await client.signIn()
            let hash = Credentials.hash(Self.token(ofCookie: cookie))
            let now = server.configuration.clock.nowMs()
            let created = try #require(try await store.webSession(tokenHash: hash, nowMs: now))
            #expect(abs(created.expiresMs - (now + 12 * 3600 * 1000)) < 60_000, "12 hours")

            // Last used two minutes ago, ending in a second: a request slides it to 12 h from now.
            #expect(try await store.touchWebSession(tokenHash: hash, lastSeenMs: now - 120_000, expiresMs: now + 1000))
            #expect(try await Self.request(client, .get, "/api/v1/sessions", cookie: cookie).status == .ok)
            let slid = try #require(try await store.webSession(tokenHash: hash, nowMs: now))
            #expect(slid.expiresMs >= now + 12 * 3600 * 1000 && slid.lastSeenMs >= now)

            #expect(try await store.touchWebSession(tokenHash: hash, lastSeenMs: now - 13 * 3600 * 1000, expiresMs: now - 1))
            #expect(try await Self.request(client, .get, "/api/v1/sessions", cookie: cookie).status == .unauthorized)
            let page = try await Self.request(client, .get, "/protected", cookie: cookie)
            #expect(page.status == .seeOther && page.location == "/login?next=/protected")
            #expect(try await store.deleteExpiredWebSessions(nowMs: 0) == 0)
            _ = try await client.signIn()
            #expect(try await store.webSession(tokenHash: hash, nowMs: 0) == nil, "the next sign-in deletes expired sessions")
        }
    }

    @Test("after 5 failures a username gets 429 for the rest of the window, even with the right password")
    func bruteForceBrake() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await Self.app(server).test(.router) { client in
            for attempt in 1...5 {
                let answer = try await Self.login(client, password: "guess-\(attempt)")
                #expect(answer.status == .unauthorized, "attempt \(attempt)")
            }
            let locked = try await Self.login(client)
            #expect(locked.status == .tooManyRequests)
            #expect(locked.setCookie == nil)
            #expect(locked.body.contains("Too many failed sign-ins"))
            let retryAfter = try #require(locked.headers[.retryAfter].flatMap { Int($0) })
            #expect(retryAfter > 14 * 60 && retryAfter <= 15 * 60)
            #expect(try await Self.login(client, password: "guess-6").status == .tooManyRequests)
            // Other usernames are not locked.
            #expect(try await Self.login(client, username: "ops", password: "x").status == .unauthorized)
        }
    }

    @Test("the throttle's window: failures spread over more than 15 minutes never lock")
    func throttleWindow() {
        let throttle = LoginThrottle()
        let minute: Int64 = 60_000
        for i in 0..<4 { throttle.recordFailure("a", nowMs: Int64(i) * minute) }
        #expect(throttle.lockedFor("a", nowMs: 4 * minute) == nil)
        throttle.recordFailure("a", nowMs: 5 * minute)
        #expect(throttle.lockedFor("a", nowMs: 5 * minute) == 10 * minute, "until 15 min after the first failure")
        #expect(throttle.lockedFor("a", nowMs: 15 * minute) == nil)
        throttle.recordFailure("a", nowMs: 16 * minute)
        #expect(throttle.lockedFor("a", nowMs: 16 * minute) == nil, "a new window")
        throttle.reset("a")
        for i in 0..<4 { throttle.recordFailure("b", nowMs: Int64(i)) }
        throttle.reset("b")
        throttle.recordFailure("b", nowMs: 5)
        #expect(throttle.lockedFor("b", nowMs: 5) == nil, "a success forgets earlier failures")
    }

    @Test("next: paths on this server are followed, anything else goes to /sessions")
    func nextRedirects() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await Self.app(server).test(.router) { client in
            #expect(try await Self.login(client, next: "/sessions/abc/errors?x=1").location == "/sessions/abc/errors?x=1")
            #expect(try await Self.login(client, next: "/protected").location == "/protected")
            for evil in ["//evil.com", "https://evil.com", "/\\evil.com", "\\\\evil.com", "evil.com", "javascript:alert(1)",
                         "/ /evil.com", "///evil.com", "", "/sessions\r\nSet-Cookie: x=1"] {
                #expect(try await Self.login(client, next: evil).location == "/sessions", "\(evil)")
            }
            let form = try await Self.request(client, .get, "/login?next=%2F%2Fevil.com")
            #expect(form.status == .ok && !form.body.contains("evil"))
            let kept = try await Self.request(client, .get, "/login?next=%2Fsessions%2Fs1")
            #expect(kept.body.contains("name=\"next\" value=\"/sessions/s1\""))
        }
        #expect(LoginRedirect.target("/sessions") == "/sessions")
        #expect(LoginRedirect.target("/") == "/")
        #expect(LoginRedirect.target("//") == "/sessions")
    }

    @Test("CSRF: a cookie request that changes data must come from this server's own pages")
    func crossSiteRequests() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await Self.app(server).test(.router) { client in
            let cookie = try await client.signIn()
            let put = "/api/v1/projects/default/allowed-origins"
            let body = #"{"allowedOrigins":[]}"#
            func send(_ headers: HTTPFields, cookie: String? = cookie, token: Bool = false) async throws -> HTTPResponse.Status {
                var headers = headers
                if token { headers[.authorization] = "Bearer \(TestServer.apiToken)" }
                return try await Self.request(client, .put, put, cookie: cookie, headers: headers, json: body).status
            }
            let origin = HTTPField.Name.origin
            let fetchSite = HTTPField.Name("Sec-Fetch-Site")!
            #expect(try await send([origin: "https://evil.com"]) == .forbidden)
            #expect(try await send([origin: "http://localhost.evil.com"]) == .forbidden)
            #expect(try await send([origin: "null"]) == .forbidden)
            #expect(try await send([:]) == .forbidden, "neither Origin nor Sec-Fetch-Site")
            #expect(try await send([fetchSite: "cross-site"]) == .forbidden)
            #expect(try await send([fetchSite: "same-origin"]) == .ok)
            #expect(try await send([origin: "http://localhost"]) == .ok, "the router test's Host is localhost")
            #expect(try await send([origin: "http://localhost", fetchSite: "same-origin"]) == .ok)
            #expect(try await send([origin: "https://evil.com"], cookie: nil) == .unauthorized)
            #expect(try await send([origin: "https://evil.com"], cookie: nil, token: true) == .ok,
                    "an API token is not sent by browsers on their own: no CSRF check")
            // Reads need no Origin.
            #expect(try await Self.request(client, .get, "/api/v1/projects", cookie: cookie,
                                           headers: [origin: "https://evil.com"]).status == .ok)
            // A sign-in posted from another site is refused too.
            let foreign = try await Self.login(client, headers: [origin: "https://evil.com"])
            #expect(foreign.status == .forbidden && foreign.setCookie == nil)
            #expect(try await Self.login(client, headers: [origin: "http://localhost"]).status == .seeOther)
            let logout = try await Self.request(client, .post, "/logout", cookie: cookie, headers: [origin: "https://evil.com"])
            #expect(logout.status == .forbidden)
            #expect(try await Self.request(client, .get, "/api/v1/sessions", cookie: cookie).status == .ok, "still signed in")
        }
        let secure = SameOriginCheck(secureCookies: true)
        func request(_ origin: String) -> Request {
            Request(head: .init(method: .post, scheme: "http", authority: "cs.example.com", path: "/api/v1/x",
                                headerFields: [.origin: origin]), body: .init(buffer: .init()))
        }
        #expect(secure.allows(request("https://cs.example.com")))
        #expect(secure.allows(request("HTTPS://CS.example.com:443/")))
        #expect(!secure.allows(request("http://cs.example.com")), "https only when cookies are Secure")
        #expect(!secure.allows(request("https://cs.example.com:8443")))
    }

    @Test("first start creates admin with a generated password; --admin-password sets or resets it")
    func adminBootstrap() async throws {
        let server = try TestServer()
        defer { server.remove() }
        let store = try SQLiteStore(path: server.databasePath)
        let first = try await Bootstrap.prepare(store: store, ingestKey: nil, apiToken: nil, nowMs: 1000, bcryptCost: 4)
        let generated = try #require(first.newAdminPassword)
        #expect(generated.count >= 16)
        #expect(first.adminPasswordReset == false)
        let admin = try #require(try await store.user(username: "admin"))
        #expect(admin.passwordHash.hasPrefix("$2b$04$"), "bcrypt at the given cost")
        #expect(!admin.passwordHash.contains(generated))
        #expect(try await PasswordHasher.verify(generated, against: admin.passwordHash))

        let second = try await Bootstrap.prepare(store: store, ingestKey: nil, apiToken: nil, nowMs: 2000, bcryptCost: 4)
        #expect(second.newAdminPassword == nil, "shown once")
        #expect(try await store.user(username: "admin") == admin, "kept")

        // Signed in with the generated password; then an operator resets it.
        try await store.createWebSession(WebSession(tokenHash: "old", userId: admin.id, createdMs: 0, expiresMs: .max, lastSeenMs: 0))
        let reset = try await Bootstrap.prepare(store: store, ingestKey: nil, apiToken: nil, nowMs: 3000,
                                                adminPassword: "recovered-password", bcryptCost: 4)
        #expect(reset.adminPasswordReset && reset.newAdminPassword == nil)
        let after = try #require(try await store.user(username: "admin"))
        #expect(after.id == admin.id)
        #expect(try await PasswordHasher.verify("recovered-password", against: after.passwordHash))
        #expect(try await !PasswordHasher.verify(generated, against: after.passwordHash))
        #expect(try await store.webSession(tokenHash: "old", nowMs: 0) == nil, "signed out everywhere")

        let same = try await Bootstrap.prepare(store: store, ingestKey: nil, apiToken: nil, nowMs: 4000,
                                               adminPassword: "recovered-password", bcryptCost: 4)
        #expect(same.adminPasswordReset == false, "the same password changes nothing")
        #expect(try await store.user(username: "admin") == after)

        await #expect(throws: Bootstrap.InvalidAdminPassword.self) {
            _ = try await Bootstrap.prepare(store: store, ingestKey: nil, apiToken: nil, nowMs: 5000, adminPassword: "short")
        }
        await #expect(throws: Bootstrap.InvalidAdminPassword.self) {
            _ = try await Bootstrap.prepare(store: store, ingestKey: nil, apiToken: nil, nowMs: 5000,
                                            adminPassword: String(repeating: "x", count: 73))
        }

        // A first start with a given password creates admin with it and shows nothing.
        let other = try TestServer()
        defer { other.remove() }
        let fresh = try SQLiteStore(path: other.databasePath)
        let given = try await Bootstrap.prepare(store: fresh, ingestKey: nil, apiToken: nil, nowMs: 0,
                                                adminPassword: "given-password", bcryptCost: 4)
        #expect(given.newAdminPassword == nil && given.adminPasswordReset == false)
        #expect(try await PasswordHasher.verify("given-password", against: try #require(try await fresh.user(username: "admin")).passwordHash))
    }

    @Test("the app's own sign-in: TestServer's admin password opens the API")
    func testServerAdmin() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let cookie = try await client.signIn()
            #expect(try await Self.request(client, .get, "/api/v1/sessions", cookie: cookie).status == .ok)
        }
    }
}
