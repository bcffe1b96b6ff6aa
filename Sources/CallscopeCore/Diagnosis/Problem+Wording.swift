extension Problem {
    /// Whose fault, in a few words: "Alice's uplink", "the path from Alice to Bob", "the SFU or
    /// relay everyone shares". `name` turns a participant id into a display name.
    public func cause(_ name: (String) -> String) -> String {
        guard let id = participantId else {
            if let relayAddress { return "the TURN relay at \(relayAddress)" }
            return direction == .relay ? "the SFU or relay everyone shares" : "every stream at once (cause unknown)"
        }
        switch direction {
        case .uplink: return "\(name(id))'s uplink"
        case .downlink: return "\(name(id))'s downlink"
        case .device: return "\(name(id))'s device"
        case .relay, .unknown:
            if let other = otherParticipantId {
                return metric == .rtt ? "the connection between \(name(id)) and \(name(other))" : "the path from \(name(id)) to \(name(other))"
            }
            return "\(name(id))'s connection (direction unknown)"
        }
    }

    /// "packet loss", "frozen video", …: the leading metric in words.
    public var metricWording: String {
        switch metric {
        case .loss: "packet loss"
        case .jitter: "jitter"
        case .delay: "delayed audio"
        case .rtt: "round-trip time"
        case .freezes: "frozen video"
        case .frameRate: "choppy video"
        case .noMedia: "no media"
        case .bandwidth: "bandwidth-limited video"
        case .cpu: "CPU-limited encoder"
        case .captureFrameRate: "camera delivering few frames"
        case .encoderFrameRate: "frames dropped before sending"
        }
    }

    /// The problem of `problems` that explains what `participantId` suffered (or caused) from
    /// `startMs` to `endMs`: overlapping in time, the worst first.
    public static func explaining(_ participantId: String, from startMs: Int64, to endMs: Int64, in problems: [Problem]) -> Problem? {
        problems.first { p in
            p.startMs < endMs && startMs < p.endMs
                && (p.participantId == participantId || p.otherParticipantId == participantId
                    || p.affectedParticipantIds.contains(participantId) || p.affectedSenderIds.contains(participantId))
        }
    }
}
