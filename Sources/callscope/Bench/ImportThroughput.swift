import Foundation

/// Import speed and memory: `callscope import` (this binary, a child process, into a fresh
/// SQLite file) on one large webrtc-internals dump, beside the time Python's `json.load` alone
/// takes on the same file — the baseline the import must beat — and the peak resident memory of
/// each process. The dump is made here (``syntheticDump(peerConnections:seconds:)``) unless a
/// file is given.
struct ImportThroughput {
    struct Result {
        var bytes: Int
        var importSeconds: Double
        var importPeakBytes: Int
        var pythonSeconds: Double?
        var pythonPeakBytes: Int?
        var outcome: String

        var megabytesPerSecond: Double { Double(bytes) / 1e6 / importSeconds }
    }

    static func run(directory: URL, file: String?, peerConnections: Int, seconds: Int) throws -> Result {
        let path: String
        if let file {
            path = file
        } else {
            path = directory.appendingPathComponent("large_webrtc_internals_dump.txt").path
            try Data(syntheticDump(peerConnections: peerConnections, seconds: seconds).utf8).write(to: URL(fileURLWithPath: path))
        }
        let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let database = directory.appendingPathComponent("import.sqlite").path
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        let imported = try child(me, ["import", "--database", database, "--participant", "bench", path])
        var python: (seconds: Double, peakBytes: Int, output: String)?
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") {
            python = try? child("/usr/bin/python3", ["-c", "import json,sys; json.load(open(sys.argv[1]))", path])
        }
        return Result(bytes: bytes, importSeconds: imported.seconds, importPeakBytes: imported.peakBytes,
                      pythonSeconds: python?.seconds, pythonPeakBytes: python?.peakBytes,
                      outcome: imported.output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Runs `path args` to its end: wall time, peak resident memory (`wait4`'s rusage), its
    /// output. Spawned and reaped here (not through Foundation's `Process`, whose own reaper may
    /// take the child first and its rusage with it).
    static func child(_ path: String, _ args: [String]) throws -> (seconds: Double, peakBytes: Int, output: String) {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("callscope-bench-child-\(getpid()).txt").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([path] + args).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let start = Date()
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard spawned == 0 else { throw ValidationErrorText("cannot start \(path): error \(spawned)") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let seconds = Date().timeIntervalSince(start)
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // Exited normally with status 0: the low 7 bits (signal) and the next 8 (status) are 0.
        guard status == 0 else { throw ValidationErrorText("\(path) \(args.joined(separator: " ")) failed: \(output.prefix(400))") }
        return (seconds, Int(usage.ru_maxrss) * 1024, output)
    }

    /// A webrtc-internals dump as Chrome writes it: `peerConnections` connections, each sending
    /// and receiving audio and video for `seconds` at 1 Hz, with the stats webrtc-internals
    /// keeps (outbound, inbound, remote-inbound, media-source, candidate pair), every property
    /// a series of `seconds` values.
    static func syntheticDump(peerConnections: Int, seconds: Int) -> String {
        let t0 = 1_770_000_000_000.0
        func iso(_ ms: Double) -> String {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return formatter.string(from: Date(timeIntervalSince1970: ms / 1000))
        }
        let start = iso(t0), end = iso(t0 + Double(seconds - 1) * 1000)
        var out = #"{"getUserMedia":[],"UserAgent":"Mozilla/5.0 (X11; Linux x86_64) Chrome/144.0.0.0 Safari/537.36","PeerConnections":{"#
        for pc in 0..<peerConnections {
            var series: [String] = []
            func add(_ id: String, _ type: String, _ prop: String, _ value: (Int) -> String) {
                let values = (0..<seconds).map(value).joined(separator: ",")
                let quoted = ("[" + values + "]").replacingOccurrences(of: "\"", with: "\\\"")
                series.append("\"\(id)-\(prop)\":{\"startTime\":\"\(start)\",\"endTime\":\"\(end)\",\"statsType\":\"\(type)\",\"values\":\"\(quoted)\"}")
            }
            add("P", "peer-connection", "timestamp") { String(format: "%.3f", t0 + Double($0) * 1000) }
            for (kind, ssrc) in [("audio", 1), ("video", 2)] {
                let video = kind == "video"
                let out = "OT\(kind)", inb = "IT\(kind)", ri = "RI\(kind)"
                add(out, "outbound-rtp", "timestamp") { String(format: "%.3f", t0 + Double($0) * 1000) }
                add(out, "outbound-rtp", "kind") { _ in "\"\(kind)\"" }
                add(out, "outbound-rtp", "ssrc") { _ in "\(ssrc)" }
                add(out, "outbound-rtp", "packetsSent") { "\($0 * (video ? 120 : 50))" }
                add(out, "outbound-rtp", "bytesSent") { "\($0 * (video ? 120_000 : 5_000))" }
                add(out, "outbound-rtp", "headerBytesSent") { "\($0 * (video ? 3_000 : 1_200))" }
                add(out, "outbound-rtp", "retransmittedPacketsSent") { "\($0 / 10)" }
                add(ri, "remote-inbound-rtp", "timestamp") { String(format: "%.3f", t0 + Double($0) * 1000 - 300) }
                add(ri, "remote-inbound-rtp", "kind") { _ in "\"\(kind)\"" }
                add(ri, "remote-inbound-rtp", "ssrc") { _ in "\(ssrc)" }
                add(ri, "remote-inbound-rtp", "localId") { _ in "\"\(out)\"" }
                add(ri, "remote-inbound-rtp", "packetsLost") { "\($0 / 50)" }
                add(ri, "remote-inbound-rtp", "jitter") { "\(0.002 + Double($0 % 7) / 1000)" }
                add(ri, "remote-inbound-rtp", "roundTripTime") { "\(0.04 + Double($0 % 5) / 1000)" }
                add(inb, "inbound-rtp", "timestamp") { String(format: "%.3f", t0 + Double($0) * 1000) }
                add(inb, "inbound-rtp", "kind") { _ in "\"\(kind)\"" }
                add(inb, "inbound-rtp", "ssrc") { _ in "\(ssrc + 100)" }
                add(inb, "inbound-rtp", "packetsReceived") { "\($0 * (video ? 118 : 49))" }
                add(inb, "inbound-rtp", "packetsLost") { "\($0 / 40)" }
                add(inb, "inbound-rtp", "bytesReceived") { "\($0 * (video ? 118_000 : 4_900))" }
                add(inb, "inbound-rtp", "jitter") { "\(0.003 + Double($0 % 9) / 1000)" }
                add(inb, "inbound-rtp", "jitterBufferDelay") { "\(Double($0) * 0.05)" }
                add(inb, "inbound-rtp", "jitterBufferEmittedCount") { "\($0 * 50)" }
                if video {
                    add(out, "outbound-rtp", "framesEncoded") { "\($0 * 30)" }
                    add(out, "outbound-rtp", "framesSent") { "\($0 * 30)" }
                    add(out, "outbound-rtp", "framesPerSecond") { _ in "30" }
                    add(out, "outbound-rtp", "frameWidth") { _ in "1280" }
                    add(out, "outbound-rtp", "frameHeight") { _ in "720" }
                    add(out, "outbound-rtp", "qualityLimitationReason") { _ in "\"none\"" }
                    add(inb, "inbound-rtp", "framesDecoded") { "\($0 * 30)" }
                    add(inb, "inbound-rtp", "framesReceived") { "\($0 * 30)" }
                    add(inb, "inbound-rtp", "framesPerSecond") { _ in "30" }
                    add(inb, "inbound-rtp", "frameWidth") { _ in "1280" }
                    add(inb, "inbound-rtp", "frameHeight") { _ in "720" }
                    add(inb, "inbound-rtp", "freezeCount") { "\($0 / 600)" }
                    add(inb, "inbound-rtp", "totalFreezesDuration") { "\(Double($0 / 600) * 0.2)" }
                }
            }
            add("CP", "candidate-pair", "timestamp") { String(format: "%.3f", t0 + Double($0) * 1000) }
            add("CP", "candidate-pair", "state") { _ in "\"succeeded\"" }
            add("CP", "candidate-pair", "nominated") { _ in "true" }
            add("CP", "candidate-pair", "currentRoundTripTime") { "\(0.04 + Double($0 % 5) / 1000)" }
            add("CP", "candidate-pair", "bytesSent") { "\($0 * 125_000)" }
            add("CP", "candidate-pair", "bytesReceived") { "\($0 * 123_000)" }
            out += (pc == 0 ? "" : ",") + "\"1-\(pc + 1)\":{\"url\":\"https://bench.example/\",\"updateLog\":[],\"stats\":{"
                + series.joined(separator: ",") + "}}"
        }
        return out + "}}"
    }
}

/// A failure to say as it is.
struct ValidationErrorText: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
