/// Which way a peer connection's media goes: the selected candidate pair's local and remote
/// candidate types (`host`, `srflx`, `prflx`, `relay`) and transport (webrtc-stats
/// `RTCIceCandidateStats`). A `relay` local candidate means this participant's media goes through
/// a TURN server, whose own network is then part of the participant's link.
///
/// ```swift
/// stats.connectionPath   // ConnectionPath(localType: "relay", remoteType: "host", protocol: "udp",
///                        //                relayProtocol: "tls", relayAddress: "198.51.100.7")
/// ```
public struct ConnectionPath: Sendable, Hashable, Codable {
    public var localType: String?
    public var remoteType: String?
    /// `udp` or `tcp`: the transport to the remote candidate.
    public var `protocol`: String?
    /// How the browser reaches its TURN server (`udp`, `tcp`, `tls`), for a relay candidate.
    public var relayProtocol: String?
    /// The relay candidate's address: media of two participants through one TURN server share it.
    public var relayAddress: String?

    public init(localType: String?, remoteType: String?, protocol: String? = nil, relayProtocol: String? = nil,
                relayAddress: String? = nil) {
        self.localType = localType
        self.remoteType = remoteType
        self.protocol = `protocol`
        self.relayProtocol = relayProtocol
        self.relayAddress = relayAddress
    }

    /// This participant's media goes through a TURN server.
    public var isRelayed: Bool { localType == "relay" }

    /// The data of the `connection-path` timeline event that records it:
    /// `{pc, local, remote, protocol, relayProtocol, relayAddress}`, without the absent ones.
    public func eventData(pc: String) -> JSONValue {
        var data: [String: JSONValue] = ["pc": .string(pc)]
        for (name, value) in [("local", localType), ("remote", remoteType), ("protocol", self.protocol),
                              ("relayProtocol", relayProtocol), ("relayAddress", relayAddress)] {
            if let value { data[name] = .string(value) }
        }
        return .object(data)
    }

    /// The path of the report's selected candidate pair (its transport's `selectedCandidatePairId`,
    /// else the pair marked `selected`, else a nominated succeeded one); `nil` without one.
    static func selected(in report: StatsReport) -> ConnectionPath? {
        guard let pair = selectedPair(in: report) else { return nil }
        let local = pair.text(.localCandidateId).flatMap { report.records[$0] }
        let remote = pair.text(.remoteCandidateId).flatMap { report.records[$0] }
        guard local != nil || remote != nil else { return nil }
        // Short strings from outside: kept only when they look like what the spec defines.
        func token(_ s: String?) -> String? { s.flatMap { $0.utf8.count <= 16 && $0.allSatisfy { $0.isLetter } ? $0.lowercased() : nil } }
        let isRelay = token(local?.text(.candidateType)) == "relay"
        let address = local?.text(.address) ?? local?.text(.ip)
        return ConnectionPath(localType: token(local?.text(.candidateType)), remoteType: token(remote?.text(.candidateType)),
                              protocol: token(local?.text(.protocol)), relayProtocol: isRelay ? token(local?.text(.relayProtocol)) : nil,
                              relayAddress: isRelay ? address.flatMap { $0.utf8.count <= 64 ? $0 : nil } : nil)
    }
}

extension ConnectionPath {
    /// One pass over the report's transports and pairs only. With several transports (no
    /// BUNDLE), the one that carried the most bytes speaks for the connection.
    static func selectedPair(in report: StatsReport) -> StatRecord? {
        var viaTransport: (bytes: Double, pairId: String)?
        var fallback: (rank: Int, bytes: Double, id: String)?
        for (id, stat) in report.records {
            let bytes = (stat.number(.bytesSent) ?? 0) + (stat.number(.bytesReceived) ?? 0)
            switch stat.type {
            case .transport:
                guard let pairId = stat.text(.selectedCandidatePairId) else { continue }
                if viaTransport.map({ (bytes, pairId) > ($0.bytes, $0.pairId) }) ?? true { viaTransport = (bytes, pairId) }
            case .candidatePair:
                let rank = stat.flag(.selected) == true ? 2 : stat.flag(.nominated) == true && stat.text(.state) == "succeeded" ? 1 : 0
                guard rank > 0 else { continue }
                if fallback.map({ (rank, bytes, id) > ($0.rank, $0.bytes, $0.id) }) ?? true { fallback = (rank, bytes, id) }
            default:
                continue
            }
        }
        if let pairId = viaTransport?.pairId, let pair = report.records[pairId] { return pair }
        return fallback.flatMap { report.records[$0.id] }
    }
}

extension PeerConnectionStats {
    /// The connection's path in the last report (``ConnectionPath/selected(in:)``).
    public var connectionPath: ConnectionPath? {
        lastReport.flatMap(ConnectionPath.selected(in:))
    }
}
