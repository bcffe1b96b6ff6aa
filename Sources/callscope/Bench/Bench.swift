import ArgumentParser
import CallscopeCore
import CallscopeServer
import CallscopeStore
import Foundation
import Logging

/// `callscope bench`: durable ingest throughput through the real server over loopback
/// WebSockets beside raw GRDB inserts of the same rows, API latency on a long, large session,
/// and bytes on disk per stream-sample. Build in release mode: `swift run -c release callscope bench`.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Measure ingest throughput, API latency and disk use.")

    @Option(help: "Meetings in the ingest-throughput run.") var meetings = 8
    @Option(help: "Participants per meeting in the ingest-throughput run.") var participants = 12
    @Option(help: "Stats ticks per participant in the ingest-throughput run.") var ticks = 150
    @Option(help: "Participants of the large session for API latency.") var apiParticipants = 50
    @Option(help: "Minutes of the large session for API latency (2 s ticks).") var apiMinutes = 60
    @Option(help: "Requests per API latency measurement.") var requests = 50
    @Option(help: "First loopback port to use.") var port = 18_480
    @Flag(help: "Only the parse and derivation hot path, without server, sockets or storage (ns per stream-sample).")
    var hotPath = false
    @Option(help: "Peer connections of the webrtc-internals dump made for the import run.") var importPeerConnections = 12
    @Option(help: "Seconds (1 Hz reports) of that dump.") var importSeconds = 3600
    @Option(help: "Import this dump instead of the one made here.") var importFile: String?
    @Flag(help: "Only the import run.") var importOnly = false
    @Option(help: "Write the dump the import run makes to this file, and stop.") var writeImportDump: String?

    func run() async throws {
        #if DEBUG
        print("warning: a debug build; numbers are only meaningful with -c release")
        #endif
        if hotPath {
            DerivationBench.run()
            return
        }
        if let path = writeImportDump {
            try Data(ImportThroughput.syntheticDump(peerConnections: importPeerConnections, seconds: importSeconds).utf8)
                .write(to: URL(fileURLWithPath: path))
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callscope-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var table = BenchTable()
        // First, while this process is small: a child's peak memory (wait4's ru_maxrss) starts
        // from its parent's resident size at the spawn, which the large session below makes GBs.
        try addImport(to: &table, directory: directory)
        if importOnly {
            table.print()
            return
        }

        // 1. Durable ingest through the real server, over loopback WebSockets.
        let ingest = try await IngestThroughput(meetings: meetings, participants: participants, ticks: ticks)
            .run(databasePath: directory.appendingPathComponent("ingest.sqlite").path, port: port)
        table.add("ingest via server (WebSocket, durable)", String(format: "%.0f stream-samples/s", ingest.samplesPerSecond),
                  "\(ingest.samples) samples, \(ingest.frames) frames, \(meetings)×\(participants) participants on their own WebSockets (≤\(IngestThroughput.window) frames in flight each), \(String(format: "%.1f", ingest.seconds)) s")
        table.add("  CPU per stream-sample (server + client)", String(format: "%.1f µs", ingest.cpuSeconds / Double(ingest.samples) * 1e6),
                  String(format: "%.2f cores busy on average", ingest.cpuSeconds / ingest.seconds))
        table.add("  wire bytes per stream-sample", String(format: "%.0f B", ingest.wireBytesPerSample), "delta-compressed JSON")

        // 2. The same rows straight through GRDB.
        let raw = try RawInsertBaseline.run(samples: ingest.storedSamples, directory: directory)
        table.add("raw GRDB inserts (1000 rows/txn)", String(format: "%.0f rows/s", raw.rowsPerSecond),
                  String(format: "%.0f B/row on disk", raw.bytesPerRow))
        table.add("ratio server / raw GRDB", String(format: "%.2f", ingest.samplesPerSecond / raw.rowsPerSecond), "")

        // 3. A large, long session for API latency and disk use.
        let large = try await LargeSession(participants: apiParticipants, minutes: apiMinutes)
            .run(databasePath: directory.appendingPathComponent("large.sqlite").path, port: port + 1, requests: requests)
        table.add("large session built (pipeline, no transport)", String(format: "%.0f stream-samples/s", large.buildSamplesPerSecond),
                  "\(large.samples) samples, \(apiParticipants) participants × \(apiMinutes) min")
        table.add("bytes on disk per stream-sample", String(format: "%.1f B", large.bytesPerSample),
                  "whole database / samples; sample payload alone \(String(format: "%.1f B", large.chunkBytesPerSample))")
        table.add("API session overview", large.overview.summary, "\(large.participants) participants; diagnosis cached")
        table.add("  first overview (diagnosis computed)", String(format: "%.0f ms", large.overviewColdMs),
                  "once per session and new data (at most every half slice while ongoing)")
        table.add("  diagnosis: read every sample", String(format: "%.0f ms", large.graphReadMs), "\(large.samples) samples into the call graph")
        table.add("  diagnosis: core", String(format: "%.0f ms", large.diagnosisMs), "symptoms, locator, verdict; \(large.problems) problems")
        table.add("  quality scores: core", String(format: "%.0f ms", large.scoresMs), "MOS and video score per slice")
        table.add("API one stream, whole session", large.samples1h.summary, "\(large.samplesPerStream) samples")
        table.add("API sessions list", large.list.summary, "")
        table.add("dashboard session page (Overview)", large.sessionPage.summary,
                  "\(large.participants) participants; server time, HTML rendered; timeline of \(large.timelineEntries) entries "
                    + "(\(large.qualityDrops) quality drops), 200 a page")
        table.add("dashboard session stats (7 charts)", large.statsPage.summary, "one video stream, whole session, SVG")
        table.add("dashboard page weight, gzipped", "\(large.pageWeight.html + large.pageWeight.js + large.pageWeight.css) B",
                  "HTML \(large.pageWeight.html) B + JS \(large.pageWeight.js) B + CSS \(large.pageWeight.css) B")
        table.print()
    }

    /// A large dump through `callscope import`, beside Python's `json.load` of the same file.
    private func addImport(to table: inout BenchTable, directory: URL) throws {
        let run = try ImportThroughput.run(directory: directory, file: importFile, peerConnections: importPeerConnections,
                                           seconds: importSeconds)
        let mb = Double(run.bytes) / 1e6
        table.add("import a webrtc-internals dump (callscope import)", String(format: "%.1f MB/s", run.megabytesPerSecond),
                  String(format: "%.0f MB in %.1f s, peak memory %.0f MB; %@", mb, run.importSeconds,
                         Double(run.importPeakBytes) / 1e6, importFile ?? "\(importPeerConnections) connections × \(importSeconds) s made here"))
        if let py = run.pythonSeconds, let pyPeak = run.pythonPeakBytes {
            table.add("  Python json.load of the same file", String(format: "%.1f MB/s", mb / py),
                      String(format: "%.1f s, peak memory %.0f MB", py, Double(pyPeak) / 1e6))
            table.add("  ratio import / json.load speed", String(format: "%.2f", py / run.importSeconds), "above 1: importing beats merely parsing")
        }
        table.add("  import said", run.outcome.split(separator: ":").dropFirst().joined(separator: ":").trimmingCharacters(in: .whitespaces), "")
    }
}

/// p50/p95 of a set of latencies.
struct Latency {
    var millis: [Double]
    var summary: String {
        let sorted = millis.sorted()
        func p(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int((Double(sorted.count) * q).rounded(.down)))] }
        return String(format: "p50 %.1f ms, p95 %.1f ms", p(0.5), p(0.95))
    }
}

struct BenchTable {
    var rows: [(String, String, String)] = []
    mutating func add(_ what: String, _ value: String, _ detail: String) { rows.append((what, value, detail)) }

    func print() {
        let w0 = rows.map(\.0.count).max() ?? 0
        let w1 = rows.map(\.1.count).max() ?? 0
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
        Swift.print("\n| \(pad("measure", w0)) | \(pad("value", w1)) | detail |")
        Swift.print("|-\(String(repeating: "-", count: w0))-|-\(String(repeating: "-", count: w1))-|--------|")
        for r in rows { Swift.print("| \(pad(r.0, w0)) | \(pad(r.1, w1)) | \(r.2) |") }
    }
}
