import CallscopeStore

/// First-start set-up: a default project with an ingest key, and an admin API token. Secrets
/// created here are returned so that `callscope serve` can print them once; they are never
/// shown again (the token is stored only as a hash).
public enum Bootstrap {
    public struct Outcome: Sendable {
        public var project: Project
        /// Set when this start created the ingest key.
        public var newIngestKey: String?
        /// Set when this start created the API token.
        public var newAPIToken: String?
        /// Set when this start created the dashboard user `admin` with a generated password.
        public var newAdminPassword: String?
        /// True when this start replaced the password of `admin` with the given one.
        public var adminPasswordReset = false
    }

    /// The dashboard user created at first start.
    public static let adminUsername = "admin"

    /// `ingestKey`/`apiToken` given explicitly (flags, environment) are added when missing, so
    /// that scripts and CI know their credentials in advance.
    ///
    /// The dashboard user `admin` is created when missing, with `adminPassword` or else a
    /// generated password (returned once in ``Outcome/newAdminPassword``). A given `adminPassword`
    /// that differs from the stored one replaces it and signs `admin` out everywhere: how an
    /// operator recovers a lost password. Passwords are bcrypt-hashed at `bcryptCost`.
    public static func prepare(store: any CredentialStore, ingestKey: String?, apiToken: String?, nowMs: Int64,
                               adminPassword: String? = nil, bcryptCost: UInt8 = 12) async throws -> Outcome {
        if let adminPassword { try validate(adminPassword: adminPassword) }
        // The demo project is never the default one (its key is handed out by /demo).
        var projects = try await store.projects().filter { $0.id != demoProjectId }
        var newIngestKey: String?
        if let ingestKey, try await store.project(ingestKey: ingestKey) == nil {
            let project = Project(id: projects.isEmpty ? "default" : "project-\(projects.count + 1)",
                                  name: projects.isEmpty ? "Default project" : "Project \(projects.count + 1)",
                                  ingestKey: ingestKey, createdMs: nowMs)
            try await store.createProject(project)
            projects.append(project)
        } else if projects.isEmpty {
            let key = Credentials.generate(prefix: "cs_ingest_")
            try await store.createProject(Project(id: "default", name: "Default project", ingestKey: key, createdMs: nowMs))
            newIngestKey = key
            projects = try await store.projects().filter { $0.id != demoProjectId }
        }
        let project = try await ingestKey.asyncFlatMap { try await store.project(ingestKey: $0) } ?? projects[0]

        var newAPIToken: String?
        if let apiToken {
            if try await store.apiToken(hash: Credentials.hash(apiToken)) == nil {
                try await store.addAPIToken(APIToken(tokenHash: Credentials.hash(apiToken), name: "admin (configured)",
                                                     projectId: nil, createdMs: nowMs))
            }
        } else if try await store.apiTokens().isEmpty {
            let token = Credentials.generate(prefix: "cs_api_")
            try await store.addAPIToken(APIToken(tokenHash: Credentials.hash(token), name: "admin", projectId: nil, createdMs: nowMs))
            newAPIToken = token
        }
        var outcome = Outcome(project: project, newIngestKey: newIngestKey, newAPIToken: newAPIToken)
        try await prepareAdmin(store: store, password: adminPassword, bcryptCost: bcryptCost, nowMs: nowMs, outcome: &outcome)
        return outcome
    }

    private static func prepareAdmin(store: any CredentialStore, password: String?, bcryptCost: UInt8, nowMs: Int64,
                                     outcome: inout Outcome) async throws {
        if let admin = try await store.user(username: adminUsername) {
            guard let password else { return }
            guard try await !PasswordHasher.verify(password, against: admin.passwordHash) else { return }
            let hash = try await PasswordHasher.hash(password, cost: bcryptCost)
            _ = try await store.setPassword(userId: admin.id, passwordHash: hash)
            _ = try await store.deleteWebSessions(userId: admin.id)
            outcome.adminPasswordReset = true
            return
        }
        let chosen = password ?? Credentials.generate(prefix: "")
        let hash = try await PasswordHasher.hash(chosen, cost: bcryptCost)
        try await store.createUser(DashboardUser(id: Credentials.generate(prefix: "user_"), username: adminUsername,
                                                 passwordHash: hash, createdMs: nowMs))
        if password == nil { outcome.newAdminPassword = chosen }
    }

    public struct InvalidAdminPassword: Error, CustomStringConvertible {
        public var description: String {
            "the admin password must be 8 to 72 bytes long (bcrypt ignores anything after 72 bytes)"
        }
    }

    /// 8…72 bytes: bcrypt reads only the first 72.
    public static func validate(adminPassword: String) throws {
        guard (8...72).contains(adminPassword.utf8.count) else { throw InvalidAdminPassword() }
    }
}

extension Bootstrap {
    /// The project of the demo call's sessions: `/demo` hands out its ingest key, so that key
    /// writes only into it, never into a real project.
    public static let demoProjectId = "demo"

    /// The demo project, created (with a new ingest key) when missing.
    public static func demoProject(store: any CredentialStore, nowMs: Int64) async throws -> Project {
        if let project = try await store.projects().first(where: { $0.id == demoProjectId }) { return project }
        let project = Project(id: demoProjectId, name: "Demo calls", ingestKey: Credentials.generate(prefix: "cs_demo_"),
                              createdMs: nowMs)
        try await store.createProject(project)
        return project
    }

    /// The project imports go to: `id` when given (it must exist), else the first one that is
    /// not the demo's, created as `serve` would create it (with a new ingest key, returned) when
    /// there is none yet.
    public static func importProject(store: any CredentialStore, id: String?, nowMs: Int64) async throws
        -> (project: Project, newIngestKey: String?)? {
        let projects = try await store.projects()
        if let id { return projects.first { $0.id == id }.map { ($0, nil) } }
        if let project = projects.first(where: { $0.id != demoProjectId }) { return (project, nil) }
        let key = Credentials.generate(prefix: "cs_ingest_")
        let project = Project(id: "default", name: "Default project", ingestKey: key, createdMs: nowMs)
        try await store.createProject(project)
        return (project, key)
    }

    /// Whether `host` is a loopback address or name: only there is the demo served by default.
    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased()
        if h == "localhost" || h == "::1" || h == "[::1]" || h.hasSuffix(".localhost") { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}

extension Bootstrap {
    public struct InvalidOrigin: Error, CustomStringConvertible {
        public var value: String
        public var description: String {
            "\(value) is not an origin: use scheme://host[:port], e.g. https://app.example.com or https://*.example.com, or *"
        }
    }

    /// Sets the origins allowed to send with `project`'s key (from `--allowed-origin`), normalised.
    public static func setAllowedOrigins(_ origins: [String], project: Project, store: any CredentialStore) async throws {
        let normalised = try origins.map { origin in
            guard let n = OriginPolicy.normalise(origin) else { throw InvalidOrigin(value: origin) }
            return n
        }
        _ = try await store.setAllowedOrigins(projectId: project.id, origins: normalised)
    }
}

extension Optional {
    func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
