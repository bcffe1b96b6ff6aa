/// Why a call was bad and on whose side: its lasting problems, each with a cause and evidence, and
/// a verdict in a few sentences, the worst first (docs/quality.md).
///
/// ```swift
/// let diagnosis = Diagnosis(graph: CallGraph(series: series, names: names))
/// diagnosis.verdict.first   // "Bob's uplink lost 12 % of what Bob sent from 10:04 to 10:09 UTC; …"
/// ```
public struct Diagnosis: Sendable, Hashable {
    public var problems: [Problem]
    /// What the clients reported that no problem explains but a reader should know: a
    /// connection that failed before any media flowed, a reconnect storm, a TURN server that
    /// refused, statistics with gaps. Oldest first.
    public var incidents: [CallIncident]
    public var verdict: [String]

    public init(problems: [Problem], incidents: [CallIncident] = [], verdict: [String]) {
        self.problems = problems
        self.incidents = incidents
        self.verdict = verdict
    }

    /// `callEnded`: the session is over, so nothing is "still going on", however its last
    /// samples looked. `incidents`: the session's (``CallIncident/incidents(errors:events:)``).
    public init(graph: CallGraph, levels: ProblemLevels = ProblemLevels(), callEnded: Bool = false,
                incidents: [CallIncident] = []) {
        let detector = SymptomDetector(levels: levels)
        let symptoms = graph.series.flatMap { detector.symptoms(of: $0, in: graph) }
        let faults = Self.absorbed(FaultLocator(graph: graph).faults(from: symptoms), within: levels.maxGapMs)
        // Every stream at once points at what they all share: an SFU, or a TURN relay only when
        // everyone's media goes through one.
        let everyoneRelayed = !graph.relayedParticipants.isEmpty && graph.participantIds.allSatisfy(graph.relayedParticipants.contains)
        let sharedIsRelay = graph.usesServer || everyoneRelayed
        let relays = graph.sharedRelays
        // Everyone behind one TURN server: that relay is the path they share.
        let everyonesRelay = everyoneRelayed && !graph.usesServer
            ? relays.filter { $0.value == graph.participantIds }.keys.min() : nil
        // Each fault looks only at the symptoms of its own edges.
        let byEdge = Dictionary(grouping: symptoms, by: \.edge)
        var problems = faults.compactMap { (fault: FaultLocator.Fault) -> Problem? in
            guard var problem = Self.problem(fault, fault.edges.sorted().flatMap { byEdge[$0] ?? [] }, sharedIsRelay: sharedIsRelay,
                                             callEnded: callEnded) else { return nil }
            switch fault.culprit {
            case .relay(let address): problem.relayAddress = address
            case .shared: problem.relayAddress = everyonesRelay
            default: break
            }
            problem.relayedParticipantIds = problem.relayAddress.flatMap { relays[$0] } ?? []
            return problem
        }
            .sorted(by: Self.worstFirst)
        problems = Self.foldingNetworkDrops(problems, within: levels.maxGapMs)
        problems = Self.foldingIntoDevice(problems, within: levels.maxGapMs).sorted(by: Self.worstFirst)
        for i in problems.indices { problems[i].incidents = incidents.filter { $0.explains(problems[i]) } }
        Self.markSharedEdges(&problems)
        let explained = Set(problems.flatMap(\.incidents))
        self.problems = problems
        self.incidents = incidents.filter { !explained.contains($0) && $0.isWorthTelling }
        verdict = VerdictWriter(graph: graph).sentences(problems, incidents: self.incidents)
    }

    /// Frames dropped before sending while the same sender's link is in trouble are the link's
    /// doing: a congested uplink stalls the pacer and the encoder drops frames seconds before
    /// `qualityLimitationReason` says `bandwidth` (measured on a 300 kbit/s cap in the impaired
    /// suite). So are frames dropped only on the way to one receiver that is in trouble itself:
    /// when its feedback stops coming (its downlink cut, or its browser starved of CPU), the
    /// sender's congestion window fills and that connection's encoder drops frames, with no
    /// limitation reason (measured in the impaired suite's starved-browser call, where the
    /// starved participant's peers "dropped" half their frames towards it only). Such a device
    /// problem becomes evidence of the problem that caused it.
    static func foldingNetworkDrops(_ problems: [Problem], within gapMs: Int64) -> [Problem] {
        var result = problems
        var i = result.count - 1
        while i >= 0 {
            let p = result[i]
            let receivers = Set(p.evidence.map(\.key.receiverId))
            // The one receiver all the drops went to, when that is not everyone.
            let towards = receivers.count == 1 ? receivers.first ?? nil : nil
            let near = { (q: Problem) in
                p.startMs <= q.endMs.adding(saturating: gapMs) && q.startMs <= p.endMs.adding(saturating: gapMs)
            }
            if p.direction == .device, p.evidence.allSatisfy({ $0.metric == .encoderFrameRate }), let id = p.participantId,
               let host = result.firstIndex(where: { q in q.participantId == id && q.direction != .device && near(q) })
                ?? result.firstIndex(where: { q in towards != nil && q.participantId == towards && q.direction == .device && near(q) })
                ?? result.firstIndex(where: { q in towards != nil && q.participantId == towards && q.direction == .downlink && near(q) }) {
                result[host].evidence = Array((result[host].evidence + p.evidence).prefix(12))
                result.remove(at: i)
            }
            i -= 1
        }
        return result
    }

    /// Severe first, then longest, then earliest.
    static func worstFirst(_ a: Problem, _ b: Problem) -> Bool {
        (b.severity, b.durationMs, a.startMs) < (a.severity, a.durationMs, b.startMs)
    }

    /// A device that falls behind (a camera delivering fewer frames than it usually does, an
    /// encoder held back by the CPU) stalls all of its owner's media, not only the camera: the
    /// others see its video freeze and its packets come in bursts, and it decodes what it
    /// receives late. Measured with a browser held to 4 % of a core in the impaired suite: no
    /// packet lost, jitter 50–60 ms both ways, jitter buffers of a second, frozen video, RTT up,
    /// and the camera at 11 of its usual 20 fps. So a problem of the same participant at the
    /// same time whose evidence is all of that kind (no loss, no bandwidth limit, which a
    /// network fault brings) is the device's, and becomes its evidence. Starved harder (a CI
    /// machine busier than ours), the browser stops reading what arrives for seconds and its
    /// downlink shows no media at all; a network that cuts a downlink does not also slow the
    /// camera, so missing media joins the device's evidence when the device's own figures (the
    /// camera's rate, a CPU limitation) say it was short of resources.
    static func foldingIntoDevice(_ problems: [Problem], within gapMs: Int64) -> [Problem] {
        let stallSigns: Set<ProblemMetric> = [.freezes, .frameRate, .jitter, .delay, .rtt]
        let starvedSigns = stallSigns.union([.noMedia, .encoderFrameRate])
        var result = problems
        var i = result.count - 1
        while i >= 0 {
            let p = result[i]
            let people = [p.participantId, p.otherParticipantId].compactMap { $0 }
            let metrics = Set(p.evidence.map(\.metric))
            if p.direction != .device, !p.evidence.isEmpty, metrics.isSubset(of: starvedSigns),
               let host = result.firstIndex(where: { q in
                   q.direction == .device && q.participantId.map(people.contains) == true
                       && p.startMs <= q.endMs.adding(saturating: gapMs) && q.startMs <= p.endMs.adding(saturating: gapMs)
                       && (metrics.isSubset(of: stallSigns) || q.evidence.contains { [.captureFrameRate, .cpu].contains($0.metric) })
               }) {
                var device = result[host]
                device.evidence = Array((device.evidence + p.evidence).prefix(12))
                device.startMs = min(device.startMs, p.startMs)
                device.endMs = max(device.endMs, p.endMs)
                device.ongoing = device.ongoing || p.ongoing
                device.severity = max(device.severity, p.severity)
                device.affectedParticipantIds = Array(Set(device.affectedParticipantIds + p.affectedParticipantIds)).sorted()
                device.affectedSenderIds = Array(Set(device.affectedSenderIds + p.affectedSenderIds)).sorted()
                result[host] = device
                result.remove(at: i)
            }
            i -= 1
        }
        return result
    }

    /// Two problems at the same time whose evidence lies on the same edges (an uplink and a
    /// downlink meeting on one stream) each leave those edges out of their leading figure.
    static func markSharedEdges(_ problems: inout [Problem]) {
        let edges = problems.map { p in Set(p.evidence.map { CallEdge(senderId: $0.key.senderId, receiverId: $0.key.receiverId) }) }
        for i in problems.indices {
            for j in problems.indices where j != i {
                guard problems[i].startMs <= problems[j].endMs, problems[j].startMs <= problems[i].endMs else { continue }
                problems[i].sharedEdges.formUnion(edges[i].intersection(edges[j]))
            }
        }
    }

    /// The problems that were this participant's own (their link or device).
    public func problems(of participantId: String) -> [Problem] {
        problems.filter { $0.participantId == participantId }
    }

    /// The problems this participant suffered from (received bad media) without causing them.
    public func problems(sufferedBy participantId: String) -> [Problem] {
        problems.filter { $0.participantId != participantId && $0.affectedParticipantIds.contains(participantId) }
    }

    /// Symptoms start a few seconds apart on different streams of one fault, so the first
    /// seconds look like one bad path and the fault proper follows. A fault whose edges another
    /// fault also explains, close to it in time, is part of that fault; so is a connection whose
    /// participant's uplink or downlink is at fault at the same time.
    static func absorbed(_ faults: [FaultLocator.Fault], within gapMs: Int64) -> [FaultLocator.Fault] {
        var result = faults.sorted { $0.endMs.subtracting(saturating: $0.startMs) > $1.endMs.subtracting(saturating: $1.startMs) }
        var i = result.count - 1
        while i > 0 {
            let small = result[i]
            let host = result[..<i].firstIndex { big in
                let near = small.startMs <= big.endMs.adding(saturating: gapMs) && big.startMs <= small.endMs.adding(saturating: gapMs)
                return near && absorbable(small.culprit, into: big.culprit)
                    && (big.edges.isSuperset(of: small.edges) || Self.sameParticipant(big.culprit, small.culprit))
            }
            if let h = host {
                result[h].startMs = min(result[h].startMs, small.startMs)
                result[h].endMs = max(result[h].endMs, small.endMs)
                result[h].edges.formUnion(small.edges)
                result.remove(at: i)
            }
            i -= 1
        }
        return result
    }

    private static func sameParticipant(_ big: FaultLocator.Culprit, _ small: FaultLocator.Culprit) -> Bool {
        switch (big, small) {
        case (.uplink(let a), .connection(let b)), (.downlink(let a), .connection(let b)): a == b
        default: false
        }
    }

    /// A device problem is its own kind of evidence and is never folded into a network fault.
    private static func absorbable(_ small: FaultLocator.Culprit, into big: FaultLocator.Culprit) -> Bool {
        if case .device = small { return false }
        if case .device = big { return false }
        return true
    }

    /// `sharedIsRelay`: the participants send through an SFU or a TURN relay, which a fault of
    /// every stream at once then points at; without one it is `unknown`.
    static func problem(_ fault: FaultLocator.Fault, _ symptoms: [Symptom], sharedIsRelay: Bool, callEnded: Bool = false) -> Problem? {
        let related = symptoms.filter { s in
            guard fault.edges.contains(s.edge), s.overlaps(fault.startMs, fault.endMs) || s.startMs == fault.startMs else { return false }
            switch fault.culprit {
            case .device: return s.metric.isDevice
            case .connection: return s.metric == .rtt
            default: return !s.metric.isDevice
            }
        }
        // A downlink is led by what its receiver measured: the senders' bandwidth-limited encoders
        // are a consequence of it, not what its receiver noticed.
        let ownSide = { (s: Symptom) -> Int in
            if case .downlink = fault.culprit { return s.side == .receiver ? 1 : 0 }
            return 0
        }
        guard let lead = related.max(by: { ($0.severity, ownSide($0), -$0.metric.rank) < ($1.severity, ownSide($1), -$1.metric.rank) })
        else { return nil }
        let evidence = related
            .sorted { ($1.severity, -$1.metric.rank, $1.badness) < ($0.severity, -$0.metric.rank, $0.badness) }
            .prefix(12).map(ProblemEvidence.init)
        let (participant, other, direction): (String?, String?, ProblemDirection) = switch fault.culprit {
        case .uplink(let p): (p, nil, .uplink)
        case .downlink(let p): (p, nil, .downlink)
        case .device(let p): (p, nil, .device)
        case .connection(let p): (p, nil, .unknown)
        case .path(let edge): (edge.senderId, edge.receiverId, .unknown)
        case .relay: (nil, nil, .relay)
        case .shared: (nil, nil, sharedIsRelay ? .relay : .unknown)
        }
        return Problem(participantId: participant, otherParticipantId: other, direction: direction, metric: lead.metric,
                       startMs: fault.startMs, endMs: fault.endMs,
                       ongoing: !callEnded && related.contains { $0.openAtEnd && $0.endMs >= fault.endMs },
                       severity: related.map(\.severity).max() ?? .moderate,
                       affectedParticipantIds: Array(Set(fault.edges.compactMap(\.receiverId))).sorted(),
                       affectedSenderIds: Array(Set(fault.edges.map(\.senderId))).sorted(),
                       evidence: Array(evidence))
    }
}
