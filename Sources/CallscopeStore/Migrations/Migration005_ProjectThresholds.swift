import GRDB

/// Per-project health limits (the JSON of `HealthThresholds`); the empty string keeps the
/// defaults, which is what existing projects get.
enum Migration005_ProjectThresholds {
    static let identifier = "005_project_thresholds"

    static func migrate(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE project ADD COLUMN thresholds TEXT NOT NULL DEFAULT ''")
    }
}
