extension RtcstatsDump {
    /// The dump as the ingest messages of the one participant whose client wrote it: a `join`
    /// (with the dump's user agent) at the first time in it, each `getStats` as a `stats`
    /// message of its peer connection (a delta in the rtcstats-server layout and in compressed
    /// v3 (``RtcstatsCompression``), each starting from an empty report; a full report in
    /// uncompressed v3 and for legacy stats (``LegacyStats``)), the connections' state changes and failures as the
    /// collector's `event`s and `error`s, getUserMedia failures as errors, and a `leave` at the
    /// last time; `seq` follows time. The far end of each connection is named by ``FarEnd``.
    public func messages(meetingId: String, participantId: String, name: String? = nil) -> [IngestMessage] {
        let bodies = statsBodies()
        var statsByPc: [String: [JSONValue]] = [:]
        for (i, entry) in entries.enumerated() {
            guard let pc = entry.pc, let body = bodies[i] else { continue }
            switch body.body {
            case .full(let report), .delta(let report): statsByPc[pc, default: []].append(report)
            }
        }
        let farEnds = statsByPc.mapValues { FarEnd.participantId(of: "", reports: $0) != nil }
        var timed: [(tsMs: Int64, payload: IngestMessage.Payload)] = []
        for (i, entry) in entries.enumerated() {
            let ts = IngestMessage.recordedMs(entry.tsMs)
            if Self.isStats(entry), let pc = entry.pc {
                guard let (body, timestampMs) = bodies[i] else { continue }
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

    /// Each `getStats` entry's stats message body, by entry index: the rtcstats-server layout's
    /// deltas as they are, compressed v3 decompressed (``RtcstatsCompression``), uncompressed v3
    /// as full reports, and legacy `goog…` stats (``LegacyStats``) rebuilt into whole reports
    /// per connection and translated into full standard ones.
    func statsBodies() -> [Int: (body: IngestMessage.Stats.Body, timestampMs: Double?)] {
        var bodies: [Int: (body: IngestMessage.Stats.Body, timestampMs: Double?)] = [:]
        var legacy: [String: [String: JSONValue]] = [:]
        for (i, entry) in entries.enumerated() where Self.isStats(entry) {
            guard let pc = entry.pc, case .object(let stats) = entry.value else { continue }
            let timestampMs = entry.value["timestamp"]?.double
            if fileFormat == 3 {
                bodies[i] = RtcstatsCompression.decompressed(entry.value).map { (.delta($0.delta), $0.timestampMs) }
                    ?? (.full(entry.value), timestampMs)
            } else if legacy[pc] != nil || LegacyStats.isLegacy(stats) {
                var whole = legacy[pc] ?? [:]
                LegacyStats.apply(stats, to: &whole)
                legacy[pc] = whole
                bodies[i] = (.full(LegacyStats.standardReport(whole, timestampMs: timestampMs ?? entry.tsMs)), nil)
            } else {
                bodies[i] = (.delta(entry.value), timestampMs)
            }
        }
        return bodies
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
