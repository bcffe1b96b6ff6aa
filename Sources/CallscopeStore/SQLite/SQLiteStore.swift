import CallscopeCore
import Foundation
import GRDB
import Synchronization

/// The ``AnalyticsStore`` in one SQLite file: what `callscope serve` uses with no configuration.
///
/// The file is opened in WAL mode (readers never wait for the writer) with `synchronous = FULL`:
/// a batch that ``write(_:)`` has returned for is in the fsynced WAL and survives a crash or a power
/// loss. Batching many samples per commit is what amortises that fsync. Opening runs the schema's
/// pending migrations (``SQLiteMigrations``).
///
/// Samples are kept in chunk rows (``SampleChunkCodec``, ``SampleChunkPolicy``); the chunk each
/// stream side is filling, and the ids of recent streams, are remembered between batches so that
/// a sample usually costs one `UPDATE`.
///
/// ```swift
/// let store = try SQLiteStore(path: "callscope.sqlite")
/// try await store.write(batch)
/// let samples = try await store.samples(streamId: id, side: .receiver, fromMs: nil, toMs: nil)
/// ```
///
/// One process should open a file through one `SQLiteStore`: a second one works (appends check
/// the chunk they continue is unchanged, or start a new one) but gains nothing.
public final class SQLiteStore: AnalyticsStore {
    /// The database file's path.
    public let path: String
    let pool: DatabasePool
    /// Only read and changed while holding the pool's writer, and changed only after a commit.
    let writeCache = Mutex(SampleWriteCache())

    /// Opens (or creates) the database file at `path` and brings its schema up to date.
    public init(path: String) throws {
        self.path = path
        var config = Configuration()
        config.label = "callscope"
        config.foreignKeysEnabled = true
        // Another process (a `callscope` CLI command) may hold the file briefly; wait rather than fail.
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // Only takes effect on a new file (before WAL mode, which GRDB sets next). Sample chunk
            // rows grow after they are inserted, and the page splits that causes leave pages part
            // empty; bigger pages waste less: 17 B/sample on disk with 16 KiB, 19 with 4 KiB, for
            // the same CPU.
            try db.execute(sql: "PRAGMA page_size = 16384")
            // After a checkpoint, shrink a WAL that a large batch made big.
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
        }
        // DatabasePool turns WAL mode on, and with it `synchronous = NORMAL` on its one writer
        // connection, after `prepareDatabase`: commits would then survive a crash of the process
        // but not of the machine. FULL fsyncs the WAL at every commit, so an acknowledged batch is
        // on disk; the writer connection lives as long as the pool, so setting it once holds.
        pool = try DatabasePool(path: path, configuration: config)
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // On macOS fsync() leaves data in the drive's cache; F_FULLFSYNC does not (a no-op elsewhere).
            try db.execute(sql: "PRAGMA fullfsync = ON")
            // The writer keeps every stream's open chunk page hot: 32 MiB holds ~60 000 of them.
            try db.execute(sql: "PRAGMA cache_size = -32768")
        }
        try SQLiteMigrations.migrator.migrate(pool)
    }

    /// Closes the database connections. Later calls throw; closing also happens at deinit.
    public func close() throws {
        try pool.close()
    }

    /// The size of the database file after moving the WAL into it, plus whatever WAL is left
    /// (readers in progress can keep a checkpoint from finishing).
    public func sizeOnDiskBytes() async throws -> Int64 {
        let mainBytes = try await pool.writeWithoutTransaction { db -> Int64 in
            _ = try? db.checkpoint(.truncate)
            let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            return pages * pageSize
        }
        let wal = try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? NSNumber
        return mainBytes + (wal?.int64Value ?? 0)
    }
}

/// A value read from the database that the schema does not allow: a sign of a file written by
/// something else or damaged.
public struct StoredValueError: Error, Hashable, CustomStringConvertible {
    public var table: String
    public var column: String
    public var value: String

    public var description: String { "unexpected value \(value.debugDescription) in \(table).\(column)" }
}
