import GRDB

/// The SQLite schema's history: every migration in order, one file each. `SQLiteStore.init` runs
/// the ones a database has not had yet; a shipped migration is never edited, only followed by a
/// new one.
enum SQLiteMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(Migration001_Initial.identifier, migrate: Migration001_Initial.migrate)
        migrator.registerMigration(Migration002_AllowedOrigins.identifier, migrate: Migration002_AllowedOrigins.migrate)
        migrator.registerMigration(Migration003_Dashboard.identifier, migrate: Migration003_Dashboard.migrate)
        migrator.registerMigration(Migration004_SentLoss.identifier, migrate: Migration004_SentLoss.migrate)
        migrator.registerMigration(Migration005_ProjectThresholds.identifier, migrate: Migration005_ProjectThresholds.migrate)
        migrator.registerMigration(Migration006_ImportedFiles.identifier, migrate: Migration006_ImportedFiles.migrate)
        return migrator
    }
}
