extension WebRTCInternalsDump {
    /// The dump as the ingest messages of the one participant whose browser wrote it: a `join`
    /// (with the dump's user agent) at the first time in it, each peer connection's reports as
    /// full `stats` messages, its log's state changes and failures as the `event`s and `error`s
    /// the collector sends for them, and a `leave` at the last time; `seq` follows time. The far
    /// end of each peer connection is a participant of its own, ``remoteParticipantId(of:)``:
    /// the dump does not say who it was.
    public func messages(meetingId: String, participantId: String, name: String? = nil) -> [IngestMessage] {
        var timed: [(tsMs: Int64, payload: IngestMessage.Payload)] = []
        for pc in peerConnections {
            for report in pc.reports {
                timed.append((Self.ms(report.tsMs), .stats(IngestMessage.Stats(
                    pc: pc.id, remoteParticipantId: Self.remoteParticipantId(of: pc.id), labels: nil, body: .full(report.stats),
                    timestampMs: nil))))
            }
            for entry in pc.log {
                guard let ts = entry.tsMs else { continue }   // a 2020 dump's locale time: not a time we can read
                timed += Self.payloads(of: entry, pc: pc.id).map { (Self.ms(ts), $0) }
            }
        }
        guard let first = timed.map(\.tsMs).min(), let last = timed.map(\.tsMs).max() else { return [] }
        timed.sort { $0.tsMs < $1.tsMs }
        let join = IngestMessage.Payload.join(IngestMessage.Join(name: name, client: ClientInfo(userAgent: userAgent), setupMs: nil))
        let all = [(first, join)] + timed + [(last, .leave(reason: "the dump ends here"))]
        return all.enumerated().map { i, m in
            IngestMessage(meetingId: meetingId, participantId: participantId, seq: Int64(i + 1), tsMs: m.0, payload: m.1)
        }
    }

    /// Who is at the far end of peer connection `pc`: "Peer 92-1".
    public static func remoteParticipantId(of pc: String) -> String { "Peer \(pc)" }

    private static func ms(_ ts: Double) -> Int64 {
        guard ts.isFinite else { return 0 }
        return EpochTime.clamped(Int64(ts.rounded()))
    }

    /// `type`: of both eras, `oniceconnectionstatechange` (now) and `iceConnectionStateChange`
    /// (2020), compared in lower case; 2020's `legacyIceConnectionStateChange` repeats the
    /// other and is left out.
    static func payloads(of entry: LogEntry, pc: String) -> [IngestMessage.Payload] {
        let type = entry.type.lowercased()
        let state = stateValue(entry.value)
        switch type {
        case "oniceconnectionstatechange", "iceconnectionstatechange":
            var result: [IngestMessage.Payload] = [.event(name: "ice-state", data: .object(["pc": .string(pc), "state": .string(state)]))]
            if state == "failed" { result.append(failure("ice-failed", "ICE connection failed", pc: pc, data: [:])) }
            return result
        case "onconnectionstatechange", "connectionstatechange":
            return [.event(name: "connection-state", data: .object(["pc": .string(pc), "state": .string(state)]))]
        case "icecandidateerror", "onicecandidateerror":
            let fields = keyedFields(entry.value)
            let code = (fields["errorCode"] ?? fields["error_code"]).flatMap { Int($0) }
            let text = fields["errorText"] ?? fields["error_text"] ?? ""
            var data: [String: JSONValue] = [:]
            if let url = fields["url"] { data["url"] = .string(url) }
            if let code { data["errorCode"] = .number(Double(code)) }
            let message = [code.map(String.init), text.isEmpty ? nil : text].compactMap { $0 }.joined(separator: " ")
            return [failure("turn-error", message.isEmpty ? "ICE candidate error" : message, pc: pc, data: data)]
        default:
            for (method, code) in failedCalls where type == method.lowercased() + "onfailure" {
                return [failure(code, entry.value.isEmpty ? "\(method) failed" : entry.value, pc: pc, data: [:])]
            }
            return []
        }
    }

    /// The API calls whose failure the collector reports, with its codes.
    private static let failedCalls = [("createOffer", "create-offer-failed"), ("createAnswer", "create-answer-failed"),
                                      ("setLocalDescription", "set-local-description-failed"),
                                      ("setRemoteDescription", "set-remote-description-failed"),
                                      ("addIceCandidate", "add-ice-candidate-failed")]

    private static func failure(_ code: String, _ message: String, pc: String, data: [String: JSONValue]) -> IngestMessage.Payload {
        var data = data
        data["pc"] = .string(pc)
        return .error(IngestMessage.Failure(code: code, message: String(message.prefix(500)),
                                            severity: code == "add-ice-candidate-failed" ? .warning : .error,
                                            source: .sdk, data: .object(data)))
    }

    /// A state written as JSON (`"\"connected\""`, now) or bare (`connected`, 2020).
    static func stateValue(_ value: String) -> String {
        let state = (try? JSONValue.parse(value))?.string ?? value
        return String(state.prefix(32))
    }

    /// An event's fields: a JSON object (now) or `key: value` lines (2020).
    static func keyedFields(_ value: String) -> [String: String] {
        if case .object(let members)? = try? JSONValue.parse(value) {
            return members.compactMapValues { v in v.string ?? v.double.map { $0.rounded() == $0 ? String(Int64($0)) : String($0) } }
        }
        var fields: [String: String] = [:]
        for line in value.split(whereSeparator: { $0 == "\n" || $0 == "," }) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = trimmed(line[..<colon]), rest = trimmed(line[line.index(after: colon)...])
            if !key.isEmpty, fields[key] == nil { fields[key] = rest }
        }
        return fields
    }

    private static func trimmed(_ text: Substring) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }
}
