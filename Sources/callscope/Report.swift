import ArgumentParser
import CallscopeCore
import CallscopeServer
import Foundation

/// `callscope report FILE`: a dump someone attached to a ticket, read and diagnosed in the
/// terminal, with no server and no database. The dump goes through the same ingest messages,
/// derivation and diagnosis as live data (`OfflineCall`).
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a webrtc-internals or rtcstats dump's peer connections, streams, verdict, events and errors (no server, no database).")

    @Argument(help: "A chrome://webrtc-internals \"Create dump\" file or an rtcstats dump, plain or gzip-compressed.")
    var file: String

    @Option(help: "The name of the participant whose browser wrote the dump.")
    var participant = "this browser"

    @Flag(help: "Print JSON for machines instead of text.")
    var json = false

    func run() throws {
        let (dump, messages) = try Self.read(file, participant: participant)
        let report = ReportDocument(file: file, dump: dump, call: OfflineCall(messages: messages), participant: participant)
        print(json ? report.json() : report.text(), terminator: json ? "\n" : "")
    }

    /// The dump in `path`, or an error naming the file and what was wrong.
    static func read(_ path: String, participant: String) throws -> (dump: LoadedDump, messages: [IngestMessage]) {
        let bytes = try Import.bytes(of: path)
        do {
            let dump = try LoadedDump(bytes: bytes)
            return (dump, dump.messages(meetingId: "report", participantId: participant))
        } catch {
            throw DumpFileError("\(path): \(error.message)")
        }
    }
}

/// A dump file that cannot be reported on: one line, naming the file (no usage text after it,
/// as a `ValidationError` would print).
struct DumpFileError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}
