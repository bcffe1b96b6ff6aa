/// The verdict's words for what the clients reported (``CallIncident``): after a problem, what
/// was reported meanwhile; on their own, the serious incidents no measurement shows.
extension VerdictWriter {
    /// Incident sentences written out at most; more are counted.
    static let maxIncidentSentences = 3

    /// "At the same time Bob's client reported: connection failed (ICE), at 10:04:31 UTC."
    func meanwhile(_ p: Problem) -> String? {
        guard let first = p.incidents.first else { return nil }
        let more = p.incidents.count > 1 ? " (and \(p.incidents.count - 1) more report\(p.incidents.count > 2 ? "s" : ""))" : ""
        return "At the same time \(reporter(first)) reported: \(Self.lowerFirst(first.advice.title)), at "
            + "\(Self.clock(first.startMs, seconds: true)) UTC\(more)."
    }

    /// One sentence per incident no problem explains, the first few of them.
    func incidentSentences(_ incidents: [CallIncident]) -> [String] {
        var lines = incidents.prefix(Self.maxIncidentSentences).map(sentence)
        if incidents.count > Self.maxIncidentSentences {
            let more = incidents.count - Self.maxIncidentSentences
            lines.append(more == 1 ? "One more report is on the Errors tab." : "\(more) more reports are on the Errors tab.")
        }
        return lines
    }

    func sentence(_ incident: CallIncident) -> String {
        let at = Self.clock(incident.startMs, seconds: true)
        let who = incident.participantId.map(graph.name)
        switch incident.code {
        case "reconnect-storm":
            let name = who ?? "A participant"
            return "\(name)'s connection dropped \(incident.count) times from \(at) to "
                + "\(Self.clock(incident.endMs, seconds: true)) UTC (a reconnect storm); every drop costs seconds without media."
        case "collector-dropped":
            let whose = who.map { "\($0)'s" } ?? "A"
            let messages = incident.count == 1 ? "1 message" : "\(incident.count) messages"
            return "\(whose) collector dropped \(messages) while it could not reach Callscope, so the statistics have a gap around \(at) UTC."
        default:
            return "\(reporter(incident).prefix(1).uppercased() + reporter(incident).dropFirst()) reported: "
                + "\(Self.lowerFirst(incident.advice.title)), at \(at) UTC; \(Self.lowerFirst(incident.advice.explanation))"
        }
    }

    private func reporter(_ incident: CallIncident) -> String {
        incident.participantId.map { "\(graph.name($0))'s client" } ?? "the server"
    }

    /// "Connection failed (ICE)" → "connection failed (ICE)"; names that start with a capital
    /// and an acronym ("TURN server unreachable") stay as they are.
    static func lowerFirst(_ text: String) -> String {
        let chars = Array(text)
        guard chars.count > 1, chars[0].isUppercase, !chars[1].isUppercase else { return text }
        return chars[0].lowercased() + String(chars.dropFirst())
    }
}
