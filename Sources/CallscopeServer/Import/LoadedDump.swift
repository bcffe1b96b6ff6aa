import CallscopeCore
import Crypto

/// A dump file read into memory and recognised by its content, whatever it is called: a
/// `chrome://webrtc-internals` "Create dump" file or an rtcstats dump, plain or gzip-compressed.
/// What `callscope report` shows of it and what an import stores come from here.
///
/// ```swift
/// let dump = try LoadedDump(bytes: Array(data))
/// let messages = dump.messages(meetingId: "m", participantId: "alice")
/// ```
public struct LoadedDump: Sendable {
    public struct PeerConnection: Sendable {
        public var id: String
        public var reports: Int
        public var firstMs: Double?
        public var lastMs: Double?
        public var url: String?
    }

    enum Content: Sendable {
        case webrtcInternals(WebRTCInternalsDump)
        case rtcstats(RtcstatsDump)
    }

    /// `chrome://webrtc-internals`, `rtcstats v3` or `rtcstats (rtcstats-server)`.
    public let format: String
    public let userAgent: String?
    /// What Callscope cannot show of this dump, to be said before anything else.
    public let notice: String?
    public let peerConnections: [PeerConnection]
    /// The meeting, participant and name the file itself gives (rtcstats `identity` lines).
    public let identity: RtcstatsDump.Identity
    /// SHA-256 of the unpacked bytes, lowercase hex: the same dump plain or gzip-compressed is one file.
    public let contentSHA256: String
    /// The unpacked size in bytes.
    public let byteCount: Int
    let content: Content

    /// Reads `bytes`; the error says what was wrong, and where when it can (a line, a column).
    public init(bytes: [UInt8]) throws(ImportError) {
        guard !bytes.isEmpty else { throw ImportError("the file is empty") }
        let text = try DumpFile.text(of: bytes)
        guard !text.isEmpty else { throw ImportError("the file is empty once unpacked") }
        contentSHA256 = SHA256.hash(data: text).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        byteCount = text.count
        if RtcstatsDump.matches(text) {
            let dump = try RtcstatsDump(parsing: text)
            var byPc: [String: [Double]] = [:]
            for entry in dump.entries where RtcstatsDump.isStats(entry) { byPc[entry.pc ?? "", default: []].append(entry.tsMs) }
            format = dump.fileFormat == 3 ? "rtcstats v3" : "rtcstats (rtcstats-server)"
            userAgent = dump.userAgent
            notice = dump.hasLegacyStats ? Self.legacyNotice : nil
            peerConnections = byPc.keys.sorted().map { id in
                PeerConnection(id: id, reports: byPc[id]!.count, firstMs: byPc[id]!.min(), lastMs: byPc[id]!.max(), url: nil)
            }
            identity = dump.identity
            content = .rtcstats(dump)
            return
        }
        let dump = try WebRTCInternalsDump(parsing: Self.webrtcInternalsRoot(text))
        format = "chrome://webrtc-internals"
        userAgent = dump.userAgent
        notice = dump.hasLegacyStats ? Self.legacyNotice : nil
        peerConnections = dump.peerConnections.map { pc in
            PeerConnection(id: pc.id, reports: pc.reports.count, firstMs: pc.reports.first?.tsMs, lastMs: pc.reports.last?.tsMs,
                           url: pc.url)
        }
        identity = RtcstatsDump.Identity()
        content = .webrtcInternals(dump)
    }

    static let legacyNotice = "Its statistics are Chrome's legacy goog… stats, read as their standard counterparts "
        + "(docs/imports.md); they hold no jitter-buffer delay, freezes or concealment, so those figures are missing."

    /// The JSON object of a webrtc-internals dump, or an error saying what the text is instead.
    private static func webrtcInternalsRoot(_ text: [UInt8]) throws(ImportError) -> JSONValue {
        let root: JSONValue
        do {
            root = try JSONValue.parse(text)
        } catch let error where error.line == 2 && error.column == 1
                    && (try? JSONValue.parse(text.prefix { $0 != 10 }))?.object != nil {
            throw ImportError("lines of JSON objects, neither a chrome://webrtc-internals dump nor an rtcstats dump "
                + "(whose lines are [method, peer connection, value, time]); server-side stats such as Jitsi's are not read")
        } catch {
            throw ImportError("line \(error.line), column \(error.column): not JSON: \(error.message)")
        }
        guard WebRTCInternalsDump.matches(root) else {
            throw ImportError("neither a chrome://webrtc-internals dump (an object with \"PeerConnections\" and "
                + "\"getUserMedia\") nor an rtcstats dump (lines of [method, peer connection, value, time])")
        }
        return root
    }

    /// The dump as the ingest messages its participant's collector would have sent.
    public func messages(meetingId: String, participantId: String, name: String? = nil) -> [IngestMessage] {
        switch content {
        case .webrtcInternals(let dump): dump.messages(meetingId: meetingId, participantId: participantId, name: name)
        case .rtcstats(let dump): dump.messages(meetingId: meetingId, participantId: participantId, name: name)
        }
    }

}
