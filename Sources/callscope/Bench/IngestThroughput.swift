import CallscopeCore
import CallscopeStore
import Foundation
import Logging

/// Durable ingest through the real server: pre-generated frames (so that the load generator's
/// own work is not in the measurement) sent over one loopback WebSocket per meeting, timed from
/// the first frame to the last acknowledgement.
struct IngestThroughput {
    let meetings: Int
    let participants: Int
    let ticks: Int

    struct Result {
        var samples: Int64
        var frames: Int
        var seconds: Double
        var wireBytesPerSample: Double
        var storedSamples: [StreamSample]
        /// Process CPU time (server and load generator together) during the run.
        var cpuSeconds: Double
        var samplesPerSecond: Double { Double(samples) / seconds }
    }

    /// Frames a connection may have awaiting their answer, as a collector with a small backlog.
    static let window = 4

    /// One WebSocket per participant, as collectors connect.
    func run(databasePath: String, port: Int) async throws -> Result {
        var framesPerParticipant: [[String]] = []
        var wireBytes = 0
        let startMs = Int64(Date().timeIntervalSince1970 * 1000) - Int64(ticks) * 2_000 - 60_000
        for m in 0..<meetings {
            var meeting = SyntheticMeeting(meetingId: "bench-\(m)", participantCount: participants, shareScreen: m == 0,
                                           tickMs: 2_000, seed: UInt64(m + 1))
            var frames = Array(repeating: [String](), count: participants)
            func add(_ batch: [(participant: Int, message: JSONValue)]) {
                for (participant, messages) in Dictionary(grouping: batch, by: \.participant) {
                    let frame = JSONValue.array(messages.map(\.message)).serialized()
                    wireBytes += frame.utf8.count
                    frames[participant].append(frame)
                }
            }
            add(meeting.joins(startMs: startMs))
            for t in 1...ticks { add(meeting.tick(tsMs: startMs + Int64(t) * 2_000, dt: 2)) }
            framesPerParticipant += frames
        }

        let server = try await BenchServer.start(databasePath: databasePath, port: port)
        let logger = { var l = Logger(label: "callscope.bench.client"); l.logLevel = .warning; return l }()
        let started = Date()
        let cpuBefore = Self.processCPUSeconds()
        let outcomes = try await withThrowingTaskGroup(of: IngestConnection.Outcome.self) { group in
            for frames in framesPerParticipant {
                let url = server.wsURL
                group.addTask {
                    let (stream, sink) = AsyncStream<String>.makeStream(bufferingPolicy: .unbounded)
                    for f in frames { sink.yield(f) }
                    sink.finish()
                    return try await IngestConnection(url: url, window: Self.window, logger: logger).run(frames: stream)
                }
            }
            var all: [IngestConnection.Outcome] = []
            for try await o in group { all.append(o) }
            return all
        }
        let seconds = Date().timeIntervalSince(started)
        let cpu = Self.processCPUSeconds() - cpuBefore
        let errors = outcomes.flatMap(\.errors)
        guard errors.isEmpty else { throw BenchError("ingest errors: \(errors.prefix(3))") }

        var samples: Int64 = 0
        var stored: [StreamSample] = []
        for summary in try await server.store.sessions(SessionQuery(limit: 500)).sessions {
            for stream in try await server.store.streams(sessionId: summary.session.id) {
                samples += stream.senderSamples + stream.receiverSamples
                stored += try await server.store.samples(streamId: stream.id, side: nil, fromMs: nil, toMs: nil)
            }
        }
        await server.stop()
        return Result(samples: samples, frames: outcomes.map(\.framesSent).reduce(0, +), seconds: seconds,
                      wireBytesPerSample: Double(wireBytes) / Double(max(1, samples)), storedSamples: stored,
                      cpuSeconds: cpu)
    }

    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
