import ArgumentParser
import CallscopeServer
import CallscopeStore
import Foundation
import Logging

/// `callscope serve`: the server on an SQLite file, with no flags needed.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the Callscope server (ingest, API).")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "SQLite database file.") var database = "callscope.sqlite"
    @Option(name: .customLong("geoip-db"),
            help: "MaxMind DB file (GeoLite2-City, DB-IP city lite) for participants' approximate location. Without it, locations the app does not send read \"unknown\".")
    var geoIPDatabase: String?
    @Option(name: .customLong("trusted-proxy"),
            help: "CIDR range of a reverse proxy whose X-Forwarded-For names the client (repeatable; e.g. 10.0.0.0/8, ::1/128).")
    var trustedProxies: [String] = []
    @Option(help: "Project ingest key to accept (env CALLSCOPE_INGEST_KEY); created when missing.")
    var ingestKey: String?
    @Option(help: "Admin API token to accept (env CALLSCOPE_API_TOKEN); created when missing.")
    var apiToken: String?
    @Option(help: "Password of the dashboard user admin (env CALLSCOPE_ADMIN_PASSWORD; 8 to 72 bytes). Sets it at first start and resets it at a later one; without it, the first start prints a generated one.")
    var adminPassword: String?
    @Flag(help: "Mark the dashboard's session cookie Secure (HTTPS only): set it when users reach the server through HTTPS.")
    var secureCookies = false
    @Option(help: "Largest ingest body or WebSocket frame, in bytes.") var maxBodyBytes = 1 << 20
    @Option(help: "Seconds without a message after which a participant has left.") var sessionTimeout = 30
    @Option(help: "Length of a call-health slice, in seconds.") var healthSlice = 10
    @Option(name: .customLong("allowed-origin"),
            help: "Origin whose pages may send to the project of --ingest-key (repeatable; e.g. https://app.example.com, https://*.example.com). Replaces the stored list; without it the stored list stays (default: any origin).")
    var allowedOrigins: [String] = []
    @OptionGroup(title: "Limits (docs/limits.md)") var limits: LimitOptions
    @Flag(inversion: .prefixedNo,
          help: "Serve the demo call at /demo, which hands out the demo project's ingest key. Default: on when listening on a loopback address only.")
    var demo: Bool?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var logger = Logger(label: "callscope")
        logger.logLevel = environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        if database.hasPrefix("postgres://") || database.hasPrefix("postgresql://") {
            throw ValidationError("PostgreSQL is not supported yet; --database takes an SQLite file path")
        }
        let store: SQLiteStore
        do {
            store = try SQLiteStore(path: database)
        } catch {
            throw ValidationError("cannot open database \(database): \(error)")
        }
        let outcome: Bootstrap.Outcome
        do {
            outcome = try await Bootstrap.prepare(
                store: store, ingestKey: ingestKey ?? environment["CALLSCOPE_INGEST_KEY"],
                apiToken: apiToken ?? environment["CALLSCOPE_API_TOKEN"], nowMs: Int64(Date().timeIntervalSince1970 * 1000),
                adminPassword: adminPassword ?? environment["CALLSCOPE_ADMIN_PASSWORD"])
        } catch let error as Bootstrap.InvalidAdminPassword {
            throw ValidationError("--admin-password: \(error)")
        }

        if !allowedOrigins.isEmpty {
            do {
                try await Bootstrap.setAllowedOrigins(allowedOrigins, project: outcome.project, store: store)
            } catch let error as Bootstrap.InvalidOrigin {
                throw ValidationError("--allowed-origin: \(error)")
            }
        }

        var configuration = ServerConfiguration()
        configuration.demoEnabled = demo ?? Bootstrap.isLoopback(host)
        configuration.host = host
        configuration.port = port
        configuration.maxBodyBytes = maxBodyBytes
        configuration.sessionTimeoutMs = Int64(sessionTimeout) * 1000
        configuration.healthSliceMs = Int64(healthSlice) * 1000
        configuration.geoIPDatabasePath = geoIPDatabase
        configuration.trustedProxies = trustedProxies
        configuration.secureCookies = secureCookies
        limits.apply(to: &configuration)
        let app = try await buildApplication(configuration: configuration, store: store, logger: logger)

        say("Callscope on http://\(host):\(port)  database: \(database)")
        if configuration.demoEnabled { say("Try a call: open http://\(host):\(port)/demo in two tabs") }
        if !Bootstrap.isLoopback(host) && !secureCookies {
            FileHandle.standardError.write(Data(("Warning: listening on \(host), not a loopback address, without --secure-cookies: the dashboard's sign-in cookie would travel unencrypted. Serve it behind HTTPS and pass --secure-cookies.\n").utf8))
        }
        if let key = outcome.newIngestKey {
            say("Created project \"\(outcome.project.name)\". Its ingest key (shown once): \(key)")
        }
        if let token = outcome.newAPIToken {
            say("Created an admin API token (shown once, stored hashed): \(token)")
        }
        if let password = outcome.newAdminPassword {
            say("Created the dashboard user admin, password (shown once): \(password)")
        }
        if outcome.adminPasswordReset { say("Set a new password for the dashboard user admin (signed out everywhere)") }
        say("Dashboard: http://\(host):\(port)/login")
        try await app.runService()
    }

    /// Written straight to the file descriptor: scripts read these lines from a pipe, where
    /// `print` would hold them in a buffer until exit.
    private func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

extension Serve {
    /// Bad `--trusted-proxy` ranges, an unreadable `--geoip-db` and an admin password of the wrong
    /// length stop the start before anything is created, with the flag and value named.
    func validate() throws {
        guard (1024...(64 << 20)).contains(maxBodyBytes) else {
            throw ValidationError("--max-body-bytes must be from 1024 to 67108864, not \(maxBodyBytes)")
        }
        guard (1...86_400).contains(sessionTimeout) else {
            throw ValidationError("--session-timeout must be from 1 to 86400 seconds, not \(sessionTimeout)")
        }
        guard (1...3_600).contains(healthSlice) else {
            throw ValidationError("--health-slice must be from 1 to 3600 seconds, not \(healthSlice)")
        }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be from 0 to 65535, not \(port)") }
        if let password = adminPassword ?? ProcessInfo.processInfo.environment["CALLSCOPE_ADMIN_PASSWORD"] {
            do {
                try Bootstrap.validate(adminPassword: password)
            } catch {
                throw ValidationError("--admin-password: \(error)")
            }
        }
        for entry in trustedProxies {
            do {
                _ = try IPNetwork(parsing: entry)
            } catch {
                throw ValidationError("--trusted-proxy: \(error)")
            }
        }
        if let geoIPDatabase {
            do {
                _ = try GeoIPDatabase(path: geoIPDatabase)
            } catch {
                throw ValidationError("--geoip-db: \(error)")
            }
        }
    }
}
