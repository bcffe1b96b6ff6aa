/// A `chrome://webrtc-internals` "Create dump" file in the standard stats format, read into what
/// the collector would have sent: for each peer connection its full `getStats()` reports in time
/// order and its `updateLog` (docs/imports.md).
///
/// The file is one JSON object:
///
/// ```text
/// { "UserAgent": "Mozilla/5.0 …",            (optional, as are UserAgentData, timestamp, …)
///   "getUserMedia": [ … ],
///   "PeerConnections": {
///     "<rid>-<lid>": {                       e.g. "92-1": render process and local id
///       "url": "https://…", "rtcConfiguration": "…",
///       "updateLog": [ {"type": "onconnectionstatechange", "value": "\"connected\"",
///                       "timestamp": 1770110092820.1}, … ],
///       "stats": {
///         "<statsId>-<property>": {          split at the first "-[" (derived series, skipped),
///                                            else at the last "-"
///           "startTime": "2026-02-03T09:14:50.620Z", "endTime": "…",   ISO 8601, UTC, ms
///           "statsType": "outbound-rtp",     (absent in 2020 dumps: the "-type" series says)
///           "values": "[1,2,3]"              a JSON array, one value per getStats() call, as a string
///         }, … } } } }
/// ```
///
/// A property's series holds one value per `getStats()` call in which its stat was present, up
/// to `endTime`; series of one stat, or of one property, may be shorter than others (a stat that
/// appeared later, a property that is not always reported). So every series is aligned from its
/// end: its last value belongs to the call nearest its `endTime`, the one before to the call
/// before, and so on. The calls are the `timestamp` series of the stat with the most samples
/// (the `peer-connection` stat, there from the start), or, in dumps without timestamp series,
/// one per second from the first series' start.
///
/// ```swift
/// let dump = try WebRTCInternalsDump(parsing: JSONValue.parse(bytes))
/// dump.peerConnections.first?.reports.count   // 59
/// ```
public struct WebRTCInternalsDump: Sendable, Hashable {
    /// One `getStats()` call: the time it was made and every stat it returned, as the array of
    /// stat objects the collector sends (`{"id", "type", "timestamp", …}`).
    public struct Report: Sendable, Hashable {
        public var tsMs: Double
        public var stats: JSONValue
    }

    /// One entry of a peer connection's `updateLog`: an API call, an event or a state change.
    public struct LogEntry: Sendable, Hashable {
        /// `nil` in 2020 dumps, whose entries carry a locale time string only.
        public var tsMs: Double?
        public var type: String
        public var value: String
    }

    public struct PeerConnection: Sendable, Hashable {
        /// The dump's key, `<rid>-<lid>`.
        public var id: String
        public var url: String?
        public var reports: [Report]
        public var log: [LogEntry]
    }

    public var userAgent: String?
    public var peerConnections: [PeerConnection]
    /// The `getUserMedia` section's entries as they are (read by ``MediaRequestLog``).
    public var mediaRequests: [JSONValue] = []

    public init(parsing root: JSONValue) throws(ImportError) {
        guard case .object(let top) = root else { throw ImportError("a webrtc-internals dump is a JSON object") }
        guard let connections = top["PeerConnections"] else {
            throw ImportError("no \"PeerConnections\": not a webrtc-internals dump")
        }
        guard case .object(let byId) = connections else { throw ImportError("\"PeerConnections\" is not an object") }
        userAgent = top["UserAgent"]?.string
        var peerConnections: [PeerConnection] = []
        for id in byId.keys.sorted() {
            guard case .object(let pc) = byId[id]! else { throw ImportError("PeerConnections.\(id) is not an object") }
            let stats: [String: JSONValue]
            switch pc["stats"] {
            case .object(let members)?: stats = members
            case nil, .null?: stats = [:]
            default: throw ImportError("PeerConnections.\(id).stats is not an object")
            }
            peerConnections.append(PeerConnection(id: id, url: pc["url"]?.string,
                                                  reports: try Self.reports(stats, pc: id),
                                                  log: Self.log(pc["updateLog"]?.array ?? [])))
        }
        self.peerConnections = peerConnections
        mediaRequests = top["getUserMedia"]?.array ?? []
    }

    /// `true` when `root` looks like a webrtc-internals dump (for telling formats apart).
    public static func matches(_ root: JSONValue) -> Bool {
        root["PeerConnections"]?.object != nil && root["getUserMedia"] != nil
    }

    private static func log(_ entries: [JSONValue]) -> [LogEntry] {
        entries.compactMap { entry in
            guard let type = entry["type"]?.string else { return nil }
            return LogEntry(tsMs: entry["timestamp"]?.double, type: type, value: entry["value"]?.string ?? "")
        }
    }
}

/// Why a file could not be imported, naming where in it when that is known.
public struct ImportError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// The import option at fault (`meetingId`, `participantId`) when it is not the file.
    public var option: String?

    public init(_ message: String, option: String? = nil) {
        self.message = message
        self.option = option
    }

    public var description: String { message }
}
