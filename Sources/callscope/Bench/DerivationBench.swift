import CallscopeCore
import Foundation

/// A micro benchmark of the per-message stats hot path, without server, sockets or storage:
/// (a) `JSONValue.parse` of serialized stats messages, (b) `PeerConnectionStats.ingest(delta:…)`
/// (delta application + derivation), each in ns per derived stream-sample.
///
/// Why a separate measure: the end-to-end `bench` spreads its time over transport, SQLite and
/// this path; tuning the parser or the derivation needs a number that only they move.
///
/// The workload is the simulator's (`SyntheticMeeting`: Chrome field names, SFU-style, one delta
/// per participant per tick). "Shared" runs hold an extra copy of every `PeerConnectionStats`
/// while ingesting, as the server does with its rollback snapshot after each commit, so the
/// first write to the last report pays copy-on-write.
///
/// The digest covers every derived sample and the final reports: two builds that print the same
/// digest behave the same on this workload.
///
/// Build in release mode; `DerivationBench.run()` prints the figures and returns them.
enum DerivationBench {
    struct Result {
        var streamSamples: Int
        var parseNs: Double
        var applyNs: Double
        var deriveNs: Double
        var deriveSharedNs: Double
        /// A stable digest of every derived sample and final report, to compare builds.
        var digest: UInt64
    }

    /// One participant's stats messages: the first (full report) and the deltas after it, serialized.
    private struct Feed {
        var participantId: String
        var context: StreamContext
        var fullReport: JSONValue
        var deltas: [[UInt8]] = []
    }

    @discardableResult
    static func run(participants: Int = 12, ticks: Int = 150, rounds: Int = 7) -> Result {
        // Workload: serialized stats messages, as a collector sends them.
        var meeting = SyntheticMeeting(meetingId: "bench", participantCount: participants, shareScreen: true,
                                       tickMs: 1_000, seed: 42)
        var messages: [[UInt8]] = []
        for tick in 0..<ticks {
            for (_, message) in meeting.tick(tsMs: 1_700_000_000_000 + Int64(tick) * 1_000, dt: 1)
            where message["type"]?.string == "stats" {
                messages.append(message.serializedBytes())
            }
        }
        let bytes = messages.reduce(0) { $0 + $1.count }

        // Per participant: the full report parsed, the deltas as bytes. Ingest measures parse each
        // tick's messages just before ingesting them (untimed), as the server does, so that the
        // parsed values are as warm in cache as they would be there.
        var feeds: [String: Feed] = [:]
        var order: [String] = []
        for bytes in messages {
            let message = try! JSONValue.parse(bytes)
            let pid = message["participantId"]!.string!
            if let report = message["report"] {
                let labels = try! StreamLabels(parsing: message["labels"] ?? .null)
                feeds[pid] = Feed(participantId: pid, context: StreamContext(participantId: pid, labels: labels),
                                  fullReport: report)
                order.append(pid)
            } else {
                feeds[pid]!.deltas.append(bytes)
            }
        }
        let feedList = order.map { feeds[$0]! }
        let tickCount = feedList.map(\.deltas.count).min() ?? 0
        func parsedTick(_ tick: Int) -> [(delta: JSONValue, timestampMs: Double?)] {
            feedList.map { feed in
                let message = try! JSONValue.parse(feed.deltas[tick])
                return (message["delta"]!, message["timestamp"]?.double)
            }
        }

        // Correctness digest and sample count (untimed).
        var digest = Digest()
        var streamSamples = 0
        do {
            var pcs = start(feedList)
            for tick in 0..<tickCount {
                for (p, (delta, ts)) in parsedTick(tick).enumerated() {
                    let samples = try! pcs[p].ingest(delta: delta, timestampMs: ts, context: feedList[p].context)
                    streamSamples += samples.count
                    digest.add("\(samples)")
                }
            }
            for pc in pcs { digest.add(pc.lastReport!.json.serialized()) }
        }

        var parse = Double.infinity, apply = Double.infinity, derive = Double.infinity, shared = Double.infinity
        var sink = 0
        for _ in 0..<rounds {
            parse = min(parse, time {
                for message in messages { if case .object(let o) = try! JSONValue.parse(message) { sink &+= o.count } }
            })
            var reports = feedList.map { try! StatsReport(parsing: $0.fullReport) }
            var seconds = 0.0
            for tick in 0..<tickCount {
                let parsed = parsedTick(tick)
                seconds += time {
                    for (p, (delta, ts)) in parsed.enumerated() { try! reports[p].apply(delta: delta, timestampMs: ts) }
                }
            }
            apply = min(apply, seconds)
            sink &+= reports.count
            for holdCopy in [false, true] {
                var pcs = start(feedList)
                var held = pcs
                var seconds = 0.0
                for tick in 0..<tickCount {
                    let parsed = parsedTick(tick)
                    seconds += time {
                        for (p, (delta, ts)) in parsed.enumerated() {
                            if holdCopy { held[p] = pcs[p] }
                            sink &+= try! pcs[p].ingest(delta: delta, timestampMs: ts, context: feedList[p].context).count
                        }
                    }
                }
                held.removeAll()
                if holdCopy { shared = min(shared, seconds) } else { derive = min(derive, seconds) }
            }
        }
        precondition(sink != 42)  // keeps the work observable

        let parsers = JSONParserBench.run(messages: messages, rounds: rounds)
        let perSample = 1e9 / Double(max(1, streamSamples))
        let result = Result(streamSamples: streamSamples, parseNs: parse * perSample, applyNs: apply * perSample,
                            deriveNs: derive * perSample, deriveSharedNs: shared * perSample, digest: digest.value)
        print("""
            stats hot path: \(participants) participants × \(ticks) ticks, \(messages.count) messages \
            (\(bytes / max(1, messages.count)) B each), \(streamSamples) stream-samples from deltas; best of \(rounds)
              parse (whole messages)            \(String(format: "%8.1f", result.parseNs)) ns/stream-sample
              StatsReport.apply(delta:) only    \(String(format: "%8.1f", result.applyNs)) ns/stream-sample
              ingest(delta:) = apply + derive   \(String(format: "%8.1f", result.deriveNs)) ns/stream-sample
              ingest(delta:), report shared     \(String(format: "%8.1f", result.deriveSharedNs)) ns/stream-sample
              digest \(String(result.digest, radix: 16))
            JSON parsers on the same \(messages.count) messages, best of \(rounds) (ratio: time over the core's)
              JSONValue.parse (core, ingest)      \(String(format: "%9.0f", parsers.coreNsPerMessage)) ns/message  1.00
              JSONSerialization.jsonObject        \(String(format: "%9.0f", parsers.serializationNsPerMessage)) ns/message  \(String(format: "%.2f", parsers.serializationNsPerMessage / parsers.coreNsPerMessage))
              JSONDecoder → AnyJSON (Codable)     \(String(format: "%9.0f", parsers.decoderNsPerMessage)) ns/message  \(String(format: "%.2f", parsers.decoderNsPerMessage / parsers.coreNsPerMessage))
            """)
        return result
    }

    private static func start(_ feeds: [Feed]) -> [PeerConnectionStats] {
        feeds.map { feed in
            var pc = PeerConnectionStats()
            _ = try! pc.ingest(report: feed.fullReport, context: feed.context)
            return pc
        }
    }

    private static func time(_ body: () -> Void) -> Double {
        let start = ContinuousClock.now
        body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    /// FNV-1a over UTF-8: stable across processes, unlike `Hasher`.
    private struct Digest {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        mutating func add(_ text: String) {
            for byte in text.utf8 { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
    }
}
