import CallscopeCore
import CallscopeStore
import Testing

/// The checks about what reads select: the sessions list's filters and pages, sample windows, and
/// what a failed batch leaves behind.
extension StoreConformanceSuite {
    func sessionsListFilters(_ store: any AnalyticsStore) async throws {
        let f = Fixture()
        let other = Project(id: "p2", name: "Mobile", ingestKey: "ik_mobile", createdMs: 2000)
        try await store.createProject(f.project)
        try await store.createProject(other)
        let s1 = Session(id: "s1", projectId: "p1", meetingId: "m1", status: .ended, startMs: 1000, endMs: 5000)
        let s2 = Session(id: "s2", projectId: "p1", meetingId: "m2", status: .ongoing, startMs: 3000, errorCount: 2)
        let s3 = Session(id: "s3", projectId: "p2", meetingId: "m1", status: .ended, startMs: 6000, endMs: 9000,
                         errorCount: 1)
        let s4 = Session(id: "s4", projectId: "p1", meetingId: "m3", status: .ended, startMs: 10_000, endMs: 12_000)
        var batch = IngestBatch()
        batch.sessions = [s1, s2, s3, s4]
        batch.participants = [
            Participant(sessionId: "s1", participantId: "u-1", name: "Alice Smith"),
            Participant(sessionId: "s1", participantId: "bob", name: "Bob"),
            Participant(sessionId: "s2", participantId: "u-2", name: "Carol Émile"),
            Participant(sessionId: "s3", participantId: "alice", name: "ALICE"),
            Participant(sessionId: "s3", participantId: "u-3"),
        ]
        try await store.write(batch)

        func ids(_ query: SessionQuery) async throws -> [String] {
            try await store.sessions(query).sessions.map(\.session.id)
        }
        let all = try await store.sessions(SessionQuery())
        #expect(all.sessions.map(\.session) == [s4, s3, s2, s1], "newest first")
        #expect(all.total == 4)
        #expect(all.sessions.map(\.uniqueParticipants) == [0, 2, 1, 2])

        #expect(try await ids(SessionQuery(projectId: "p1")) == ["s4", "s2", "s1"])
        #expect(try await ids(SessionQuery(projectId: "p3")) == [])
        #expect(try await ids(SessionQuery(meetingId: "m1")) == ["s3", "s1"])
        #expect(try await ids(SessionQuery(status: .ongoing)) == ["s2"])
        #expect(try await ids(SessionQuery(status: .ended)) == ["s4", "s3", "s1"])

        // Running at some time in [from, to).
        #expect(try await ids(SessionQuery(fromMs: 5500, toMs: 7000)) == ["s3", "s2"])
        #expect(try await ids(SessionQuery(fromMs: 5000, toMs: 6000)) == ["s2", "s1"], "end is inclusive, start exclusive")
        #expect(try await ids(SessionQuery(fromMs: 9001)) == ["s4", "s2"])
        #expect(try await ids(SessionQuery(toMs: 3000)) == ["s1"])
        #expect(try await ids(SessionQuery(fromMs: 100_000)) == ["s2"], "an ongoing session runs on")

        // A participant: an exact id, or a piece of a name in any case.
        #expect(try await ids(SessionQuery(participant: "alice")) == ["s3", "s1"])
        #expect(try await ids(SessionQuery(participant: "SMITH")) == ["s1"])
        #expect(try await ids(SessionQuery(participant: "ÉMILE")) == ["s2"])
        #expect(try await ids(SessionQuery(participant: "bob")) == ["s1"])
        #expect(try await ids(SessionQuery(participant: "u-3")) == ["s3"])
        #expect(try await ids(SessionQuery(participant: "u-")) == [], "ids match exactly")
        #expect(try await ids(SessionQuery(participant: "%")) == [], "no pattern characters")
        #expect(try await ids(SessionQuery(participant: " ")) == ["s4", "s3", "s2", "s1"], "a blank filter is none")

        #expect(try await ids(SessionQuery(hasErrors: true)) == ["s3", "s2"])
        #expect(try await ids(SessionQuery(hasErrors: false)) == ["s4", "s1"])

        // Orders. Durations: s1 4000, s2 ongoing since 3000 (at now 20_000: 17_000), s3 3000, s4 2000.
        func sorted(_ sort: SessionSort) async throws -> [String] {
            var query = SessionQuery()
            query.sort = sort
            query.nowMs = 20_000
            return try await ids(query)
        }
        #expect(try await sorted(.oldest) == ["s1", "s2", "s3", "s4"])
        #expect(try await sorted(.longest) == ["s2", "s1", "s3", "s4"])
        #expect(try await sorted(.participants) == ["s3", "s1", "s2", "s4"], "ties: newest first")
        #expect(try await sorted(.errors) == ["s2", "s3", "s4", "s1"])

        let combined = try await store.sessions(SessionQuery(projectId: "p1", hasErrors: false, limit: 1))
        #expect(combined.sessions.map(\.session.id) == ["s4"])
        #expect(combined.total == 2)
    }

    func sessionsListPaging(_ store: any AnalyticsStore) async throws {
        let f = Fixture()
        try await store.createProject(f.project)
        var batch = IngestBatch()
        // Two sessions start at the same time: the greater id comes first.
        batch.sessions = [(1, 100), (2, 200), (3, 300), (4, 300), (5, 500)].map { n, start in
            Session(id: "s\(n)", projectId: "p1", meetingId: "m", status: .ended, startMs: start, endMs: start + 50)
        }
        try await store.write(batch)
        func page(_ limit: Int, _ offset: Int) async throws -> ([String], Int) {
            let page = try await store.sessions(SessionQuery(limit: limit, offset: offset))
            return (page.sessions.map(\.session.id), page.total)
        }
        #expect(try await page(2, 0) == (["s5", "s4"], 5))
        #expect(try await page(2, 2) == (["s3", "s2"], 5))
        #expect(try await page(2, 4) == (["s1"], 5))
        #expect(try await page(2, 6) == ([], 5))
        #expect(try await page(0, 0) == ([], 5))
    }

    func samplesWindowsAndSides(_ store: any AnalyticsStore) async throws {
        let f = Fixture()
        try await store.createProject(f.project)
        let key = StreamKey(senderId: "alice", receiverId: "bob", kind: .video)
        let received = f.samples(count: 200, side: .receiver, startMs: f.t0, tickMs: 1000)
        let sent = f.samples(count: 100, side: .sender, startMs: f.t0 + 10, tickMs: 2000)
        func keyed(_ samples: some Sequence<StreamSample>) -> [KeyedSample] {
            samples.map { KeyedSample(sessionId: f.session.id, key: key, sample: $0) }
        }
        var start = 0
        for (n, size) in [1, 7, 50, 3, 64, 75].enumerated() {
            var batch = IngestBatch()
            if n == 0 { batch.sessions = [f.session] }
            batch.samples = keyed(received[start..<start + size])
            // All the sender side at once, newest first: the store orders it.
            if n == 2 { batch.samples += keyed(sent.reversed()) }
            try await store.write(batch)
            start += size
        }
        // A late sample, older than what its stream side already has.
        var late = received[150]
        late.tsMs += 500
        late.jitterMs = 99
        var lateBatch = IngestBatch()
        lateBatch.samples = keyed([late])
        try await store.write(lateBatch)
        let allReceived = (received + [late]).sorted { $0.tsMs < $1.tsMs }

        let stream = try #require(try await store.streams(sessionId: f.session.id).first)
        #expect(stream.key == key)
        #expect(stream.receiverSamples == 201 && stream.senderSamples == 100)
        #expect(stream.firstMs == f.t0 && stream.lastMs == received.last!.tsMs)

        func read(_ side: StreamSide?, _ from: Int64?, _ to: Int64?) async throws -> [StreamSample] {
            try await store.samples(streamId: stream.id, side: side, fromMs: from.map { f.t0 + $0 },
                                    toMs: to.map { f.t0 + $0 })
        }
        func inWindow(_ samples: [StreamSample], _ from: Int64, _ to: Int64) -> [StreamSample] {
            samples.filter { $0.tsMs >= f.t0 + from && $0.tsMs < f.t0 + to }
        }
        expectSamplesMatch(try await read(.receiver, nil, nil), allReceived)
        expectSamplesMatch(try await read(.sender, nil, nil), sent)
        expectSamplesMatch(try await read(nil, nil, nil), (allReceived + sent).sorted { $0.tsMs < $1.tsMs })
        expectSamplesMatch(try await read(.receiver, 50_500, 120_000), inWindow(allReceived, 50_500, 120_000))
        expectSamplesMatch(try await read(nil, 50_500, 120_000),
                           inWindow((allReceived + sent).sorted { $0.tsMs < $1.tsMs }, 50_500, 120_000))
        for edge: Int64 in [0, 59_000, 60_000, 63_000, 64_000, 120_000, 150_000, 150_500, 199_000] {
            expectSamplesMatch(try await read(.receiver, edge, edge + 1), inWindow(allReceived, edge, edge + 1))
            expectSamplesMatch(try await read(.receiver, edge - 1, edge), inWindow(allReceived, edge - 1, edge))
        }
        expectSamplesMatch(try await read(.receiver, 190_000, nil), Array(received[190...]))
        expectSamplesMatch(try await read(.receiver, nil, 3000), Array(received[..<3]))
        #expect(try await read(.receiver, 5000, 5000).isEmpty)
        #expect(try await read(.receiver, 6000, 5000).isEmpty)
        #expect(try await read(nil, 500_000, nil).isEmpty)
        #expect(try await store.samples(streamId: stream.id + 1000, side: nil, fromMs: nil, toMs: nil).isEmpty)
    }

    func failedBatchLeavesNothing(_ store: any AnalyticsStore) async throws {
        let f = Fixture()
        try await store.createProject(f.project)
        let samples = f.samples(count: 12, side: .receiver, startMs: f.t0, tickMs: 2000)
        func keyed(_ range: Range<Int>, _ key: StreamKey? = nil) -> [KeyedSample] {
            samples[range].map { KeyedSample(sessionId: f.session.id, key: key ?? f.aliceToBobAudio, sample: $0) }
        }
        var first = IngestBatch()
        first.sessions = [f.session]
        first.participants = [f.alice]
        first.samples = keyed(0..<5)
        first.health = [f.slice("alice", .audio, 0, jitter: 5)]
        first.events = [f.event("alice", 100, "join")]
        try await store.write(first)

        var failing = IngestBatch()
        var other = f.session
        other.id = "session-2"
        failing.sessions = [other]
        var renamed = f.alice
        renamed.name = "Renamed"
        failing.participants = [renamed]
        failing.services = [f.recording]
        failing.samples = keyed(5..<8) + keyed(5..<8, f.aliceVideo)
        failing.health = [f.slice("alice", .audio, 0, jitter: 7)]
        failing.events = [f.event("alice", 200, "mute")]
        failing.errors = [SessionError(sessionId: "no-such-session", participantId: nil, tsMs: f.t0, code: "x",
                                       message: "references nothing", severity: .error, source: .sdk)]
        await #expect(throws: (any Error).self) { try await store.write(failing) }

        #expect(try await store.session(id: other.id) == nil)
        #expect(try await store.participants(sessionId: f.session.id) == [f.alice])
        #expect(try await store.services(sessionId: f.session.id) == [])
        #expect(try await store.healthSlices(sessionId: f.session.id, participantId: nil) == first.health)
        #expect(try await store.events(sessionId: f.session.id, participantId: nil) == first.events)
        let streams = try await store.streams(sessionId: f.session.id)
        #expect(streams.map(\.key) == [f.aliceToBobAudio])
        #expect(streams.first?.receiverSamples == 5)
        let id = try #require(streams.first?.id)
        expectSamplesMatch(try await store.samples(streamId: id, side: nil, fromMs: nil, toMs: nil), Array(samples[0..<5]))

        // The next batches go on from what was committed.
        var third = IngestBatch()
        third.samples = keyed(8..<10) + keyed(8..<10, f.aliceVideo)
        try await store.write(third)
        var fourth = IngestBatch()
        fourth.samples = keyed(10..<12)
        try await store.write(fourth)
        expectSamplesMatch(try await store.samples(streamId: id, side: nil, fromMs: nil, toMs: nil),
                           Array(samples[0..<5] + samples[8..<12]))
        let video = try #require(try await store.streams(sessionId: f.session.id).first { $0.key == f.aliceVideo })
        #expect(video.receiverSamples == 2)
        expectSamplesMatch(try await store.samples(streamId: video.id, side: .receiver, fromMs: nil, toMs: nil),
                           Array(samples[8..<10]))
    }
}
