/// An rtcstats dump file (docs/imports.md): newline-delimited JSON, one client's peer
/// connections, API calls, events and `getStats()` results, in either of two layouts.
///
/// ```text
/// rtcstats-server (jitsi, fippo), every line an array:
///   ["connectionInfo", null, {"userAgent": "Mozilla/5.0 …", "statsFormat": "chrome_standard", …}, 1697705722151]
///   ["getstats", "PC_0", {"<statsId>": {<changed members>}, …, "timestamp": 1697705732151}, 1697705732160]
///   [method, pcId | null, value, absolute epoch ms(, line sequence number)]
///   getstats values are deltas: members equal to the last report's are left out, report ids
///   are the keys, and a stat's timestamp equal to the top-level one is written as 0.
///
/// rtcstats v3:
///   RTCStatsDump                              line 1
///   {"fileFormat": 3, "userAgent": …, …}      line 2: metadata
///   [method, pcId | null, value, …extra, ms since the previous line (the first: epoch ms)]
///   getStats values are full reports keyed by id; methods may be numbers (compressed).
/// ```
///
/// ```swift
/// let dump = try RtcstatsDump(parsing: bytes)
/// dump.messages(meetingId: "m", participantId: "alice")
/// ```
public struct RtcstatsDump: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var method: String
        public var pc: String?
        public var value: JSONValue
        public var tsMs: Double
    }

    /// 3 for rtcstats v3, 0 for the rtcstats-server layout.
    public var fileFormat: Int
    public var metadata: JSONValue?
    public var entries: [Entry]
    /// Lines whose method is a compressed id this reader does not know.
    public var unknownMethods = 0

    /// `true` when the bytes start like an rtcstats dump: the v3 header, or a first line that is
    /// a JSON array whose first element names a method.
    public static func matches(_ bytes: [UInt8]) -> Bool {
        let first = bytes.prefix { $0 != 10 }
        if first.starts(with: Array("RTCStatsDump".utf8)) { return true }
        guard let line = try? JSONValue.parse(Array(first)), case .array(let items) = line, items.count >= 4 else { return false }
        return items[0].string != nil && (items[1].string != nil || items[1].isNull)
    }

    public init(parsing bytes: [UInt8]) throws(ImportError) {
        var lines = Self.lines(bytes)
        guard let first = lines.first else { throw ImportError("the file is empty") }
        var previousMs: Double?
        if String(decoding: bytes[first.range], as: UTF8.self).trimmingSpaces == "RTCStatsDump" {
            fileFormat = 3
            guard lines.count >= 2 else { throw ImportError("line 2: expected the rtcstats v3 metadata object, the file ends") }
            let header = try Self.json(bytes, lines[1])
            guard case .object = header else { throw ImportError("line 2: expected the rtcstats v3 metadata object") }
            metadata = header
            lines.removeFirst(2)
        } else {
            fileFormat = 0
            metadata = nil
        }
        var entries: [Entry] = []
        for line in lines {
            guard case .array(let items) = try Self.json(bytes, line), items.count >= 4 else {
                throw ImportError("line \(line.number): expected [method, peer connection, value, time]")
            }
            let time: Double?
            if fileFormat == 3 {
                // The last element is ms since the previous line; the first line's is epoch ms.
                guard let delta = items.last?.double, delta.isFinite else {
                    throw ImportError("line \(line.number): the last element must be a time in ms")
                }
                time = (previousMs ?? 0) + delta
            } else {
                time = items[3].double
            }
            guard let tsMs = time, tsMs.isFinite, tsMs >= 0 else {
                throw ImportError(fileFormat == 3 ? "line \(line.number): its time (the lines' deltas added up) is before 1970"
                                                  : "line \(line.number): the fourth element must be a time in ms since the epoch")
            }
            previousMs = tsMs
            guard let method = Self.method(items[0]) else {
                unknownMethods += 1
                continue
            }
            entries.append(Entry(method: method, pc: items[1].string, value: items[2], tsMs: tsMs))
        }
        self.entries = entries
    }

    /// The browser that wrote it: the v3 metadata's, else the `connectionInfo` line's (an
    /// object, or the same as a JSON string in some rtcstats-server versions).
    public var userAgent: String? {
        if let ua = metadata?["userAgent"]?.string { return ua }
        for entry in entries where entry.method == "connectionInfo" {
            if let ua = entry.value["userAgent"]?.string { return ua }
            if let text = entry.value.string, let ua = (try? JSONValue.parse(text))?["userAgent"]?.string { return ua }
        }
        return nil
    }

    /// Who wrote it, as far as the file says: the `identity` lines' fields merged in order (a
    /// Jitsi client sends several), and the v3 metadata's.
    public struct Identity: Sendable, Hashable {
        /// `meetingUniqueId`, else the conference (`confID`, `confName`, `conferenceName`, `roomName`).
        public var meetingId: String?
        /// `endpointId`, else `userId`/`clientId`.
        public var participantId: String?
        /// `displayName`.
        public var name: String?

        public init(meetingId: String? = nil, participantId: String? = nil, name: String? = nil) {
            self.meetingId = meetingId
            self.participantId = participantId
            self.name = name
        }
    }

    public var identity: Identity {
        var fields: [String: String] = [:]
        let sources = [metadata].compactMap { $0 } + entries.filter { $0.method == "identity" }.map(\.value)
        for case .object(let object) in sources {
            for (key, value) in object {
                if let text = value.string, !text.isEmpty { fields[key] = text }
            }
        }
        let first = { (keys: [String]) in keys.lazy.compactMap { fields[$0] }.first }
        return Identity(meetingId: first(["meetingUniqueId", "confID", "confName", "conferenceName", "roomName"]),
                        participantId: first(["endpointId", "userId", "clientId"]), name: fields["displayName"])
    }

    /// `true` when the getStats results are Chrome's legacy `goog…` stats (`ssrc_…_send`,
    /// `bweforvideo`), which ``LegacyStats`` translates.
    public var hasLegacyStats: Bool {
        entries.contains { entry in
            guard entry.method.lowercased() == "getstats", case .object(let stats) = entry.value else { return false }
            return stats.keys.contains { $0.hasPrefix("ssrc_") || $0 == "bweforvideo" }
        }
    }

    static func method(_ value: JSONValue) -> String? {
        if let name = value.string { return name == "g" ? "getStats" : name }
        return value.int64.flatMap { RtcstatsCompression.methods[Int($0)] }
    }

    /// A line: its bytes and its 1-based number; empty lines are left out.
    struct Line {
        var range: Range<Int>
        var number: Int
    }

    static func lines(_ bytes: [UInt8]) -> [Line] {
        var lines: [Line] = []
        var start = 0, number = 1
        for i in 0...bytes.count where i == bytes.count || bytes[i] == 10 {
            var end = i
            if end > start, bytes[end - 1] == 13 { end -= 1 }
            if bytes[start..<end].contains(where: { $0 != 32 && $0 != 9 }) { lines.append(Line(range: start..<end, number: number)) }
            start = i + 1
            number += 1
        }
        return lines
    }

    private static func json(_ bytes: [UInt8], _ line: Line) throws(ImportError) -> JSONValue {
        do {
            return try JSONValue.parse(bytes[line.range])
        } catch {
            throw ImportError("line \(line.number), column \(error.column): not JSON: \(error.message)")
        }
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and carriage returns.
    var trimmingSpaces: String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        return String(drop(while: blank).reversed().drop(while: blank).reversed())
    }
}
