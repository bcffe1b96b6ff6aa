/// Writes a diagnosis's verdict: a sentence per problem, the worst first, that a support
/// engineer can forward as it is, and a last sentence for those who had no problem.
///
/// Every sentence states only what the evidence shows: a path that cannot be pinned to one end
/// says so, and a round trip is not called an uplink.
struct VerdictWriter {
    let graph: CallGraph
    /// More problems than this are counted, not written out.
    var maxSentences = 5

    /// `incidents`: what the clients reported that no problem explains (``Diagnosis/incidents``).
    /// Every sentence starts with a capital, whatever the name it starts with ("bob's uplink…").
    func sentences(_ problems: [Problem], incidents: [CallIncident] = []) -> [String] {
        lines(problems, incidents: incidents).map { $0.prefix(1).uppercased() + $0.dropFirst() }
    }

    private func lines(_ problems: [Problem], incidents: [CallIncident]) -> [String] {
        let told = incidentSentences(incidents)
        guard graph.series.contains(where: { !$0.samples.isEmpty }) else {
            return told + ["No media statistics arrived, so there is nothing to judge."]
        }
        guard !problems.isEmpty else {
            let fine = "nobody had lasting packet loss, jitter, delay, frozen or choppy video."
            // A connection that failed before media flowed is not "fine"; a gap in the statistics is.
            let mediaTold = incidents.prefix(Self.maxIncidentSentences).contains { $0.advice.category.affectsMedia }
            return mediaTold ? told + ["The media that did flow was fine: " + fine] : ["The call was fine: " + fine] + told
        }
        var lines = problems.prefix(maxSentences).flatMap { p in [sentence(p, among: problems)] + [meanwhile(p)].compactMap { $0 } }
        if problems.count > maxSentences {
            let more = problems.count - maxSentences
            lines.append(more == 1 ? "One more, smaller problem is in the list below." : "\(more) more, smaller problems are in the list below.")
        }
        // Those who only received bad media had no problem of their own.
        let culprits = Set(problems.flatMap { [$0.participantId, $0.otherParticipantId].compactMap { $0 } })
        let blameless = graph.participantIds.filter { !culprits.contains($0) }
        if !blameless.isEmpty, problems.allSatisfy({ $0.participantId != nil }) {
            lines.append(told.isEmpty ? "Nobody else had problems." : "Nobody else had lasting media problems.")
        }
        return lines + told
    }

    /// `problems`: the call's others, for what they say about this one (whether the others
    /// received the same senders fine).
    func sentence(_ p: Problem, among problems: [Problem] = []) -> String {
        let when = Self.span(p)
        guard let id = p.participantId else { return shared(p, when) }
        let who = graph.name(id)
        switch p.direction {
        case .uplink:
            return "\(who)'s uplink \(figure(p, subject: who, sent: true)) \(when); \(consequence(p, excluding: id))." + relayNote(id)
        case .downlink:
            let senders = p.affectedSenderIds.filter { $0 != id }
            let from = senders.count >= 2 ? ", from every sender," : ""
            let head = "\(who)'s downlink \(figure(p, subject: who, sent: false))\(from) \(when)"
            let fine = othersReceivedFine(p, among: problems) ? "; the others received the same senders fine." : "."
            return head + fine + relayNote(id)
        case .device:
            return device(p, who, when)
        case .unknown, .relay:
            if let other = p.otherParticipantId { return path(p, from: id, to: other, when) }
            if p.metric != .rtt {
                return "\(who)'s media to the server \(figure(p, subject: who, sent: true)) \(when); "
                    + "without other receivers of it the statistics cannot tell \(who)'s uplink from the server's side."
            }
            return connection(p, who, when)
        }
    }

    // MARK: kinds of sentence

    private func path(_ p: Problem, from sender: String, to receiver: String, _ when: String) -> String {
        if p.metric == .rtt { return roundTrip(p, sender, receiver, when) }
        let kinds = Set(p.evidence.map(\.key.kind))
        let what = kinds.count == 1 ? kinds.first!.displayName.lowercased() : "media"
        let head = "\(graph.name(sender))'s \(what) to \(graph.name(receiver)) \(figure(p, subject: graph.name(sender), sent: true)) \(when)."
        if sender.hasPrefix("unknown:") {
            // Only the receiver's view exists (one participant's dump through an SFU).
            return head + " Seen from \(graph.name(receiver))'s side alone, this is either the sender's uplink, the server, or "
                + "\(graph.name(receiver))'s downlink; the statistics cannot tell them apart."
        }
        if graph.participantIds.count <= 2 {
            return head + " In a call of two this is either \(graph.name(sender))'s uplink or \(graph.name(receiver))'s downlink; "
                + "the statistics cannot tell them apart."
        }
        return head + " What else \(graph.name(sender)) sent and \(graph.name(receiver)) received was fine, "
            + "so it was the path between the two, not either link as a whole."
    }

    private func device(_ p: Problem, _ who: String, _ when: String) -> String {
        deviceHead(p, who, when) + stalls(p, who)
    }

    /// Said when the media's own stalls were folded into a device problem
    /// (``Diagnosis/foldingIntoDevice(_:within:)``).
    private func stalls(_ p: Problem, _ who: String) -> String {
        let signs = Set(p.evidence.map(\.metric).filter { !$0.isDevice })
        guard !signs.isEmpty else { return "" }
        var what: [String] = []
        if signs.contains(.freezes) || signs.contains(.frameRate) { what.append("video froze") }
        if signs.contains(.jitter) || signs.contains(.delay) { what.append("media arrived late and uneven") }
        if signs.contains(.noMedia) { what.append("at times nothing arrived for seconds") }
        if signs.contains(.rtt) && what.isEmpty { what.append("round trips grew") }
        // Missing media counts packets as lost once they are overdue: "no packet lost" would be wrong.
        let lossSaid = signs.contains(.noMedia) ? " without the packet loss a network fault brings" : " with no packet lost"
        return " Meanwhile, in what \(who) sent and received, \(Self.list(what))\(lossSaid): "
            + "the same device falling behind, not the network."
    }

    private func deviceHead(_ p: Problem, _ who: String, _ when: String) -> String {
        let v = p.leadingFigure ?? 0
        switch p.metric {
        case .captureFrameRate:
            return "\(who)'s camera delivered only \(Self.whole(v)) frames per second \(when), whatever the network: "
                + "a slow or busy device, a dark room, or a camera another app is using."
        case .encoderFrameRate:
            return "\(who)'s device sent only \(Self.whole(v * 100)) % of the frames its camera captured \(when), "
                + "without the network asking for less: the device could not keep up."
        default:
            let kbps = p.leadingFigure.map { " (sending \(Self.whole($0)) kbit/s)" } ?? ""
            return "\(who)'s device could not keep up \(when): the video encoder was limited by the CPU\(kbps)."
        }
    }

    /// A round trip between two people that neither one's other connections share.
    private func roundTrip(_ p: Problem, _ a: String, _ b: String, _ when: String) -> String {
        let rtt = p.leadingFigure.map { " of \(Self.whole($0)) ms" } ?? ""
        let head = "The connection between \(graph.name(a)) and \(graph.name(b)) had a round-trip time\(rtt) \(when)"
        if graph.participantIds.count <= 2 {
            return head + "; a round trip cannot tell whose side added the delay, and in a call of two nothing else can."
        }
        return head + "; their connections with the others were fine, so it was the path between the two."
    }

    private func connection(_ p: Problem, _ who: String, _ when: String) -> String {
        let rtt = p.leadingFigure.map { " of \(Self.whole($0)) ms" } ?? ""
        return "\(who)'s connection had a round-trip time\(rtt) \(when); a round trip cannot tell "
            + "whether the delay was on the way out or on the way in."
    }

    private func shared(_ p: Problem, _ when: String) -> String {
        let figure = figure(p, subject: "", sent: false)
        if let address = p.relayAddress, !p.relayedParticipantIds.isEmpty {
            return relay(p, address: address, figure: figure, when)
        }
        if p.direction == .relay {
            let through = graph.usesServer ? "the SFU" : "a TURN relay"
            return "Every stream \(figure) at once \(when): they all go through \(through), which points at it or its network, "
                + "not at any one participant."
        }
        return "Every stream \(figure) at once \(when): with nobody's link singled out, the statistics cannot tell whose network it was."
    }

    /// "Every stream through the TURN relay at 198.51.100.7, which Alice's and Bob's media went
    /// through, lost 8 % of the packets …": what rules out each member's own link is said too.
    private func relay(_ p: Problem, address: String, figure: String, _ when: String) -> String {
        let members = p.relayedParticipantIds
        let whose = Self.list(members.map { graph.name($0) + "'s" })
        let head = "Every stream through the TURN relay at \(address), which \(whose) media went through, \(figure) \(when)"
        let own = members.count == 2 ? "either one's own link" : "any one of their own links"
        let others = graph.participantIds.filter { !members.contains($0) }
        if others.count >= 2 || (graph.usesServer && !others.isEmpty) {
            return head + "; media that avoided it was fine, so it was the relay or its network, not \(own)."
        }
        if others.isEmpty {
            let alsoShared = graph.usesServer ? "the SFU behind it, or one network everyone shares" : "one network everyone shares"
            return head + ". Everyone's media went through it, so it was the relay or its network (or \(alsoShared))."
        }
        return head + ", in both directions and with everyone: that points at the relay or its network, not \(own)."
    }

    // MARK: pieces

    /// Said of a culprit whose media went through a TURN relay: the relay's network is part of
    /// their link, and the statistics cannot tell the two apart.
    private func relayNote(_ id: String) -> String {
        graph.relayedParticipants.contains(id)
            ? " \(graph.name(id))'s media went through a TURN relay, so the relay's network is part of that link." : ""
    }

    /// No other problem at the same time touched another receiver of the same senders.
    private func othersReceivedFine(_ p: Problem, among problems: [Problem]) -> Bool {
        let senders = Set(p.affectedSenderIds)
        return !problems.contains { q in
            q != p && q.startMs < p.endMs && p.startMs < q.endMs
                && !senders.isDisjoint(with: q.affectedSenderIds)
                && q.affectedParticipantIds.contains { $0 != p.participantId }
        }
    }

    /// "lost 12 % of what Bob sent", "had jitter of 80 ms", …
    private func figure(_ p: Problem, subject: String, sent: Bool) -> String {
        let v = p.leadingFigure ?? 0
        let whose = subject.isEmpty ? "the packets" : "what \(subject) \(sent ? "sent" : "received")"
        switch p.metric {
        case .loss: return "lost \(Self.percent(v)) % of \(whose)"
        case .jitter: return "had jitter of \(Self.whole(v)) ms"
        case .delay: return "delayed audio by \(Self.whole(v)) ms on the way in"
        case .rtt: return "had a round-trip time of \(Self.whole(v)) ms"
        case .freezes: return subject.isEmpty ? "froze" : "froze the video \(subject) \(sent ? "sent" : "received")"
        case .frameRate: return "delivered video at \(Self.whole(v * 100)) % of the frame rate sent"
        case .noMedia: return "carried no media"
        case .bandwidth:
            if !sent && !subject.isEmpty {
                return "kept the video \(subject) received to \(Self.whole(v)) kbit/s (the senders' encoders were limited by bandwidth)"
            }
            return "held the video to \(Self.whole(v)) kbit/s (the encoder was limited by bandwidth)"
        case .cpu: return "was limited by the CPU"
        case .captureFrameRate: return "captured only \(Self.whole(v)) frames per second"
        case .encoderFrameRate: return "sent only \(Self.whole(v * 100)) % of the frames captured"
        }
    }

    /// "everyone receiving Bob saw frozen video", "Alice and Carol heard broken audio".
    private func consequence(_ p: Problem, excluding sender: String) -> String {
        let receivers = p.affectedParticipantIds.filter { $0 != sender }
        let others = graph.participantIds.filter { $0 != sender }
        let who = receivers.isEmpty ? "the server"
            : Set(receivers) == Set(others) ? "everyone receiving \(graph.name(sender))" : Self.list(receivers.map(graph.name))
        let received = p.evidence.filter { $0.side == .receiver }
        var effects: [String] = []
        if received.contains(where: { $0.metric == .noMedia }) { effects.append("got nothing") }
        if received.contains(where: { $0.metric == .freezes }) { effects.append("saw frozen video") }
        if received.contains(where: { $0.metric == .frameRate }) { effects.append("saw choppy video") }
        if received.contains(where: { $0.metric == .loss && !$0.key.kind.isVideo }) { effects.append("heard broken audio") }
        if received.contains(where: { $0.metric == .jitter }) && effects.isEmpty { effects.append("got uneven, delayed media") }
        if effects.isEmpty && received.contains(where: { $0.metric == .loss }) { effects.append("got damaged video") }
        if effects.isEmpty {
            if receivers.isEmpty { return "the server's reports show it" }
            if p.metric == .bandwidth { return "\(who) got less detailed video" }
            return received.isEmpty ? "the reports \(who) sent back show it" : "\(who) measured it"
        }
        return "\(who) \(Self.list(Array(effects.prefix(2))))"
    }

    static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: ""
        case 1: items[0]
        default: items.dropLast().joined(separator: ", ") + " and " + items.last!
        }
    }

    /// "from 10:04 to 10:09 UTC" (minutes for two minutes or more, else seconds), "since 10:04 UTC
    /// (still going on)".
    static func span(_ p: Problem) -> String {
        let seconds = p.durationMs < 120_000
        if p.ongoing { return "since \(clock(p.startMs, seconds: seconds)) UTC (still going on)" }
        return "from \(clock(p.startMs, seconds: seconds)) to \(clock(p.endMs, seconds: seconds)) UTC"
    }

    /// The UTC time of day of an epoch time: "10:04" or "10:04:37".
    static func clock(_ ms: Int64, seconds: Bool) -> String {
        let dayMs: Int64 = 86_400_000
        let ofDay = ((ms % dayMs) + dayMs) % dayMs / 1000
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let hm = "\(two(ofDay / 3600)):\(two(ofDay / 60 % 60))"
        return seconds ? "\(hm):\(two(ofDay % 60))" : hm
    }

    static func whole(_ v: Double) -> String { v.isFinite ? String(Int(v.rounded())) : "?" }

    /// 12.4 → "12", 0.6 → "0.6": whole percent unless that would show a small loss as 0 or 1.
    static func percent(_ v: Double) -> String {
        guard v.isFinite else { return "?" }
        if v >= 2 { return String(Int(v.rounded())) }
        return String((v * 10).rounded() / 10)
    }
}
