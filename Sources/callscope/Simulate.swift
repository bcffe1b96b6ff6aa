import ArgumentParser
import CallscopeCore
import Foundation
import Logging

/// `callscope simulate`: demo data and load, over real WebSockets to a running server.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send simulated calls to a running server over the ingest protocol.",
        discussion: """
            N meetings × M participants in an SFU-style call: audio and video (and a screen share from \
            the first participant), realistic Chrome getStats reports (full, then delta-compressed) with \
            loss, jitter and RTT episodes, mutes, errors, one rejoin per meeting, and leaves at the end.
            """)

    @Option(help: "Server base URL.") var server = "http://127.0.0.1:8080"
    @Option(help: "Project ingest key (env CALLSCOPE_INGEST_KEY).") var key: String?
    @Option(help: "Number of meetings.") var meetings = 2
    @Option(help: "Participants per meeting.") var participants = 4
    @Option(help: "Call length in seconds (simulated time).") var duration = 120
    @Option(help: "Seconds between stats reports.") var tick = 2.0
    @Flag(help: "Send as fast as the server answers, with simulated timestamps ending now, instead of in real time.")
    var fast = false
    @Flag(help: "The first participant of each meeting shares a screen.") var screenShare = false
    @Option(help: "Random seed, for a replayable simulation.") var seed: UInt64 = 1

    func run() async throws {
        guard let key = key ?? ProcessInfo.processInfo.environment["CALLSCOPE_INGEST_KEY"] else {
            throw ValidationError("an ingest key is required: --key or CALLSCOPE_INGEST_KEY")
        }
        guard meetings > 0, participants > 0, duration > 0, tick > 0 else {
            throw ValidationError("meetings, participants, duration and tick must be positive")
        }
        let wsURL = server.replacingOccurrences(of: "http://", with: "ws://")
            .replacingOccurrences(of: "https://", with: "wss://") + "/ingest/v1/ws?key=\(key)"
        let tickMs = Int64(tick * 1000)
        let ticks = Int(Double(duration) / tick)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let startMs = fast ? now - Int64(duration) * 1000 - 5_000 : now
        let logger = Logger(label: "callscope.simulate")
        let started = Date()
        let outcomes = try await withThrowingTaskGroup(of: IngestConnection.Outcome.self) { group in
            for m in 0..<meetings {
                let meetingId = Self.meetingId(seed: seed, index: m)
                var meeting = SyntheticMeeting(meetingId: meetingId, participantCount: participants,
                                               shareScreen: screenShare, tickMs: tickMs, seed: seed &+ UInt64(m))
                let (frames, sink) = AsyncStream<String>.makeStream(bufferingPolicy: .unbounded)
                group.addTask {
                    try await IngestConnection(url: wsURL, window: 8, logger: logger).run(frames: frames)
                }
                let realTime = !fast
                group.addTask {
                    func send(_ batch: [(participant: Int, message: JSONValue)]) {
                        // One frame per participant per step, as a collector would send.
                        for messages in Dictionary(grouping: batch, by: \.participant).values {
                            sink.yield(JSONValue.array(messages.map(\.message)).serialized())
                        }
                    }
                    send(meeting.joins(startMs: startMs))
                    for t in 1...max(1, ticks) {
                        let ts = startMs + Int64(t) * tickMs
                        if realTime { try await Task.sleep(for: .milliseconds(tickMs)) }
                        send(meeting.tick(tsMs: ts, dt: Double(tickMs) / 1000))
                        if t == ticks / 2, participants > 1 { send(meeting.rejoin(participants - 1, tsMs: ts + 100)) }
                    }
                    send(meeting.leaves(tsMs: startMs + Int64(ticks) * tickMs + 500))
                    sink.finish()
                    return IngestConnection.Outcome()
                }
                print("meeting \(meetingId): \(participants) participants, \(ticks) ticks")
            }
            var all: [IngestConnection.Outcome] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
        let sent = outcomes.map(\.framesSent).reduce(0, +)
        let acked = outcomes.map(\.acked).reduce(0, +)
        let errors = outcomes.flatMap(\.errors)
        print("sent \(sent) frames, \(acked) acknowledged, \(errors.count) errors in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        for error in errors.prefix(5) { print("error: \(error)") }
        if !errors.isEmpty { throw ExitCode(1) }
    }

    /// Meeting IDs of the generated `abcd-efgh-ijkl` form (docs/metrics.md §4.1), the same for the same seed.
    static func meetingId(seed: UInt64, index: Int) -> String {
        var rng = SplitMix64(seed: seed &* 31 &+ UInt64(index))
        return MeetingID.generate(using: &rng)
    }
}
