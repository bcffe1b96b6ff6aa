/// Lookups that one derivation pass needs and a report keyed by id does not give directly, built
/// in one pass over the report so that matching stays linear in the number of stats (an SFU
/// connection can carry a hundred rtp streams).
struct StatsReportIndex {
    /// `inbound-rtp` and `outbound-rtp` ids, sorted so that sums come out bit-identical every run.
    var inboundIds: [String] = []
    var outboundIds: [String] = []
    var remoteInboundByLocalId: [String: String] = [:]
    var remoteInboundBySsrc: [Int64: String] = [:]
    var remoteOutboundByLocalId: [String: String] = [:]
    var remoteOutboundBySsrc: [Int64: String] = [:]
    /// Per `transportId` of candidate pairs, the pair that looks selected when the transport does
    /// not say (Firefox has no transport stats but marks `selected: true`).
    private var fallbackPairByTransport: [String: PairCandidate] = [:]
    private var fallbackPair: PairCandidate?
    /// The only transport's id when there is exactly one, for rtp stats without `transportId`.
    private var soleTransportId: String?
    private var transportCount = 0

    private struct PairCandidate {
        var id: String
        var rank: Int
        var bytes: Double

        func isBetter(than other: PairCandidate) -> Bool {
            if rank != other.rank { return rank > other.rank }
            if bytes != other.bytes { return bytes > other.bytes }
            return id < other.id
        }
    }

    init(_ report: StatsReport) {
        for (id, stat) in report.stats {
            switch stat.statType {
            case "inbound-rtp":
                inboundIds.append(id)
            case "outbound-rtp":
                outboundIds.append(id)
            case "remote-inbound-rtp":
                if let localId = stat.text("localId") { remoteInboundByLocalId[localId] = id }
                if let ssrc = stat.ssrc { remoteInboundBySsrc[ssrc] = id }
            case "remote-outbound-rtp":
                if let localId = stat.text("localId") { remoteOutboundByLocalId[localId] = id }
                if let ssrc = stat.ssrc { remoteOutboundBySsrc[ssrc] = id }
            case "transport":
                transportCount += 1
                soleTransportId = id
            case "candidate-pair":
                addPair(id: id, stat)
            default:
                break
            }
        }
        inboundIds.sort()
        outboundIds.sort()
        if transportCount != 1 { soleTransportId = nil }
    }

    private mutating func addPair(id: String, _ pair: StatObject) {
        let rank: Int
        if pair.flag("selected") == true {
            rank = 2
        } else if pair.flag("nominated") == true && pair.text("state") == "succeeded" {
            rank = 1
        } else {
            return
        }
        let candidate = PairCandidate(id: id, rank: rank,
                                      bytes: (pair.number("bytesSent") ?? 0) + (pair.number("bytesReceived") ?? 0))
        let transportId = pair.text("transportId") ?? ""
        if let current = fallbackPairByTransport[transportId], !candidate.isBetter(than: current) {} else {
            fallbackPairByTransport[transportId] = candidate
        }
        if let current = fallbackPair, !candidate.isBetter(than: current) {} else {
            fallbackPair = candidate
        }
    }

    /// The selected candidate pair for an rtp stat: its transport's `selectedCandidatePairId`,
    /// else a pair with `selected == true` (Firefox), else a nominated pair in state `succeeded`.
    func selectedPair(for rtp: StatObject, in report: StatsReport) -> StatObject? {
        let transportId = rtp.text("transportId") ?? soleTransportId
        if let transportId, let transport = report.stats[transportId],
           let pairId = transport.text("selectedCandidatePairId"), let pair = report.stats[pairId] {
            return pair
        }
        let candidate = transportId.flatMap { fallbackPairByTransport[$0] } ?? fallbackPair
        return candidate.flatMap { report.stats[$0.id] }
    }

    /// The `remote-inbound-rtp` describing what the far end received of this `outbound-rtp`:
    /// by `localId`, else by the outbound's `remoteId`, else by the same `ssrc` and `kind`
    /// (Firefox remote-inbound stats have no `localId`).
    func remoteInbound(forOutbound id: String, _ outbound: StatObject, in report: StatsReport) -> (id: String, stat: StatObject)? {
        remote(localId: id, local: outbound, byLocalId: remoteInboundByLocalId, bySsrc: remoteInboundBySsrc,
               type: "remote-inbound-rtp", in: report)
    }

    /// The `remote-outbound-rtp` describing what the far end sent on this `inbound-rtp`.
    func remoteOutbound(forInbound id: String, _ inbound: StatObject, in report: StatsReport) -> (id: String, stat: StatObject)? {
        remote(localId: id, local: inbound, byLocalId: remoteOutboundByLocalId, bySsrc: remoteOutboundBySsrc,
               type: "remote-outbound-rtp", in: report)
    }

    private func remote(localId: String, local: StatObject, byLocalId: [String: String], bySsrc: [Int64: String],
                        type: String, in report: StatsReport) -> (id: String, stat: StatObject)? {
        if let remoteId = byLocalId[localId], let stat = report.stats[remoteId] {
            return (remoteId, stat)
        }
        if let remoteId = local.text("remoteId"), let stat = report.stats[remoteId], stat.statType == type {
            return (remoteId, stat)
        }
        guard let ssrc = local.ssrc, let remoteId = bySsrc[ssrc], let stat = report.stats[remoteId] else { return nil }
        // A remote stat that names another local stat is that one's, even with the same SSRC.
        if let otherLocal = stat.text("localId"), otherLocal != localId { return nil }
        if let localKind = MediaKindResolver.rtpKind(local), let remoteKind = MediaKindResolver.rtpKind(stat),
           localKind != remoteKind {
            return nil
        }
        return (remoteId, stat)
    }
}
