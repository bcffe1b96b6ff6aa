import CallscopeCore
import GRDB
import Testing

@testable import CallscopeStore

/// The shared conformance checks on real SQLite files, and what only the SQLite engine has:
/// its pragmas, its chunk rows, two stores on one file.
@Suite struct SQLiteStoreTests {
    static func makeStore() throws -> StoreUnderTest {
        let directory = try TemporaryDirectory()
        let path = directory.path("callscope.sqlite")
        let store = try SQLiteStore(path: path)
        return StoreUnderTest(
            store: store,
            reopen: {
                try store.close()
                return try SQLiteStore(path: path)
            },
            cleanUp: { directory.remove() })
    }

    @Test(arguments: StoreConformanceCheck.allCases)
    func conformance(_ check: StoreConformanceCheck) async throws {
        try await StoreConformanceSuite { try Self.makeStore() }.run(check)
    }

    /// Opens a store on a new file, runs `body`, removes the file.
    func withStore(_ body: (SQLiteStore, String) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("callscope.sqlite")
        try await body(try SQLiteStore(path: path), path)
    }

    struct ChunkRow: Equatable {
        var side: Int64
        var startMs: Int64
        var endMs: Int64
        var count: Int64
    }

    func chunks(_ store: SQLiteStore) async throws -> [ChunkRow] {
        try await store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT side, start_ms, end_ms, count FROM sample_chunk ORDER BY id").map {
                ChunkRow(side: $0[0], startMs: $0[1], endMs: $0[2], count: $0[3])
            }
        }
    }

    func write(_ store: SQLiteStore, _ f: Fixture, _ samples: some Sequence<StreamSample>, session: Bool = false) async throws {
        var batch = IngestBatch()
        if session { batch.sessions = [f.session] }
        batch.samples = samples.map { KeyedSample(sessionId: f.session.id, key: f.aliceToBobAudio, sample: $0) }
        try await store.write(batch)
    }

    @Test func durableSettings() async throws {
        try await withStore { store, _ in
            let (journal, synchronous, foreignKeys, busy) = try await store.pool.read { db in
                (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                 try Int.fetchOne(db, sql: "PRAGMA foreign_keys"), try Int.fetchOne(db, sql: "PRAGMA busy_timeout"))
            }
            #expect(journal == "wal")
            #expect(synchronous == 2, "FULL")
            #expect(foreignKeys == 1)
            #expect((busy ?? 0) > 0)
            let (writerSynchronous, pageSize) = try await store.pool.write { db in
                (try Int.fetchOne(db, sql: "PRAGMA synchronous"), try Int.fetchOne(db, sql: "PRAGMA page_size"))
            }
            #expect(writerSynchronous == 2, "GRDB sets NORMAL on the writer; the store sets FULL again")
            #expect(pageSize == 16384)
        }
    }

    @Test func migrationsAreRecorded() async throws {
        try await withStore { store, path in
            let applied = try await store.pool.read { db in try SQLiteMigrations.migrator.appliedIdentifiers(db) }
            #expect(applied.sorted() == ["001_initial", "002_allowed_origins", "003_dashboard", "004_sent_loss", "005_project_thresholds",
                               "006_imported_files"])
            try store.close()
            _ = try SQLiteStore(path: path)  // opening again migrates nothing and fails nothing
        }
    }

    @Test func chunksHoldAMinuteOr64Samples() async throws {
        try await withStore { store, _ in
            let f = Fixture()
            try await store.createProject(f.project)
            // 1 s ticks: the span bound cuts; 0.5 s ticks: the count bound cuts.
            try await write(store, f, f.samples(count: 130, side: .receiver, startMs: f.t0, tickMs: 1000), session: true)
            try await write(store, f, f.samples(count: 70, side: .sender, startMs: f.t0, tickMs: 500))
            let rows = try await chunks(store)
            #expect(rows.map(\.count) == [60, 60, 10, 64, 6])
            for row in rows {
                #expect(row.endMs - row.startMs < SampleChunkPolicy.maxSpanMs)
            }
        }
    }

    @Test func samplesOfLaterBatchesGoIntoTheOpenChunk() async throws {
        try await withStore { store, _ in
            let f = Fixture()
            try await store.createProject(f.project)
            let samples = f.samples(count: 20, side: .receiver, startMs: f.t0, tickMs: 2000)
            try await write(store, f, samples[0..<1], session: true)
            for i in 1..<20 { try await write(store, f, samples[i..<i + 1]) }
            #expect(try await chunks(store) == [ChunkRow(side: 1, startMs: f.t0, endMs: samples[19].tsMs, count: 20)])
        }
    }

    @Test func aFailedBatchLeavesTheOpenChunkAsItWas() async throws {
        try await withStore { store, _ in
            let f = Fixture()
            try await store.createProject(f.project)
            let samples = f.samples(count: 10, side: .receiver, startMs: f.t0, tickMs: 2000)
            try await write(store, f, samples[0..<4], session: true)
            var failing = IngestBatch()
            failing.samples = samples[4..<7].map { KeyedSample(sessionId: f.session.id, key: f.aliceToBobAudio, sample: $0) }
            failing.events = [TimelineEvent(sessionId: "no-such-session", participantId: nil, tsMs: 0, name: "x")]
            await #expect(throws: (any Error).self) { try await store.write(failing) }
            try await write(store, f, samples[7..<10])
            // Still one chunk: the cache kept the committed state and the append continued from it.
            #expect(try await chunks(store).map(\.count) == [7])
            let id = try #require(try await store.streams(sessionId: f.session.id).first?.id)
            expectSamplesMatch(try await store.samples(streamId: id, side: nil, fromMs: nil, toMs: nil),
                               Array(samples[0..<4] + samples[7..<10]))
        }
    }

    @Test func afterReopeningNewSamplesStartANewChunk() async throws {
        try await withStore { store, path in
            let f = Fixture()
            try await store.createProject(f.project)
            let samples = f.samples(count: 10, side: .receiver, startMs: f.t0, tickMs: 2000)
            try await write(store, f, samples[0..<5], session: true)
            try store.close()
            let reopened = try SQLiteStore(path: path)
            try await write(reopened, f, samples[5..<10])
            #expect(try await chunks(reopened).map(\.count) == [5, 5])
            let id = try #require(try await reopened.streams(sessionId: f.session.id).first?.id)
            expectSamplesMatch(try await reopened.samples(streamId: id, side: nil, fromMs: nil, toMs: nil), samples)
        }
    }

    @Test func twoStoresOnOneFileKeepTheirOwnChunks() async throws {
        try await withStore { first, path in
            let f = Fixture()
            try await first.createProject(f.project)
            let second = try SQLiteStore(path: path)
            let samples = f.samples(count: 12, side: .receiver, startMs: f.t0, tickMs: 2000)
            try await write(first, f, samples[0..<4], session: true)
            try await write(second, f, samples[4..<8])  // knows no open chunk: starts one
            try await write(first, f, samples[8..<12])  // its own chunk is unchanged: goes on in it
            #expect(try await chunks(first).map(\.count) == [8, 4])
            let id = try #require(try await first.streams(sessionId: f.session.id).first?.id)
            expectSamplesMatch(try await second.samples(streamId: id, side: nil, fromMs: nil, toMs: nil), samples)
            expectSamplesMatch(try await second.samples(streamId: id, side: nil, fromMs: samples[3].tsMs,
                                                        toMs: samples[9].tsMs), Array(samples[3..<9]))
        }
    }

    @Test func anOpenChunkChangedUnderTheCacheIsNotAppendedTo() async throws {
        try await withStore { store, _ in
            let f = Fixture()
            try await store.createProject(f.project)
            let samples = f.samples(count: 9, side: .receiver, startMs: f.t0, tickMs: 2000)
            try await write(store, f, samples[0..<3], session: true)
            // Someone else appended (the count moved): the cached encoder state no longer fits.
            try await store.pool.write { db in try db.execute(sql: "UPDATE sample_chunk SET count = count + 1") }
            try await write(store, f, samples[3..<6])
            #expect(try await chunks(store).map(\.count) == [4, 3])
            // Retention deleted the open chunk.
            try await store.pool.write { db in try db.execute(sql: "DELETE FROM sample_chunk WHERE count = 3") }
            try await write(store, f, samples[6..<9])
            #expect(try await chunks(store).map(\.count) == [4, 3])
            let id = try #require(try await store.streams(sessionId: f.session.id).first?.id)
            expectSamplesMatch(try await store.samples(streamId: id, side: .receiver, fromMs: samples[6].tsMs, toMs: nil),
                               Array(samples[6..<9]))
        }
    }

    @Test func endingASessionForgetsItsOpenChunks() async throws {
        try await withStore { store, _ in
            let f = Fixture()
            try await store.createProject(f.project)
            let samples = f.samples(count: 6, side: .receiver, startMs: f.t0, tickMs: 2000)
            try await write(store, f, samples[0..<2], session: true)
            try await write(store, f, samples[2..<4])
            #expect(store.writeCache.withLock { $0.streamId(.init(sessionId: f.session.id, key: f.aliceToBobAudio)) } != nil)
            var end = IngestBatch()
            var ended = f.session
            ended.status = .ended
            ended.endMs = samples[3].tsMs
            end.sessions = [ended]
            try await store.write(end)
            #expect(store.writeCache.withLock { $0.streamId(.init(sessionId: f.session.id, key: f.aliceToBobAudio)) } == nil)
            try await write(store, f, samples[4..<6])  // a late sample: found again, in a new chunk
            #expect(try await chunks(store).map(\.count) == [4, 2])
            #expect(try await store.streams(sessionId: f.session.id).map(\.receiverSamples) == [6])
        }
    }

    @Test func concurrentWritersKeepEverySample() async throws {
        try await withStore { store, _ in
            let f = Fixture()
            try await store.createProject(f.project)
            try await write(store, f, [], session: true)
            let samples = f.samples(count: 400, side: .receiver, startMs: f.t0, tickMs: 1000)
            // 8 writers, each with every 8th sample of the same stream side, one per batch: commits
            // interleave in any order, so samples often arrive older than the open chunk's last.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        for i in stride(from: writer, to: samples.count, by: 8) {
                            try await write(store, f, [samples[i]])
                        }
                    }
                }
                try await group.waitForAll()
            }
            let id = try #require(try await store.streams(sessionId: f.session.id).first?.id)
            expectSamplesMatch(try await store.samples(streamId: id, side: .receiver, fromMs: nil, toMs: nil), samples)
            expectSamplesMatch(try await store.samples(streamId: id, side: nil, fromMs: f.t0 + 100_000,
                                                       toMs: f.t0 + 200_000), Array(samples[100..<200]))
            #expect(try await store.streams(sessionId: f.session.id).first?.receiverSamples == 400)
        }
    }

    @Test func deletingASessionDeletesItsRows() async throws {
        try await withStore { store, _ in
            let f = Fixture()
            try await store.createProject(f.project)
            var batch = IngestBatch()
            batch.sessions = [f.session]
            batch.participants = [f.alice]
            batch.samples = f.samples(count: 5, side: .sender, startMs: f.t0, tickMs: 1000).map {
                KeyedSample(sessionId: f.session.id, key: f.aliceVideo, sample: $0)
            }
            batch.events = [f.event("alice", 0, "join")]
            try await store.write(batch)
            try await store.pool.write { db in try db.execute(sql: "DELETE FROM session") }
            let left = try await store.pool.read { db in
                try Int.fetchOne(db, sql: """
                    SELECT (SELECT count(*) FROM participant) + (SELECT count(*) FROM stream)
                         + (SELECT count(*) FROM sample_chunk) + (SELECT count(*) FROM event)
                    """)
            }
            #expect(left == 0)
            // The stream's cached id is gone: writing again recreates the session's stream.
            try await store.write(batch)
            #expect(try await store.streams(sessionId: f.session.id).map(\.senderSamples) == [5])
        }
    }
}
