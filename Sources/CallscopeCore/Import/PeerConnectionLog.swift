/// What a peer connection's log says, as the collector would have reported it: the
/// `updateLog` of a webrtc-internals dump and the per-connection lines of an rtcstats dump use
/// the same names (`oniceconnectionstatechange`, `setRemoteDescriptionOnFailure`, …), from
/// the browser's own event and method names.
public enum PeerConnectionLog {
    /// `type`: of both eras, `oniceconnectionstatechange` (now) and `iceConnectionStateChange`
    /// (2020), compared in lower case; 2020's `legacyIceConnectionStateChange` repeats the
    /// other and is left out.
    public static func payloads(type: String, value: String, pc: String) -> [IngestMessage.Payload] {
        let lowered = type.lowercased()
        let state = stateValue(value)
        switch lowered {
        case "oniceconnectionstatechange", "iceconnectionstatechange":
            var result: [IngestMessage.Payload] = [.event(name: "ice-state", data: .object(["pc": .string(pc), "state": .string(state)]))]
            if state == "failed" { result.append(failure("ice-failed", "ICE connection failed", pc: pc, data: [:])) }
            return result
        case "onconnectionstatechange", "connectionstatechange":
            return [.event(name: "connection-state", data: .object(["pc": .string(pc), "state": .string(state)]))]
        case "icecandidateerror", "onicecandidateerror":
            let fields = keyedFields(value)
            let code = (fields["errorCode"] ?? fields["error_code"]).flatMap { Int($0) }
            let text = fields["errorText"] ?? fields["error_text"] ?? ""
            var data: [String: JSONValue] = [:]
            if let url = fields["url"] { data["url"] = .string(url) }
            if let code { data["errorCode"] = .number(Double(code)) }
            let message = [code.map(String.init), text.isEmpty ? nil : text].compactMap { $0 }.joined(separator: " ")
            return [failure("turn-error", message.isEmpty ? "ICE candidate error" : message, pc: pc, data: data)]
        default:
            for (method, code) in failedCalls where lowered == method.lowercased() + "onfailure" {
                return [failure(code, value.isEmpty ? "\(method) failed" : value, pc: pc, data: [:])]
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
            return members.compactMapValues { v in v.string ?? v.double.map { $0.rounded() == $0 && abs($0) < 1e15 ? String(Int64($0)) : String($0) } }
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
