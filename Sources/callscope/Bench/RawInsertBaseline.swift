import CallscopeCore
import Foundation
import GRDB

/// The floor to compare ingest with: the same stream samples inserted straight through GRDB,
/// one row per sample (17 columns), 1000 rows per transaction, with the same durability
/// settings as the store (WAL, synchronous=FULL) and no index but the rowid.
enum RawInsertBaseline {
    static func run(samples: [StreamSample], directory: URL) throws -> (rowsPerSecond: Double, bytesPerRow: Double) {
        let path = directory.appendingPathComponent("raw-baseline.sqlite").path
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE sample(stream_id INTEGER, ts_ms INTEGER, side INTEGER, bitrate REAL, packets INTEGER,
                  packets_lost INTEGER, loss REAL, jitter REAL, rtt REAL, fps REAL, width INTEGER, height INTEGER,
                  freezes INTEGER, concealment REAL, jb_delay REAL, bytes_total INTEGER, packets_total INTEGER)
                """)
        }
        let start = Date()
        var index = 0
        while index < samples.count {
            let end = min(samples.count, index + 1000)
            try queue.write { db in
                let statement = try db.cachedStatement(sql: "INSERT INTO sample VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
                for i in index..<end {
                    let s = samples[i]
                    try statement.execute(arguments: [
                        i % 997, s.tsMs, s.side == .sender ? 0 : 1, s.bitrateKbps, s.packets, s.packetsLost, s.lossPercent,
                        s.jitterMs, s.rttMs, s.fps, s.frameWidth, s.frameHeight, s.freezeCount, s.concealmentPercent,
                        s.jitterBufferDelayMs, s.bytesTotal, s.packetsTotal,
                    ])
                }
            }
            index = end
        }
        let seconds = Date().timeIntervalSince(start)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return (Double(samples.count) / seconds, Double(bytes ?? 0) / Double(max(1, samples.count)))
    }
}
