import CallscopeCore
import CallscopeStore
import Testing

/// A store to run the conformance checks on: empty, with a way to open its data again.
struct StoreUnderTest: Sendable {
    var store: any AnalyticsStore
    /// Shuts `store` down (as a restart would) and opens the same data again.
    var reopen: @Sendable () async throws -> any AnalyticsStore
    /// Removes what the store left (its files, its database), after the check.
    var cleanUp: @Sendable () -> Void = {}
}

/// The behaviour every ``AnalyticsStore`` engine must show, written only against the protocol
/// so that each engine's tests run the same checks:
///
/// ```swift
/// @Test(arguments: StoreConformanceCheck.allCases)
/// func conformance(_ check: StoreConformanceCheck) async throws {
///     try await StoreConformanceSuite { try makeMyStore() }.run(check)
/// }
/// ```
///
/// One check needs referential integrity: a row of a batch that references a session stored
/// neither before nor in the batch makes the batch fail (that is how it provokes a failure
/// part-way through a batch).
struct StoreConformanceSuite: Sendable {
    let makeStore: @Sendable () async throws -> StoreUnderTest

    func run(_ check: StoreConformanceCheck) async throws {
        let sut = try await makeStore()
        defer { sut.cleanUp() }
        let store = sut.store
        switch check {
        case .projectsAndTokens: try await projectsAndTokens(store)
        case .batchReadsBack: try await batchReadsBack(store)
        case .sessionsListFilters: try await sessionsListFilters(store)
        case .sessionsListPaging: try await sessionsListPaging(store)
        case .upsertsReplaceRows: try await upsertsReplaceRows(store)
        case .healthAddsUp: try await healthAddsUp(store)
        case .healthDigestsOfManySessions: try await healthDigestsOfManySessions(store)
        case .samplesWindowsAndSides: try await samplesWindowsAndSides(store)
        case .failedBatchLeavesNothing: try await failedBatchLeavesNothing(store)
        case .reopenSeesEverything: try await reopenSeesEverything(sut)
        case .snapshotsAreTakenOnce: try await snapshotsAreTakenOnce(store)
        case .sizeOnDisk: try await sizeOnDisk(store)
        case .dashboardUsers: try await dashboardUsers(store)
        case .dashboardWebSessions: try await dashboardWebSessions(store)
        case .dashboardNotes: try await dashboardNotes(store)
        case .dashboardShareLinks: try await dashboardShareLinks(store)
        case .importedFiles: try await importedFiles(store)
        }
    }

    // MARK: Projects and credentials

    func projectsAndTokens(_ store: any AnalyticsStore) async throws {
        let web = Project(id: "p1", name: "Web", ingestKey: "ik_web", createdMs: 1000)
        let mobile = Project(id: "p2", name: "Mobile", ingestKey: "ik_mobile", createdMs: 2000)
        try await store.createProject(mobile)
        try await store.createProject(web)
        #expect(try await store.projects() == [web, mobile])
        #expect(try await store.project(ingestKey: "ik_mobile") == mobile)
        #expect(try await store.project(ingestKey: "ik_nope") == nil)
        await #expect(throws: (any Error).self, "ingest keys are unique") {
            try await store.createProject(Project(id: "p3", name: "Copy", ingestKey: "ik_web", createdMs: 3000))
        }

        let origins = ["https://app.example.com", "https://*.example.org", "http://localhost:3000"]
        #expect(try await store.setAllowedOrigins(projectId: "p2", origins: origins))
        #expect(try await store.project(ingestKey: "ik_mobile")?.allowedOrigins == origins)
        #expect(try await store.project(ingestKey: "ik_web")?.allowedOrigins == [], "other projects keep allowing any origin")
        #expect(try await store.setAllowedOrigins(projectId: "p9", origins: origins) == false, "unknown project")
        #expect(try await store.setAllowedOrigins(projectId: "p2", origins: []))
        #expect(try await store.project(ingestKey: "ik_mobile")?.allowedOrigins == [])
        let restricted = Project(id: "p4", name: "Shop", ingestKey: "ik_shop", createdMs: 500,
                                 allowedOrigins: ["https://shop.example.com"])
        try await store.createProject(restricted)
        #expect(try await store.project(ingestKey: "ik_shop") == restricted)

        var strict = HealthThresholds.default
        strict.rttGoodMs = 150
        strict.lossGoodPercent = 2
        #expect(try await store.setThresholds(projectId: "p2", thresholds: strict))
        #expect(try await store.project(ingestKey: "ik_mobile")?.thresholds == strict)
        #expect(try await store.project(ingestKey: "ik_web")?.thresholds == .default, "other projects keep the defaults")
        #expect(try await store.setThresholds(projectId: "p9", thresholds: strict) == false, "unknown project")
        #expect(try await store.setThresholds(projectId: "p2", thresholds: .default))
        #expect(try await store.project(ingestKey: "ik_mobile")?.thresholds == .default)
        let judged = Project(id: "p5", name: "Kiosk", ingestKey: "ik_kiosk", createdMs: 600, thresholds: strict)
        try await store.createProject(judged)
        #expect(try await store.project(ingestKey: "ik_kiosk") == judged)

        #expect(try await store.apiTokens() == [])
        let scoped = APIToken(tokenHash: "hash-1", name: "ci", projectId: "p1", createdMs: 5000)
        let global = APIToken(tokenHash: "hash-2", name: "admin script", projectId: nil, createdMs: 4000)
        try await store.addAPIToken(scoped)
        try await store.addAPIToken(global)
        #expect(try await store.apiToken(hash: "hash-1") == scoped)
        #expect(try await store.apiToken(hash: "hash-2") == global)
        #expect(try await store.apiToken(hash: "hash-3") == nil)
        #expect(try await store.apiTokens() == [global, scoped], "oldest first")
        await #expect(throws: (any Error).self, "a token hash is stored once") {
            try await store.addAPIToken(APIToken(tokenHash: "hash-1", name: "again", projectId: nil, createdMs: 7000))
        }
    }

    // MARK: A batch, read back

    func batchReadsBack(_ store: any AnalyticsStore) async throws {
        let f = Fixture()
        try await store.createProject(f.project)
        var batch = IngestBatch()
        batch.sessions = [f.session]
        batch.participants = [f.bob, f.alice]
        batch.services = [f.hls, f.recording]
        let video = f.samples(count: 12, side: .sender, startMs: f.t0 + 1000, tickMs: 2000)
        let audioSender = f.samples(count: 8, side: .sender, startMs: f.t0 + 500, tickMs: 1000)
        let audioReceiver = f.samples(count: 9, side: .receiver, startMs: f.t0 + 700, tickMs: 1000)
        batch.samples = video.map { KeyedSample(sessionId: f.session.id, key: f.aliceVideo, sample: $0) }
            + zip(audioSender, audioReceiver).flatMap { s, r in
                [KeyedSample(sessionId: f.session.id, key: f.aliceToBobAudio, sample: s),
                 KeyedSample(sessionId: f.session.id, key: f.aliceToBobAudio, sample: r)]
            }
            + [KeyedSample(sessionId: f.session.id, key: f.aliceToBobAudio, sample: audioReceiver[8])]
        batch.health = [f.slice("alice", .video, 0, jitter: 10), f.slice("bob", .audio, 0, jitter: 20),
                        f.slice("alice", .video, 10_000, jitter: 30)]
        batch.events = [f.event("bob", 300, "join"), f.event("alice", 100, "join"), f.event(nil, 400, "service"),
                        f.event("alice", 300, "mute")]
        batch.errors = [f.error("bob", 900, "ice-failed"), f.error(nil, 800, "recording-failed")]
        try await store.write(batch)

        #expect(try await store.session(id: f.session.id) == f.session)
        #expect(try await store.session(id: "nope") == nil)
        #expect(try await store.participants(sessionId: f.session.id) == [f.alice, f.bob], "in order of first join")
        #expect(try await store.participants(sessionId: "nope") == [])
        #expect(try await store.services(sessionId: f.session.id) == [f.recording, f.hls])

        let streams = try await store.streams(sessionId: f.session.id)
        #expect(streams.count == 2)
        let videoInfo = try #require(streams.first { $0.key == f.aliceVideo })
        let audioInfo = try #require(streams.first { $0.key == f.aliceToBobAudio })
        #expect(videoInfo.senderSamples == 12 && videoInfo.receiverSamples == 0)
        #expect(videoInfo.firstMs == video.first!.tsMs && videoInfo.lastMs == video.last!.tsMs)
        #expect(audioInfo.senderSamples == 8 && audioInfo.receiverSamples == 9)
        #expect(audioInfo.firstMs == audioSender[0].tsMs && audioInfo.lastMs == audioReceiver[8].tsMs)
        #expect(videoInfo.sessionId == f.session.id && videoInfo.id != audioInfo.id)

        expectSamplesMatch(try await store.samples(streamId: videoInfo.id, side: nil, fromMs: nil, toMs: nil), video)
        expectSamplesMatch(try await store.samples(streamId: audioInfo.id, side: .sender, fromMs: nil, toMs: nil),
                           audioSender)
        expectSamplesMatch(try await store.samples(streamId: audioInfo.id, side: .receiver, fromMs: nil, toMs: nil),
                           audioReceiver)
        let both = try await store.samples(streamId: audioInfo.id, side: nil, fromMs: nil, toMs: nil)
        expectSamplesMatch(both, (audioSender + audioReceiver).sorted { $0.tsMs < $1.tsMs })

        #expect(try await store.healthSlices(sessionId: f.session.id, participantId: nil)
            == [batch.health[0], batch.health[2], batch.health[1]])
        #expect(try await store.healthSlices(sessionId: f.session.id, participantId: "bob") == [batch.health[1]])

        let events = try await store.events(sessionId: f.session.id, participantId: nil)
        #expect(events == [batch.events[1], batch.events[0], batch.events[3], batch.events[2]],
                "by time, then in written order")
        #expect(try await store.events(sessionId: f.session.id, participantId: "alice")
            == [batch.events[1], batch.events[3]])
        #expect(try await store.errors(sessionId: f.session.id) == [batch.errors[1], batch.errors[0]])
        #expect(try await store.errors(sessionId: "nope") == [])
    }

    func upsertsReplaceRows(_ store: any AnalyticsStore) async throws {
        let f = Fixture()
        try await store.createProject(f.project)
        var first = IngestBatch()
        first.sessions = [f.session]
        first.participants = [f.alice]
        first.services = [f.hls]
        try await store.write(first)

        var ended = f.session
        ended.status = .ended
        ended.endMs = f.t0 + 60_000
        ended.errorCount = 3
        var alice = f.alice
        alice.attempts[1].leftMs = f.t0 + 59_000
        alice.attempts[1].leaveReason = "left"
        alice.seqs.insert(21)
        alice.lastSeenMs = f.t0 + 59_000
        alice.client.location = "Lisbon, PT"
        var hls = f.hls
        hls.stoppedMs = f.t0 + 58_000
        var second = IngestBatch()
        second.sessions = [ended]
        second.participants = [alice]
        second.services = [hls]
        try await store.write(second)

        #expect(try await store.session(id: f.session.id) == ended)
        #expect(try await store.participants(sessionId: f.session.id) == [alice])
        #expect(try await store.services(sessionId: f.session.id) == [hls])
        #expect(try await store.ongoingSessions() == [])
    }

    func healthAddsUp(_ store: any AnalyticsStore) async throws {
        let f = Fixture()
        try await store.createProject(f.project)
        var first = IngestBatch()
        first.sessions = [f.session]
        first.health = [f.slice("alice", .video, 10_000, jitter: 12.5), f.slice("alice", .audio, 10_000, jitter: 3)]
        try await store.write(first)
        var second = IngestBatch()
        second.health = [f.slice("alice", .video, 10_000, jitter: 40.25), f.slice("alice", .video, 10_000, jitter: 1),
                         f.slice("alice", .video, 20_000, jitter: 7)]
        try await store.write(second)

        var expected = first.health[0].figures
        expected.merge(second.health[0].figures)
        expected.merge(second.health[1].figures)
        let slices = try await store.healthSlices(sessionId: f.session.id, participantId: "alice")
        #expect(slices.map(\.kind) == [.audio, .video, .video])
        #expect(slices[0] == first.health[1])
        #expect(slices[1].startMs == 10_000 && slices[1].figures == expected)
        #expect(slices[1].figures.samples == 3 && slices[1].figures.meanJitterMs == (12.5 + 40.25 + 1) / 3)
        #expect(slices[2] == second.health[2])

        // The digest the store computes equals the core's rule applied to the slices.
        let all = try await store.healthSlices(sessionId: f.session.id, participantId: nil)
        let digest = try await store.healthDigest(sessionId: f.session.id, limits: .default, sliceMs: 10_000)
        #expect(digest.summaries["alice"] == HealthSummary.summaries(of: all, limits: .default))
        var strict = HealthThresholds()
        strict.jitterGoodMs = 2
        strict.jitterModerateMs = 10
        var expectedStrict = HealthDigest(limits: strict, sliceMs: 10_000)
        for slice in all { expectedStrict.add(slice) }
        let strictDigest = try await store.healthDigest(sessionId: f.session.id, limits: strict, sliceMs: 10_000)
        #expect(strictDigest.summaries["alice"] == HealthSummary.summaries(of: all, limits: strict))
        // Under the strict limits alice's video slices at 10 s (mean jitter ~17.9 ms) is poor, 20 s (7 ms) is not.
        #expect(strictDigest.drops == expectedStrict.drops)
        #expect(strictDigest.drops.map { [$0.participantId, $0.kind.rawValue, "\($0.startMs)", "\($0.endMs)"] }
            == [["alice", "video", "10000", "20000"]])
        #expect(try await store.healthDigests(sessionIds: ["no-such-session"], limits: .default, sliceMs: 10_000).isEmpty)
    }

    /// A list page asks for the health of many sessions in one call: each gets its own digest,
    /// the same as asking for it alone.
    func healthDigestsOfManySessions(_ store: any AnalyticsStore) async throws {
        let f = Fixture()
        try await store.createProject(f.project)
        let ids = ["s0", "s1", "s2"]
        var batch = IngestBatch()
        for (i, id) in ids.enumerated() {
            batch.sessions.append(Session(id: id, projectId: "p1", meetingId: "m", status: .ended, startMs: 0, endMs: 40_000))
            // Jitters over four slices: s0 0, 10, 20, 30 ms; s1 25 … 55 ms; s2 50, 60, 70, 80 ms.
            batch.health += (0..<4).map { k in
                var slice = f.slice("p\(i)", .audio, Int64(k) * 10_000, jitter: Double(10 * k + 25 * i))
                slice.sessionId = id
                return slice
            }
        }
        try await store.write(batch)
        let together = try await store.healthDigests(sessionIds: ids + ["no-such-session", "s0"], limits: .default, sliceMs: 10_000)
        #expect(Set(together.keys) == Set(ids))
        for id in ids {
            let alone = try await store.healthDigest(sessionId: id, limits: .default, sliceMs: 10_000)
            #expect(together[id]?.summaries == alone.summaries)
            #expect(together[id]?.drops == alone.drops)
        }
        // Poor is jitter over 50 ms: s1's last slice, s2's from its second slice to the end of the bar.
        #expect(together["s1"]?.drops.map { [$0.startMs, $0.endMs] } == [[30_000, 40_000]])
        let drops = together["s2"]?.drops ?? []
        #expect(drops.map(\.startMs) == [10_000] && drops.first?.endMs == 40_000 && drops.first?.reachesLastSlice == true)
        #expect(drops.first?.worstJitterMs == 80 && drops.first?.causes == [.jitter(ms: 80)])
        #expect(together["s0"]?.drops == [] && together["s0"]?.summaries["p0"]?.first?.good == 1)
    }

    // MARK: Restarts and snapshots

    func reopenSeesEverything(_ sut: StoreUnderTest) async throws {
        let f = Fixture()
        let store = sut.store
        try await store.createProject(f.project)
        var ended = f.session
        ended.id = "session-ended"
        ended.status = .ended
        ended.endMs = f.t0 + 5000
        var batch = IngestBatch()
        batch.sessions = [f.session, ended]
        batch.participants = [f.alice, f.bob]
        let before = f.samples(count: 10, side: .receiver, startMs: f.t0, tickMs: 2000)
        batch.samples = before.map { KeyedSample(sessionId: f.session.id, key: f.aliceToBobAudio, sample: $0) }
        batch.events = [f.event("alice", 100, "join")]
        try await store.write(batch)
        let streamId = try #require(try await store.streams(sessionId: f.session.id).first?.id)

        let reopened = try await sut.reopen()
        #expect(try await reopened.projects() == [f.project])
        #expect(try await reopened.ongoingSessions() == [OngoingSession(session: f.session, participants: [f.alice, f.bob])])
        #expect(try await reopened.session(id: ended.id) == ended)
        #expect(try await reopened.events(sessionId: f.session.id, participantId: nil) == batch.events)

        let after = f.samples(count: 10, side: .receiver, startMs: before.last!.tsMs + 2000, tickMs: 2000)
        var more = IngestBatch()
        more.samples = after.map { KeyedSample(sessionId: f.session.id, key: f.aliceToBobAudio, sample: $0) }
        try await reopened.write(more)
        let streams = try await reopened.streams(sessionId: f.session.id)
        #expect(streams.map(\.id) == [streamId], "the same stream goes on after a restart")
        #expect(streams.first?.receiverSamples == 20)
        expectSamplesMatch(try await reopened.samples(streamId: streamId, side: .receiver, fromMs: nil, toMs: nil),
                           before + after)
    }

    func snapshotsAreTakenOnce(_ store: any AnalyticsStore) async throws {
        let a = PeerConnectionSnapshot(sessionId: "s1", participantId: "alice", pcId: "pc1", reportJSON: #"{"v":1}"#)
        let b = PeerConnectionSnapshot(sessionId: "s1", participantId: "bob", pcId: "pc1", reportJSON: #"{"v":2}"#)
        var newerA = a
        newerA.reportJSON = #"{"v":3}"#
        try await store.savePeerConnectionSnapshots([b, a])
        try await store.savePeerConnectionSnapshots([newerA])
        #expect(try await store.takePeerConnectionSnapshots() == [newerA, b])
        #expect(try await store.takePeerConnectionSnapshots() == [])
    }

    func sizeOnDisk(_ store: any AnalyticsStore) async throws {
        let f = Fixture()
        try await store.createProject(f.project)
        let empty = try await store.sizeOnDiskBytes()
        #expect(empty > 0)
        var batch = IngestBatch()
        batch.sessions = [f.session]
        var stream = RealisticVideoStream(side: .receiver, startMs: f.t0, seed: 1)
        batch.samples = (0..<3000).map { _ in
            KeyedSample(sessionId: f.session.id, key: f.aliceVideo, sample: stream.next())
        }
        try await store.write(batch)
        let full = try await store.sizeOnDiskBytes()
        #expect(full > empty)
        #expect(full - empty < 3000 * 64, "samples are stored compactly")
    }
}

/// The checks of ``StoreConformanceSuite``, one test case each.
enum StoreConformanceCheck: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case projectsAndTokens, batchReadsBack, sessionsListFilters, sessionsListPaging, upsertsReplaceRows
    case healthAddsUp, healthDigestsOfManySessions, samplesWindowsAndSides, failedBatchLeavesNothing, reopenSeesEverything
    case snapshotsAreTakenOnce, sizeOnDisk
    case dashboardUsers, dashboardWebSessions, dashboardNotes, dashboardShareLinks
    case importedFiles

    var testDescription: String { rawValue }
}
