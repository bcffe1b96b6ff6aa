import CallscopeCore
import CallscopeStore

/// Dump files into the store: each file becomes a session, or joins the session an earlier
/// import made of the same meeting, through the same session tracker, stats derivation and
/// health slices as live ingest — written in one transaction per file, so a failure leaves the
/// database as it was. A file imported before (same content hash) is recognised and not stored
/// again. The recording's own times are its clock: nothing is timed out against the server's.
///
/// ```swift
/// let importer = DumpImporter(store: store)
/// let outcome = try await importer.importDump(DumpImporter.File(name: "dump.txt", bytes: bytes), projectId: p.id, nowMs: now)
/// ```
public struct DumpImporter: Sendable {
    /// One file to import, with what the user said about it.
    public struct File: Sendable {
        public var name: String
        public var bytes: [UInt8]
        /// The meeting to file it under; else the file's own (rtcstats `identity`), else a new one.
        public var meetingId: String?
        /// Whose view the dump is; else the file's own, else a name made from the file's.
        public var participantId: String?
        public var participantName: String?

        public init(name: String, bytes: [UInt8], meetingId: String? = nil, participantId: String? = nil,
                    participantName: String? = nil) {
            self.name = name
            self.bytes = bytes
            self.meetingId = meetingId
            self.participantId = participantId
            self.participantName = participantName
        }
    }

    /// What an import did.
    public struct Outcome: Sendable, Hashable, Codable {
        public var fileName: String
        public var format: String
        public var sessionId: String
        public var meetingId: String
        public var participantId: String
        /// The file had been imported before: nothing was stored, `sessionId` is where it went.
        public var duplicate: Bool
        /// It joined a session an earlier import of the same meeting made.
        public var joinedExistingSession: Bool
        public var samples: Int
        public var events: Int
        public var errors: Int
        /// Stats reports the derivation refused (skipped, the rest imported).
        public var refusedReports: Int
        /// What the dump cannot show (legacy stats hold no jitter-buffer delay, …).
        public var notice: String? = nil
    }

    let store: any IngestStore & SessionReadStore
    let options: IngestPipeline.Options

    public init(store: any IngestStore & SessionReadStore, options: IngestPipeline.Options = IngestPipeline.Options()) {
        self.store = store
        self.options = options
    }

    /// Imports `file` into `projectId`. Throws ``ImportError`` for a file that cannot be read or
    /// names a participant the session already has; store errors as they come.
    public func importDump(_ file: File, projectId: String, nowMs: Int64) async throws -> Outcome {
        let dump = try LoadedDump(bytes: file.bytes)
        if let earlier = try await store.importedFile(projectId: projectId, contentSHA256: dump.contentSHA256) {
            return Outcome(fileName: file.name, format: dump.format, sessionId: earlier.sessionId, meetingId: earlier.meetingId,
                           participantId: earlier.participantId, duplicate: true, joinedExistingSession: false,
                           samples: 0, events: 0, errors: 0, refusedReports: 0)
        }
        let meetingId = try Self.meetingId(file, dump)
        let joined = try await joinableSession(projectId: projectId, meetingId: meetingId)
        let participantId = try Self.participantId(file, dump, taken: Set(joined?.participants.map(\.participantId) ?? []))
        let messages = dump.messages(meetingId: meetingId, participantId: participantId,
                                     name: file.participantName ?? dump.identity.name)
        guard messages.contains(where: { if case .join = $0.payload { false } else if case .leave = $0.payload { false } else { true } })
        else {
            throw ImportError("nothing to import: the dump holds no statistics, camera or microphone requests, or connection events "
                + "with a time")
        }

        var recording = RecordedRows(options: options, projectId: projectId, joining: joined)
        for message in messages { recording.add(message, nowMs: nowMs) }
        var batch = recording.finish()
        guard let sessionId = recording.sessionId else { throw ImportError("nothing to import: no participant messages") }
        batch.importedFiles = [ImportedFile(projectId: projectId, contentSHA256: dump.contentSHA256, sessionId: sessionId,
                                            meetingId: meetingId, participantId: participantId, fileName: file.name,
                                            format: dump.format, importedMs: nowMs)]
        try await store.write(batch)
        return Outcome(fileName: file.name, format: dump.format, sessionId: sessionId, meetingId: meetingId,
                       participantId: participantId, duplicate: false, joinedExistingSession: joined != nil,
                       samples: batch.samples.count, events: batch.events.count, errors: batch.errors.count,
                       refusedReports: recording.refusedReports, notice: dump.notice)
    }

    /// The session an earlier import made of this meeting, with its rows, when it has ended.
    private func joinableSession(projectId: String, meetingId: String) async throws -> RecordedRows.Joined? {
        guard let id = try await store.importedSessionId(projectId: projectId, meetingId: meetingId),
              let session = try await store.session(id: id), session.status == .ended else { return nil }
        return RecordedRows.Joined(session: session, participants: try await store.participants(sessionId: id),
                                   services: try await store.services(sessionId: id))
    }

    static func meetingId(_ file: File, _ dump: LoadedDump) throws(ImportError) -> String {
        if let given = file.meetingId {
            do {
                try IngestID.validate(given, name: "the meeting ID", field: "meetingId")
            } catch {
                throw ImportError(error.message, option: "meetingId")
            }
            return given
        }
        // The file's own, when it is one we can use; else a new meeting.
        if let own = dump.identity.meetingId, (try? IngestID.validate(own, name: "", field: "")) != nil { return own }
        return MeetingID.generate()
    }

    /// The given participant (which must be new to the session), else the file's own (its
    /// endpoint, else its display name), else a name made from the file's ("webrtc_internals_dump"), numbered when the session has it.
    static func participantId(_ file: File, _ dump: LoadedDump, taken: Set<String>) throws(ImportError) -> String {
        if let given = file.participantId {
            do {
                try IngestID.validate(given, name: "the participant ID", field: "participantId")
            } catch {
                throw ImportError(error.message, option: "participantId")
            }
            guard !taken.contains(given) else {
                throw ImportError("participant \(given) is already in this meeting's imported session: give another participant ID",
                                  option: "participantId")
            }
            return given
        }
        let own = [dump.identity.participantId, dump.identity.name].compactMap { $0 }
            .first { (try? IngestID.validate($0, name: "", field: "")) != nil }
        let base = own ?? Self.stem(of: file.name)
        var candidate = base
        var n = 2
        while taken.contains(candidate) {
            candidate = "\(base) (\(n))"
            n += 1
        }
        return candidate
    }

    /// A file name's last part without its extensions, held to the ID rules: "dump (3)" of
    /// "/tmp/dump (3).txt.gz".
    static func stem(of name: String) -> String {
        let last = name.split(separator: "/").last.map(String.init) ?? name
        let bare = last.split(separator: ".").first.map(String.init) ?? last
        let clean = String(String.UnicodeScalarView(bare.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7f
            && !(0x80...0x9f).contains($0.value) }))
        var out = ""
        for ch in clean where out.utf8.count + ch.utf8.count <= 64 { out.append(ch) }
        return out.isEmpty ? "imported participant" : out
    }
}
