/// A dump file imported into a session, known by the SHA-256 of its content (unpacked, so the
/// same dump plain and gzip-compressed is one file): importing it again finds this row and
/// stores nothing.
public struct ImportedFile: Sendable, Hashable, Codable {
    public var projectId: String
    /// Lowercase hex SHA-256 of the dump's bytes once unpacked.
    public var contentSHA256: String
    public var sessionId: String
    public var meetingId: String
    /// The participant the dump's view was stored as.
    public var participantId: String
    /// The name the file was given (a path's last part, or an upload's file name).
    public var fileName: String
    /// `chrome://webrtc-internals`, `rtcstats v3`, …
    public var format: String
    public var importedMs: Int64

    public init(projectId: String, contentSHA256: String, sessionId: String, meetingId: String, participantId: String,
                fileName: String, format: String, importedMs: Int64) {
        self.projectId = projectId
        self.contentSHA256 = contentSHA256
        self.sessionId = sessionId
        self.meetingId = meetingId
        self.participantId = participantId
        self.fileName = fileName
        self.format = format
        self.importedMs = importedMs
    }
}
