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
        let dump = try Self.read(file, participant: participant)
        let report = ReportDocument(file: file, dump: dump, call: OfflineCall(messages: dump.messages), participant: participant)
        print(json ? report.json() : report.text(), terminator: json ? "\n" : "")
    }

    /// What the report needs of a dump of either format.
    struct LoadedDump {
        struct PeerConnection {
            var id: String
            var reports: Int
            var firstMs: Double?
            var lastMs: Double?
            var url: String?
        }

        var format: String
        var userAgent: String?
        /// What the report cannot show of this dump, said before anything else.
        var notice: String?
        var peerConnections: [PeerConnection]
        var messages: [IngestMessage]
    }

    /// The dump in `path`, or an error naming the file and what was wrong.
    static func read(_ path: String, participant: String) throws -> LoadedDump {
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
        if RtcstatsDump.matches(text) {
            let dump: RtcstatsDump
            do {
                dump = try RtcstatsDump(parsing: text)
            } catch {
                throw DumpFileError("\(path): \(error.message)")
            }
            var byPc: [String: [Double]] = [:]
            for entry in dump.entries where RtcstatsDump.isStats(entry) { byPc[entry.pc ?? "", default: []].append(entry.tsMs) }
            return LoadedDump(format: dump.fileFormat == 3 ? "rtcstats v3" : "rtcstats (rtcstats-server)", userAgent: dump.userAgent,
                              notice: dump.hasLegacyStats ? "Its statistics are Chrome's legacy goog… stats, which this version "
                                  + "does not read yet: streams, health and the verdict are missing." : nil,
                              peerConnections: byPc.keys.sorted().map { id in
                                  LoadedDump.PeerConnection(id: id, reports: byPc[id]!.count, firstMs: byPc[id]!.min(),
                                                            lastMs: byPc[id]!.max(), url: nil)
                              },
                              messages: dump.messages(meetingId: "report", participantId: participant))
        }
        let root: JSONValue
        do {
            root = try JSONValue.parse(text)
        } catch let error where error.line == 2 && error.column == 1
                    && (try? JSONValue.parse(text.prefix { $0 != 10 }))?.object != nil {
            throw DumpFileError("\(path): lines of JSON objects, neither a chrome://webrtc-internals dump nor an rtcstats dump "
                + "(whose lines are [method, peer connection, value, time]); server-side stats such as Jitsi's are not read")
        } catch {
            throw DumpFileError("\(path): line \(error.line), column \(error.column): not JSON: \(error.message)")
        }
        guard WebRTCInternalsDump.matches(root) else {
            throw DumpFileError("\(path): neither a chrome://webrtc-internals dump (an object with \"PeerConnections\" and "
                + "\"getUserMedia\") nor an rtcstats dump (lines of [method, peer connection, value, time])")
        }
        let dump: WebRTCInternalsDump
        do {
            dump = try WebRTCInternalsDump(parsing: root)
        } catch {
            throw DumpFileError("\(path): \(error.message)")
        }
        return LoadedDump(format: "chrome://webrtc-internals", userAgent: dump.userAgent, notice: nil,
                          peerConnections: dump.peerConnections.map { pc in
                              LoadedDump.PeerConnection(id: pc.id, reports: pc.reports.count, firstMs: pc.reports.first?.tsMs,
                                                        lastMs: pc.reports.last?.tsMs, url: pc.url)
                          },
                          messages: dump.messages(meetingId: "report", participantId: participant))
    }
}

/// A dump file that cannot be reported on: one line, naming the file (no usage text after it,
/// as a `ValidationError` would print).
struct DumpFileError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}
