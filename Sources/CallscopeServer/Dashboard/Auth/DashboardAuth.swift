import CallscopeStore
import Hummingbird

/// Everything that signs dashboard users in, built once per server: web sessions, bcrypt at the
/// configured cost, the brute-force brake, and the same-origin check for cookie requests.
///
/// ```swift
/// let pages = auth.signedInPages(on: router)   // pages: a user, or 303 to /login
/// auth.addLoginRoutes(to: router)              // /login, /logout
/// ```
struct DashboardAuth: Sendable {
    let sessions: WebSessions
    let passwords: PasswordHasher
    let throttle: LoginThrottle
    let gate: SignInGate
    let trustedProxies: TrustedProxies
    let sameOrigin: SameOriginCheck

    init(store: any CredentialStore, configuration: ServerConfiguration) async throws {
        sessions = WebSessions(store: store, secureCookies: configuration.secureCookies, clock: configuration.clock)
        passwords = try await PasswordHasher(cost: configuration.bcryptCost)
        throttle = LoginThrottle()
        gate = SignInGate(maxPerAddress: configuration.connectionLimits.maxSignInsInFlightPerAddress,
                          maxTotal: configuration.connectionLimits.maxSignInsInFlight)
        trustedProxies = (try? TrustedProxies(configuration.trustedProxies)) ?? TrustedProxies()
        sameOrigin = SameOriginCheck(secureCookies: configuration.secureCookies)
    }

    var webSessionMiddleware: WebSessionMiddleware { WebSessionMiddleware(sessions: sessions) }

    /// A group whose routes need a signed-in user: without one, a browser is sent to
    /// `/login?next=<path>`.
    func signedInPages(on router: Router<AppRequestContext>, _ path: RouterPath = "") -> RouterGroup<AppRequestContext> {
        router.group(path).add(middleware: webSessionMiddleware).add(middleware: RequireLoginMiddleware())
            .add(middleware: PageFormOriginMiddleware(sameOrigin: sameOrigin))
    }

    func addLoginRoutes(to router: Router<AppRequestContext>, store: any CredentialStore, templates: DashboardTemplates) {
        LoginController(store: store, sessions: sessions, passwords: passwords, throttle: throttle, gate: gate,
                        trustedProxies: trustedProxies, sameOrigin: sameOrigin, templates: templates)
            .addRoutes(to: router.group().add(middleware: webSessionMiddleware))
    }
}
