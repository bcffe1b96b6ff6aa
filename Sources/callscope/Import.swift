import ArgumentParser
import CallscopeCore
import CallscopeServer
import CallscopeStore
import Foundation

/// `callscope import FILE…`: dumps into the database, each as a session (or joining the
/// session an earlier import made of the same meeting), one transaction per file. A file that
/// fails says why on one line and leaves the database as it was; the others still go in.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import webrtc-internals or rtcstats dumps into the database, a session per file (or per meeting with --meeting).")

    @Argument(help: "chrome://webrtc-internals \"Create dump\" files or rtcstats dumps, plain or gzip-compressed.")
    var files: [String]

    @Option(help: "SQLite database file.") var database = "callscope.sqlite"
    @Option(help: "Project ID to import into (default: the first project; created when the database has none).")
    var project: String?
    @Option(help: "Meeting the files belong to: dumps of one meeting's participants join one session. Default: the file's own, else a new meeting per file.")
    var meeting: String?
    @Option(help: "Participant ID of the browser that wrote the dump (one file only). Default: the file's own, else its file name.")
    var participant: String?
    @Option(help: "Display name of that participant.") var name: String?
    @Flag(help: "Print one JSON object per file instead of text.") var json = false

    func validate() throws {
        if participant != nil && files.count > 1 {
            throw ValidationError("--participant names the browser of one dump; give one file with it")
        }
    }

    func run() async throws {
        let store: SQLiteStore
        do {
            store = try SQLiteStore(path: database)
        } catch {
            throw DumpFileError("cannot open database \(database): \(error)")
        }
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        guard let (target, newKey) = try await Bootstrap.importProject(store: store, id: project, nowMs: nowMs) else {
            throw DumpFileError("\(database): no project \(project ?? "") (see the projects in the dashboard)")
        }
        if let newKey {
            FileHandle.standardError.write(Data("Created the project \(target.id) (ingest key \(newKey))\n".utf8))
        }
        let importer = DumpImporter(store: store)
        var failed = 0
        for path in files {
            do {
                let bytes = try Self.bytes(of: path)
                // The session keeps the file's name, not where it lay on this machine.
                let file = DumpImporter.File(name: URL(fileURLWithPath: path).lastPathComponent, bytes: bytes, meetingId: meeting,
                                             participantId: participant, participantName: name)
                let outcome = try await importer.importDump(file, projectId: target.id, nowMs: nowMs)
                print(json ? Self.json(outcome) : Self.line(outcome, path: path))
            } catch let error as DumpFileError {
                failed += 1
                FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            } catch let error as ImportError {
                failed += 1
                FileHandle.standardError.write(Data("\(path): \(error.message)\n".utf8))
            } catch {
                failed += 1
                FileHandle.standardError.write(Data("\(path): not imported: \(error)\n".utf8))
            }
        }
        if failed > 0 { throw ExitCode(1) }
    }

    static func bytes(of path: String) throws -> [UInt8] {
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw DumpFileError("\(path): cannot be read (\(error.localizedDescription))")
        }
    }

    static func line(_ o: DumpImporter.Outcome, path: String) -> String {
        if o.duplicate {
            return "\(path): imported before, into session \(o.sessionId) (meeting \(o.meetingId), as \(o.participantId)); nothing stored"
        }
        let joined = o.joinedExistingSession ? "joined session" : "session"
        let refused = o.refusedReports > 0 ? ", \(o.refusedReports) stats reports refused" : ""
        return "\(path): \(o.format) → \(joined) \(o.sessionId) (meeting \(o.meetingId), as \(o.participantId)): "
            + "\(o.samples) samples, \(o.events) events, \(o.errors) errors\(refused)" + (o.notice.map { ". " + $0 } ?? "")
    }

    static func json(_ o: DumpImporter.Outcome) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(o)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
