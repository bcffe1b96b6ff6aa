/// One rtcstats client's WebSocket, frame by frame, as the ingest messages of one participant:
/// what `/rtcstats` serves. Two wire forms arrive there, as rtcstats-server accepts them:
///
/// - the `rtcstats` npm client's: each frame one line `[method, pcId | null, value, time]` (the
///   time absolute epoch ms; a small number is v3's delta from the line before; missing, the
///   server's clock);
/// - the Jitsi client's: objects `{statsSessionId, type, data}` — `identity` (its `data` the
///   identity line or its object), `stats-entry` (`data` a line as JSON text), `keepalive`
///   and `close`.
///
/// The participant joins at its first line that is not about who it is (`identity`,
/// `connectionInfo`): by then the identity names the meeting and the participant, unless the
/// URL did. Each connection's first `getstats` is its whole report (a delta against nothing)
/// and goes in as a full report; later ones as deltas. Legacy `goog…` stats and compressed v3
/// stats are translated as imports translate them. Lines of peer connections become the
/// collector's events and errors through ``PeerConnectionLog``; camera and microphone requests
/// through ``MediaRequestLog``.
public struct RtcstatsStream: Sendable {
    public private(set) var meetingId: String?
    public private(set) var participantId: String?
    private var name: String?
    private var userAgent: String?
    private var identity: [String: String] = [:]
    private var seq: Int64 = 0
    private var lastTsMs: Double?
    private var reported: Set<String> = []
    private var legacy: [String: [String: JSONValue]] = [:]
    public private(set) var closed = false

    /// `meetingId`, `participantId`: what the URL said, which the identity does not override.
    public init(meetingId: String?, participantId: String?, userAgent: String?) {
        self.meetingId = meetingId
        self.participantId = participantId
        self.userAgent = userAgent
    }

    public var hasJoined: Bool { seq > 0 }

    /// The messages one frame makes (none for identity, keepalive or what cannot be read).
    public mutating func messages(for frame: JSONValue, nowMs: Int64) -> [IngestMessage] {
        switch frame {
        case .array:
            return line(frame, nowMs: nowMs)
        case .object:
            switch frame["type"]?.string {
            case "identity":
                if let data = frame["data"], case .array = data { return line(data, nowMs: nowMs) }
                if let data = frame["data"] { learn(data) }
                if participantId == nil, let id = frame["statsSessionId"]?.string { identity["statsSessionId"] = id }
                return []
            case "stats-entry":
                guard let text = frame["data"]?.string, let data = try? JSONValue.parse(Array(text.utf8)) else { return [] }
                if let id = frame["statsSessionId"]?.string { identity["statsSessionId"] = identity["statsSessionId"] ?? id }
                return line(data, nowMs: nowMs)
            case "close":
                return leave(nowMs: nowMs, reason: "left")
            default:
                return []
            }
        default:
            return []
        }
    }

    /// A `leave` when the participant had joined and has not left yet.
    public mutating func leave(nowMs: Int64, reason: String) -> [IngestMessage] {
        guard hasJoined, !closed else { return [] }
        closed = true
        return [message(nowMs, .leave(reason: reason))]
    }

    private mutating func line(_ value: JSONValue, nowMs: Int64) -> [IngestMessage] {
        guard !closed, let items = value.array, items.count >= 3, let method = RtcstatsDump.method(items[0]) else { return [] }
        let pc = items[1].string
        let payloadValue = items[2]
        let ts = time(items.count >= 4 ? items[3] : nil, nowMs: nowMs)
        switch method {
        case "identity":
            learn(payloadValue)
            return []
        case "connectionInfo":
            let info = payloadValue.string.flatMap { try? JSONValue.parse(Array($0.utf8)) } ?? payloadValue
            if let ua = info["userAgent"]?.string { userAgent = ua }
            return []
        default:
            break
        }
        var out = joinIfNeeded(ts)
        if RtcstatsDump.isStats(RtcstatsDump.Entry(method: method, pc: pc, value: payloadValue, tsMs: Double(ts))), let pc {
            if let stats = stats(payloadValue, pc: pc, tsMs: ts) { out.append(message(ts, .stats(stats))) }
        } else if let pc {
            out += PeerConnectionLog.payloads(type: method, value: RtcstatsDump.text(payloadValue), pc: pc).map { message(ts, $0) }
        } else if let failure = RtcstatsDump.mediaFailure(RtcstatsDump.Entry(method: method, pc: nil, value: payloadValue, tsMs: 0)) {
            out.append(message(ts, failure))
        } else if let media = MediaRequestLog.payload(rtcstatsMethod: method, value: payloadValue) {
            out.append(message(ts, media))
        }
        return out
    }

    private mutating func stats(_ value: JSONValue, pc: String, tsMs: Int64) -> IngestMessage.Stats? {
        guard case .object(var members) = value else { return nil }
        if legacy[pc] != nil || LegacyStats.isLegacy(members) {
            var whole = legacy[pc] ?? [:]
            LegacyStats.apply(members, to: &whole)
            legacy[pc] = whole
            let report = LegacyStats.standardReport(whole, timestampMs: value["timestamp"]?.double ?? Double(tsMs))
            return IngestMessage.Stats(pc: pc, remoteParticipantId: nil, labels: nil, body: .full(report), timestampMs: nil)
        }
        var top = value["timestamp"]?.double
        if let (delta, t) = RtcstatsCompression.decompressed(value), case .object(let named) = delta {
            members = named
            top = t
        } else {
            members["timestamp"] = nil
        }
        guard reported.insert(pc).inserted else {
            return IngestMessage.Stats(pc: pc, remoteParticipantId: nil, labels: nil, body: .delta(.object(members)), timestampMs: top)
        }
        // The first one is the whole report: each stat gets its id, and the report's time where
        // it carries none (or rtcstats' 0 for "the report's").
        var report: [String: JSONValue] = [:]
        for (id, stat) in members {
            guard case .object(var fields) = stat else { continue }
            if fields["id"] == nil { fields["id"] = .string(id) }
            if let top, fields["timestamp"] == nil || fields["timestamp"]?.double == 0 { fields["timestamp"] = .number(top) }
            report[id] = .object(fields)
        }
        return IngestMessage.Stats(pc: pc, remoteParticipantId: nil, labels: nil, body: .full(.object(report)), timestampMs: nil)
    }

    private mutating func joinIfNeeded(_ ts: Int64) -> [IngestMessage] {
        guard !hasJoined else { return [] }
        let fallback = identity["statsSessionId"]
        meetingId = meetingId ?? identity["meetingUniqueId"] ?? identity["confID"] ?? identity["confName"] ?? fallback
            ?? MeetingID.generate()
        participantId = participantId ?? identity["endpointId"] ?? identity["displayName"] ?? fallback
            ?? "rtcstats-" + MeetingID.generate()
        name = identity["displayName"]
        var client = ClientInfo(userAgent: userAgent)
        client.describe(hints: nil)
        return [message(ts, .join(IngestMessage.Join(name: name, client: client, setupMs: nil)))]
    }

    private mutating func learn(_ value: JSONValue) {
        guard case .object(let fields) = value else { return }
        for (key, member) in fields {
            if let text = member.string, !text.isEmpty, text.utf8.count <= MeetingID.maxLength { identity[key] = text }
        }
    }

    /// A line's time: absolute epoch ms, or (a small number) v3's delta from the line before;
    /// the server's clock when there is none.
    private mutating func time(_ value: JSONValue?, nowMs: Int64) -> Int64 {
        var ms = Double(nowMs)
        if let t = value?.double, t.isFinite {
            ms = t > 1e11 ? t : (lastTsMs ?? Double(nowMs)) + max(0, t)
        }
        lastTsMs = ms
        return IngestMessage.recordedMs(ms)
    }

    private mutating func message(_ ts: Int64, _ payload: IngestMessage.Payload) -> IngestMessage {
        seq += 1
        return IngestMessage(meetingId: meetingId, participantId: participantId, seq: seq, tsMs: ts, payload: payload)
    }
}
