import CallscopeCore

/// How a Callscope server runs: address, limits and timings. `callscope serve` fills it from
/// flags and environment.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Largest ingest request body or WebSocket frame, in bytes (413 above it).
    public var maxBodyBytes = 1 << 20
    /// Largest dump file `POST /api/v1/imports` takes, in bytes as sent (413 above it).
    public var maxImportBytes = 256 << 20
    /// Largest number of messages in one batch.
    public var maxMessagesPerBatch = 10_000
    public var sessionTimeoutMs: Int64 = 30_000
    public var healthSliceMs: Int64 = 10_000
    /// How often silent participants are checked for time-outs.
    public var expiryIntervalMs: Int64 = 2_000
    /// A MaxMind DB file (GeoLite2-City, DB-IP city lite, …) for participants' approximate location;
    /// `nil`: no lookups, locations the app does not send read "unknown".
    public var geoIPDatabasePath: String?
    /// CIDR ranges of reverse proxies whose `X-Forwarded-For` names the client (`TrustedProxies`).
    public var trustedProxies: [String] = []
    /// Serve the demo call at `/demo` (it hands out the default project's ingest key).
    public var demoEnabled = true
    /// Mark the dashboard's session cookie `Secure` (send it over HTTPS only): set it when users
    /// reach the server through HTTPS (e.g. a TLS-terminating proxy).
    public var secureCookies = false
    /// bcrypt cost (log2 rounds) of dashboard password hashes: 12 (~250 ms) in production; tests use 4.
    public var bcryptCost: UInt8 = 12
    /// What one ingest key holder may grow (`docs/limits.md`).
    public var ingestLimits = IngestLimits()
    /// Connections, streams and sign-in work (`docs/limits.md`).
    public var connectionLimits = ConnectionLimits()
    /// The server's wall clock. Tests shift it; everything that compares client times with "now"
    /// reads this one.
    public var clock = WallClock.system

    public init() {}
}
