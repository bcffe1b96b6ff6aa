extension RtcstatsDump {
    /// The dump as the ingest messages of the one participant whose client wrote it: a `join`
    /// (with the dump's user agent) at the first time in it, each `getStats` as a `stats`
    /// message of its peer connection (a delta in the rtcstats-server layout and in compressed
    /// v3 (``RtcstatsCompression``), each starting from an empty report; a full report in
    /// uncompressed v3), the connections' state changes and failures as the
    /// collector's `event`s and `error`s, getUserMedia failures as errors, and a `leave` at the
    /// last time; `seq` follows time. The far end of each connection is named by ``FarEnd``.
    public func messages(meetingId: String, participantId: String, name: String? = nil) -> [IngestMessage] {
        // v3 stats decompressed once (property numbers to names), for the far ends and the messages.
        var decompressed: [Int: (delta: JSONValue, timestampMs: Double?)] = [:]
        var statsByPc: [String: [JSONValue]] = [:]
        for (i, entry) in entries.enumerated() where Self.isStats(entry) {
            if fileFormat == 3 { decompressed[i] = RtcstatsCompression.decompressed(entry.value) }
            if let pc = entry.pc { statsByPc[pc, default: []].append(decompressed[i]?.delta ?? entry.value) }
        }
        let farEnds = statsByPc.mapValues { FarEnd.participantId(of: "", reports: $0) != nil }
        var timed: [(tsMs: Int64, payload: IngestMessage.Payload)] = []
        for (i, entry) in entries.enumerated() {
            let ts = IngestMessage.recordedMs(entry.tsMs)
            if Self.isStats(entry), let pc = entry.pc {
                guard case .object = entry.value else { continue }
                var body: IngestMessage.Stats.Body = fileFormat == 3 ? .full(entry.value) : .delta(entry.value)
                var timestampMs = entry.value["timestamp"]?.double
                if let (delta, t) = decompressed[i] {
                    body = .delta(delta)
                    timestampMs = t
                }
                timed.append((ts, .stats(IngestMessage.Stats(
                    pc: pc, remoteParticipantId: farEnds[pc] == true ? FarEnd.name(of: pc) : nil, labels: nil, body: body,
                    timestampMs: timestampMs))))
            } else if let pc = entry.pc {
                timed += PeerConnectionLog.payloads(type: entry.method, value: Self.text(entry.value), pc: pc).map { (ts, $0) }
            } else if let failure = Self.mediaFailure(entry) {
                timed.append((ts, failure))
            } else if let media = MediaRequestLog.payload(rtcstatsMethod: entry.method, value: entry.value) {
                timed.append((ts, media))
            }
        }
        return IngestMessage.recording(timed, meetingId: meetingId, participantId: participantId, name: name, userAgent: userAgent)
    }

    /// A `getStats` result (`getstats` in the rtcstats-server layout).
    public static func isStats(_ entry: Entry) -> Bool { entry.method.lowercased() == "getstats" }

    /// A value as the log reads it: a string as it is (v3 quotes states again inside), anything
    /// else as JSON.
    static func text(_ value: JSONValue) -> String { value.string ?? value.serialized() }

    /// `navigator.mediaDevices.getUserMediaOnFailure` (or `getUserMediaOnFailure`, and the same
    /// for getDisplayMedia) as the error the collector reports, coded by the browser's
    /// exception name: `getusermedia-notallowederror`.
    static func mediaFailure(_ entry: Entry) -> IngestMessage.Payload? {
        let method = entry.method.lowercased()
        for api in ["getUserMedia", "getDisplayMedia"] where method.hasSuffix(api.lowercased() + "onfailure") {
            let message = text(entry.value)
            return MediaRequestLog.failure(api: api, exception: message, message: message)
        }
        return nil
    }
}
