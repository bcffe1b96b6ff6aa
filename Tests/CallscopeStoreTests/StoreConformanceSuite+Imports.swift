import CallscopeCore
import CallscopeStore
import Testing

extension StoreConformanceSuite {
    /// An imported file is found by (project, hash) and its meeting's latest session; the same
    /// hash again fails its whole batch, session and samples included.
    func importedFiles(_ store: any AnalyticsStore) async throws {
        let f = Fixture()
        try await store.createProject(f.project)
        let file = ImportedFile(projectId: f.project.id, contentSHA256: String(repeating: "ab", count: 32), sessionId: f.session.id,
                                meetingId: f.session.meetingId, participantId: "alice", fileName: "alice.txt",
                                format: "rtcstats v3", importedMs: 5_000)
        #expect(try await store.importedFile(projectId: f.project.id, contentSHA256: file.contentSHA256) == nil)
        #expect(try await store.importedSessionId(projectId: f.project.id, meetingId: f.session.meetingId) == nil)
        var batch = IngestBatch()
        batch.sessions = [f.session]
        batch.participants = [f.alice]
        batch.importedFiles = [file]
        try await store.write(batch)
        #expect(try await store.importedFile(projectId: f.project.id, contentSHA256: file.contentSHA256) == file)
        #expect(try await store.importedFile(projectId: "other", contentSHA256: file.contentSHA256) == nil)
        #expect(try await store.importedSessionId(projectId: f.project.id, meetingId: f.session.meetingId) == f.session.id)
        #expect(try await store.importedFiles(sessionId: f.session.id) == [file])

        var again = IngestBatch()
        var other = f.session
        other.id = "session-2"
        again.sessions = [other]
        again.samples = f.samples(count: 3, side: .sender, startMs: f.t0, tickMs: 1000)
            .map { KeyedSample(sessionId: other.id, key: f.aliceToBobAudio, sample: $0) }
        var copy = file
        copy.sessionId = other.id
        copy.importedMs = 6_000
        again.importedFiles = [copy]
        await #expect(throws: (any Error).self) { try await store.write(again) }
        #expect(try await store.session(id: other.id) == nil)
        #expect(try await store.streams(sessionId: other.id).isEmpty)
        #expect(try await store.importedFile(projectId: f.project.id, contentSHA256: file.contentSHA256)?.sessionId == f.session.id)

        // A later import of the same meeting into another session is the one a third file joins.
        var later = file
        later.contentSHA256 = String(repeating: "cd", count: 32)
        later.sessionId = other.id
        later.importedMs = 7_000
        var third = IngestBatch()
        third.sessions = [other]
        third.importedFiles = [later]
        try await store.write(third)
        #expect(try await store.importedSessionId(projectId: f.project.id, meetingId: f.session.meetingId) == other.id)
    }
}
