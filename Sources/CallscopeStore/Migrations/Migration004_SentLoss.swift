import GRDB

/// A health slice keeps the sender-side share of its packet counts (``HealthAccumulator``'s
/// `sentPacketsExpected`, `sentPacketsLost`), so that loss of what a participant sent and loss of
/// what it received are judged apart. Existing slices read as all received, as before.
enum Migration004_SentLoss {
    static let identifier = "004_sent_loss"

    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE health_slice ADD COLUMN sent_packets_expected INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE health_slice ADD COLUMN sent_packets_lost INTEGER NOT NULL DEFAULT 0;
            """)
    }
}
