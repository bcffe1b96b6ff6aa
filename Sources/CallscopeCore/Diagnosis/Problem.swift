/// Which side of a problem's participant was at fault.
public enum ProblemDirection: String, Sendable, Hashable, Codable {
    /// What the participant sent went bad on the way out: every receiver of theirs suffered.
    case uplink
    /// What the participant received went bad on the way in, from every sender.
    case downlink
    /// The participant's device: the encoder held back by the CPU.
    case device
    /// A path several participants share: a TURN relay (``Problem/relayAddress``) or the SFU.
    case relay
    /// The evidence does not say: a single path in a call of two, a round trip, or everyone at
    /// once without a shared server to blame.
    case unknown
}

/// One figure behind a problem, and the stream side it came from.
public struct ProblemEvidence: Sendable, Hashable {
    public var metric: ProblemMetric
    public var key: StreamKey
    public var side: StreamSide
    public var startMs: Int64
    public var endMs: Int64
    /// In the metric's unit: percent (loss), ms (jitter, RTT, time frozen per sample), the
    /// received/sent ratio (frame rate), packets received (no media), kbit/s sent (bandwidth, CPU).
    public var worst: Double
    public var median: Double
    public var severity: ProblemSeverity

    public init(_ symptom: Symptom) {
        metric = symptom.metric
        key = symptom.key
        side = symptom.side
        startMs = symptom.startMs
        endMs = symptom.endMs
        worst = symptom.worst
        median = symptom.median
        severity = symptom.severity
    }
}

/// A lasting problem of a call, with its cause and the evidence for it.
public struct Problem: Sendable, Hashable {
    /// Whose link or device it was; `nil` when it was a shared path.
    public var participantId: String?
    /// The other end of a path that could not be pinned to either end.
    public var otherParticipantId: String?
    public var direction: ProblemDirection
    /// The figure that leads it (the worst, then what a user notices first).
    public var metric: ProblemMetric
    public var startMs: Int64
    public var endMs: Int64
    /// `true` when it was still going on at the last sample.
    public var ongoing: Bool
    public var severity: ProblemSeverity
    /// The participants who received the bad media (the culprit too, for a downlink).
    public var affectedParticipantIds: [String]
    /// The senders whose media went bad.
    public var affectedSenderIds: [String]
    public var evidence: [ProblemEvidence]
    /// For a `relay` problem pinned to one TURN relay: the relay candidates' address.
    public var relayAddress: String?
    /// The participants whose media went through that relay, in id order.
    public var relayedParticipantIds: [String] = []
    /// What the participants' clients reported meanwhile that can explain it (an ICE failure,
    /// a TURN refusal, a device that would not start), oldest first.
    public var incidents: [CallIncident] = []
    /// Edges another problem at the same time also explains (Alice's uplink and Bob's downlink
    /// both spoil alice→bob): their evidence stays listed but does not set the leading figure
    /// while other evidence remains, so each problem's figure is its own.
    public var sharedEdges: Set<CallEdge> = []

    public var durationMs: Int64 { endMs.subtracting(saturating: startMs) }

    /// The median of the leading metric's evidence, preferring what the receivers measured for
    /// loss through RTCP (sender side) over a receiver's own count where both exist.
    public var leadingFigure: Double? {
        let ofMetric = evidence.filter { $0.metric == metric }
        let own = ofMetric.filter { !sharedEdges.contains(CallEdge(senderId: $0.key.senderId, receiverId: $0.key.receiverId)) }
        let all = own.isEmpty ? ofMetric : own
        let sent = all.filter { $0.side == .sender }
        let lead = metric == .loss && !sent.isEmpty ? sent : all
        guard !lead.isEmpty else { return nil }
        let sorted = lead.map(\.median).sorted()
        return sorted[sorted.count / 2]
    }

    public init(participantId: String?, otherParticipantId: String? = nil, direction: ProblemDirection, metric: ProblemMetric,
                startMs: Int64, endMs: Int64, ongoing: Bool, severity: ProblemSeverity, affectedParticipantIds: [String],
                affectedSenderIds: [String], evidence: [ProblemEvidence]) {
        self.participantId = participantId
        self.otherParticipantId = otherParticipantId
        self.direction = direction
        self.metric = metric
        self.startMs = startMs
        self.endMs = endMs
        self.ongoing = ongoing
        self.severity = severity
        self.affectedParticipantIds = affectedParticipantIds
        self.affectedSenderIds = affectedSenderIds
        self.evidence = evidence
    }
}
