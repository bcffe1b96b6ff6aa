import CallscopeCore
import CallscopeServer
import CallscopeStore
import Foundation

/// A session of `participants` people over `minutes` (2 s ticks), built through the ingest
/// pipeline without transport, then read through the real server's API.
struct LargeSession {
    let participants: Int
    let minutes: Int

    struct Result {
        var samples: Int64
        var buildSamplesPerSecond: Double
        var bytesPerSample: Double
        var chunkBytesPerSample: Double
        var participants: Int
        var samplesPerStream: Int
        var overview: Latency
        /// The first API overview of the session: its diagnosis computed, not cached.
        var overviewColdMs: Double
        /// The diagnosis alone: reading every sample into the call graph, then the core's work.
        var graphReadMs: Double
        var diagnosisMs: Double
        var scoresMs: Double
        var problems: Int
        var samples1h: Latency
        var list: Latency
        var sessionPage: Latency
        var statsPage: Latency
        /// Gzipped bytes of the session page's HTML, app.js and app.css.
        var pageWeight: (html: Int, js: Int, css: Int)
        /// The session's timeline: recorded entries and errors, and the quality drops among them.
        var timelineEntries: Int
        var qualityDrops: Int
    }

    func run(databasePath: String, port: Int, requests: Int) async throws -> Result {
        let store = try SQLiteStore(path: databasePath)
        _ = try await Bootstrap.prepare(store: store, ingestKey: BenchServer.ingestKey, apiToken: BenchServer.apiToken, nowMs: 0)
        guard let project = try await store.project(ingestKey: BenchServer.ingestKey) else { throw BenchError("no project") }
        var options = IngestPipeline.Options()
        options.sessionTimeoutMs = 24 * 3_600_000
        let pipeline = IngestPipeline(store: store, options: options)
        let ticks = minutes * 30
        let startMs = Int64(Date().timeIntervalSince1970 * 1000) - Int64(ticks) * 2_000 - 60_000
        var meeting = SyntheticMeeting(meetingId: "large-session", participantCount: participants, shareScreen: true,
                                       tickMs: 2_000, seed: 42)
        func ingest(_ batch: [(participant: Int, message: JSONValue)], nowMs: Int64) async throws {
            let messages = try batch.map { try IngestMessage.decode($0.message) }
            let result = try await pipeline.ingest(messages, projectId: project.id, serverNowMs: nowMs)
            if let rejected = result.rejected { throw BenchError("rejected: \(rejected.error)") }
        }
        let started = Date()
        try await ingest(meeting.joins(startMs: startMs), nowMs: startMs)
        // Ten ticks (20 s of the call) per commit, as a busy server groups them.
        var pending: [(participant: Int, message: JSONValue)] = []
        for t in 1...ticks {
            let ts = startMs + Int64(t) * 2_000
            pending += meeting.tick(tsMs: ts, dt: 2)
            if t % 10 == 0 || t == ticks {
                try await ingest(pending, nowMs: ts)
                pending.removeAll(keepingCapacity: true)
            }
        }
        try await ingest(meeting.leaves(tsMs: startMs + Int64(ticks) * 2_000 + 500), nowMs: startMs + Int64(ticks) * 2_000 + 500)
        let buildSeconds = Date().timeIntervalSince(started)

        guard let session = try await store.sessions(SessionQuery(meetingId: "large-session")).sessions.first?.session else {
            throw BenchError("the large session was not stored")
        }
        let streams = try await store.streams(sessionId: session.id)
        let samples = streams.reduce(Int64(0)) { $0 + $1.senderSamples + $1.receiverSamples }
        let size = try await store.sizeOnDiskBytes()
        let drops = try await store.healthDigest(sessionId: session.id, limits: .default, sliceMs: 10_000).drops.count
        let recorded = try await store.events(sessionId: session.id, participantId: nil).count
            + store.errors(sessionId: session.id).count
        let chunkBytes = try await store.sampleChunkPayloadBytes()

        let server = try await BenchServer.start(databasePath: databasePath, port: port)
        defer { Task { await server.stop() } }
        guard let video = streams.first(where: { $0.key.kind == .video && $0.receiverSamples > 0 }) else {
            throw BenchError("no video stream")
        }
        // The diagnosis's parts, outside the server: the same reads and the same core calls.
        let readStarted = Date()
        var series: [StreamSeries] = []
        for stream in streams {
            let all = try await store.samples(streamId: stream.id, side: nil, fromMs: nil, toMs: nil)
            for side in StreamSide.allCases {
                let ofSide = all.filter { $0.side == side }
                if !ofSide.isEmpty { series.append(StreamSeries(key: stream.key, side: side, samples: ofSide)) }
            }
        }
        let graph = CallGraph(series: series)
        let graphReadMs = Date().timeIntervalSince(readStarted) * 1000
        let diagnosisStarted = Date()
        let diagnosis = Diagnosis(graph: graph, callEnded: true)
        let diagnosisMs = Date().timeIntervalSince(diagnosisStarted) * 1000
        let scoresStarted = Date()
        _ = QualityScores(graph: graph, sliceMs: 10_000)
        let scoresMs = Date().timeIntervalSince(scoresStarted) * 1000

        let coldStarted = Date()
        _ = try await server.get("/api/v1/sessions/\(session.id)")
        let overviewColdMs = Date().timeIntervalSince(coldStarted) * 1000
        func measure(_ path: String) async throws -> Latency {
            _ = try await server.get(path)
            var millis: [Double] = []
            for _ in 0..<requests {
                let t0 = Date()
                _ = try await server.get(path)
                millis.append(Date().timeIntervalSince(t0) * 1000)
            }
            return Latency(millis: millis)
        }
        let overview = try await measure("/api/v1/sessions/\(session.id)")
        let oneStream = try await measure("/api/v1/sessions/\(session.id)/streams/\(video.id)/samples?side=receiver")
        let list = try await measure("/api/v1/sessions?limit=50")

        // The dashboard's pages, through a read-only share link (the same pages a signed-in user
        // gets, minus the action forms; no bcrypt sign-in in the measurement).
        let token = Credentials.generate(prefix: "")
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        try await store.createShareLink(ShareLink(tokenHash: Credentials.hash(token), sessionId: session.id, createdBy: "bench",
                                                  createdMs: nowMs, expiresMs: nowMs + 3_600_000))
        let sessionPage = try await measure("/share/\(token)")
        let statsPath = "/share/\(token)/stats?sender=\(video.key.senderId)&receiver=\(video.key.receiverId ?? "")&kind=video"
        let statsPage = try await measure(statsPath)
        let weight = (html: try Self.gzipped(try await server.get("/share/\(token)")),
                      js: try Self.gzipped(try await server.get("/app/app.js")),
                      css: try Self.gzipped(try await server.get("/app/app.css")))
        await server.stop()
        return Result(samples: samples, buildSamplesPerSecond: Double(samples) / buildSeconds,
                      bytesPerSample: Double(size) / Double(max(1, samples)),
                      chunkBytesPerSample: Double(chunkBytes) / Double(max(1, samples)),
                      participants: participants, samplesPerStream: Int(video.receiverSamples), overview: overview,
                      overviewColdMs: overviewColdMs, graphReadMs: graphReadMs, diagnosisMs: diagnosisMs, scoresMs: scoresMs,
                      problems: diagnosis.problems.count,
                      samples1h: oneStream, list: list, sessionPage: sessionPage, statsPage: statsPage, pageWeight: weight,
                      timelineEntries: recorded + drops, qualityDrops: drops)
    }

    /// Size after `gzip -9`, as a browser would receive it from a compressing proxy.
    static func gzipped(_ data: Data) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-9", "-c"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(data)
        try input.fileHandleForWriting.close()
        let compressed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return compressed.count
    }
}
