import ArgumentParser
import CallscopeCore
import CallscopeServer
import Foundation

/// `callscope report FILE`: a dump someone attached to a ticket, read and diagnosed in the
/// terminal, with no server and no database. The dump goes through the same ingest messages,
/// derivation and diagnosis as live data (`OfflineCall`).
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a webrtc-internals dump's peer connections, streams, verdict, events and errors (no server, no database).")

    @Argument(help: "A chrome://webrtc-internals \"Create dump\" file, plain or gzip-compressed.")
    var file: String

    @Option(help: "The name of the participant whose browser wrote the dump.")
    var participant = "this browser"

    @Flag(help: "Print JSON for machines instead of text.")
    var json = false

    func run() throws {
        let dump = try Self.read(file)
        let call = OfflineCall(messages: dump.messages(meetingId: "report", participantId: participant))
        let report = ReportDocument(file: file, dump: dump, call: call, participant: participant)
        print(json ? report.json() : report.text(), terminator: json ? "\n" : "")
    }

    /// The dump in `path`, or an error naming the file and what was wrong.
    static func read(_ path: String) throws -> WebRTCInternalsDump {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw DumpFileError("\(path): cannot be read (\(error.localizedDescription))")
        }
        guard !bytes.isEmpty else { throw DumpFileError("\(path): the file is empty") }
        let text: [UInt8]
        do {
            text = try DumpFile.text(of: bytes)
        } catch {
            throw DumpFileError("\(path): \(error.message)")
        }
        guard !text.isEmpty else { throw DumpFileError("\(path): the file is empty once unpacked") }
        let root: JSONValue
        do {
            root = try JSONValue.parse(text)
        } catch {
            throw DumpFileError("\(path): line \(error.line), column \(error.column): not JSON: \(error.message)")
        }
        guard WebRTCInternalsDump.matches(root) else {
            throw DumpFileError("\(path): not a chrome://webrtc-internals dump (expected an object with \"PeerConnections\" and \"getUserMedia\")")
        }
        do {
            return try WebRTCInternalsDump(parsing: root)
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
