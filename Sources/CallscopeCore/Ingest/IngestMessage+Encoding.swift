extension IngestMessage {
    /// The message as ingest protocol v1 writes it (docs/ingest-protocol.md), for a source that
    /// makes messages itself and sends them through the same decoding and checks as a collector's
    /// (the `/rtcstats` WebSocket). A join carries its client's user agent only: the server
    /// describes the browser from it. Service messages are not written (no source makes them).
    public var protocolJSON: JSONValue? {
        var fields: [String: JSONValue] = ["ts": .number(Double(tsMs))]
        if let meetingId { fields["meetingId"] = .string(meetingId) }
        if let participantId { fields["participantId"] = .string(participantId) }
        if let seq { fields["seq"] = .number(Double(seq)) }
        switch payload {
        case .join(let join):
            fields["type"] = .string("join")
            if let name = join.name { fields["name"] = .string(name) }
            if let ua = join.client.userAgent { fields["userAgent"] = .string(ua) }
        case .leave(let reason):
            fields["type"] = .string("leave")
            fields["reason"] = .string(reason)
        case .stats(let stats):
            fields["type"] = .string("stats")
            fields["pc"] = .string(stats.pc)
            if let remote = stats.remoteParticipantId { fields["remoteParticipantId"] = .string(remote) }
            if let labels = stats.labels { fields["labels"] = labels }
            if let t = stats.timestampMs { fields["timestamp"] = .number(t) }
            switch stats.body {
            case .full(let report): fields["report"] = report
            case .delta(let delta): fields["delta"] = delta
            }
        case .event(let name, let data):
            fields["type"] = .string("event")
            fields["name"] = .string(name)
            fields["data"] = data
        case .error(let failure):
            fields["type"] = .string("error")
            fields["code"] = .string(failure.code)
            fields["message"] = .string(failure.message)
            fields["severity"] = .string(failure.severity.rawValue)
            fields["source"] = .string(failure.source.rawValue)
            fields["data"] = failure.data
        case .service:
            return nil
        }
        return .object(fields)
    }
}
