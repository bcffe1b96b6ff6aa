import CallscopeCore
import Foundation
import GRDB

/// Projects, their ingest keys, and API tokens: few rows, read on every request that
/// authenticates (by the unique key / the primary key, so one index lookup each).
extension SQLiteStore {
    public func createProject(_ project: Project) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                INSERT INTO project (id, name, ingest_key, created_ms, allowed_origins, thresholds)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                arguments: [project.id, project.name, project.ingestKey, project.createdMs,
                            Self.originList(project.allowedOrigins), try Self.thresholdsText(project.thresholds)])
        }
    }

    public func projects() async throws -> [Project] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM project ORDER BY created_ms, id").map(Self.project)
        }
    }

    public func project(ingestKey: String) async throws -> Project? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM project WHERE ingest_key = ?", arguments: [ingestKey])
                .map(Self.project)
        }
    }

    public func setAllowedOrigins(projectId: String, origins: [String]) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE project SET allowed_origins = ? WHERE id = ?",
                           arguments: [Self.originList(origins), projectId])
            return db.changesCount > 0
        }
    }

    public func setThresholds(projectId: String, thresholds: HealthThresholds) async throws -> Bool {
        let text = try Self.thresholdsText(thresholds)
        return try await pool.write { db in
            try db.execute(sql: "UPDATE project SET thresholds = ? WHERE id = ?", arguments: [text, projectId])
            return db.changesCount > 0
        }
    }

    public func addAPIToken(_ token: APIToken) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO api_token (token_hash, name, project_id, created_ms) VALUES (?, ?, ?, ?)",
                arguments: [token.tokenHash, token.name, token.projectId, token.createdMs])
        }
    }

    public func apiToken(hash: String) async throws -> APIToken? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_token WHERE token_hash = ?", arguments: [hash])
                .map(Self.apiToken)
        }
    }

    /// Every token, oldest first (ties by hash, so the order is stable).
    public func apiTokens() async throws -> [APIToken] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_token ORDER BY created_ms, token_hash").map(Self.apiToken)
        }
    }

    static func project(_ row: Row) -> Project {
        let origins: String = row["allowed_origins"]
        return Project(id: row["id"], name: row["name"], ingestKey: row["ingest_key"], createdMs: row["created_ms"],
                       allowedOrigins: origins.split(separator: "\n").map(String.init),
                       thresholds: thresholds(row["thresholds"]))
    }

    /// The defaults are stored as the empty string, so that a project that never changed its
    /// limits follows a change of the defaults.
    static func thresholdsText(_ thresholds: HealthThresholds) throws -> String {
        thresholds == .default ? "" : String(decoding: try JSONEncoder().encode(thresholds), as: UTF8.self)
    }

    /// Limits written by this code always decode; anything else (an edited file) falls back to
    /// the defaults rather than making the project unreadable, and every limit is validated again.
    static func thresholds(_ text: String) -> HealthThresholds {
        guard !text.isEmpty, let decoded = try? JSONDecoder().decode(HealthThresholds.self, from: Data(text.utf8)),
              (try? decoded.validateOrder()) != nil
        else { return .default }
        return decoded
    }

    /// Origins never contain a line break, so one per line is an unambiguous encoding.
    static func originList(_ origins: [String]) -> String { origins.joined(separator: "\n") }

    static func apiToken(_ row: Row) -> APIToken {
        APIToken(tokenHash: row["token_hash"], name: row["name"], projectId: row["project_id"],
                 createdMs: row["created_ms"])
    }
}
