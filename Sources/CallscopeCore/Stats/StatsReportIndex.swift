/// Lookups that one derivation pass needs and a report keyed by id does not give directly, built
/// in one pass over the report so that matching stays linear in the number of stats (an SFU
/// connection can carry a hundred rtp streams).
struct StatsReportIndex {
    /// Where a stat sits in `StatsReport.records`: reading it there costs no hashing of its id.
    typealias Slot = Dictionary<String, StatRecord>.Index

    /// `inbound-rtp` and `outbound-rtp` stats, sorted by id so that sums come out bit-identical
    /// every run.
    var inbound: [(id: String, slot: Slot)] = []
    var outbound: [(id: String, slot: Slot)] = []
    private var remoteInboundByLocalId: [String: Slot] = [:]
    private var remoteInboundBySsrc: [Int64: Slot] = [:]
    private var remoteOutboundByLocalId: [String: Slot] = [:]
    private var remoteOutboundBySsrc: [Int64: Slot] = [:]
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
        let records = report.records
        var slot = records.startIndex
        while slot != records.endIndex {
            let (id, stat) = records[slot]
            switch stat.type {
            case .inboundRtp:
                inbound.append((id, slot))
            case .outboundRtp:
                outbound.append((id, slot))
            case .remoteInboundRtp:
                if let localId = stat.text(.localId) { remoteInboundByLocalId[localId] = slot }
                if let ssrc = stat.ssrc { remoteInboundBySsrc[ssrc] = slot }
            case .remoteOutboundRtp:
                if let localId = stat.text(.localId) { remoteOutboundByLocalId[localId] = slot }
                if let ssrc = stat.ssrc { remoteOutboundBySsrc[ssrc] = slot }
            case .transport:
                transportCount += 1
                soleTransportId = id
            case .candidatePair:
                addPair(id: id, stat)
            case .codec, .other:
                break
            }
            records.formIndex(after: &slot)
        }
        inbound.sort { $0.id < $1.id }
        outbound.sort { $0.id < $1.id }
        if transportCount != 1 { soleTransportId = nil }
    }

    private mutating func addPair(id: String, _ pair: StatRecord) {
        let rank: Int
        if pair.flag(.selected) == true {
            rank = 2
        } else if pair.flag(.nominated) == true && pair.text(.state) == "succeeded" {
            rank = 1
        } else {
            return
        }
        let candidate = PairCandidate(id: id, rank: rank,
                                      bytes: (pair.number(.bytesSent) ?? 0) + (pair.number(.bytesReceived) ?? 0))
        let transportId = pair.text(.transportId) ?? ""
        if let current = fallbackPairByTransport[transportId], !candidate.isBetter(than: current) {} else {
            fallbackPairByTransport[transportId] = candidate
        }
        if let current = fallbackPair, !candidate.isBetter(than: current) {} else {
            fallbackPair = candidate
        }
    }

    /// The selected candidate pair for an rtp stat: its transport's `selectedCandidatePairId`,
    /// else a pair with `selected == true` (Firefox), else a nominated pair in state `succeeded`.
    /// `rtpTransportId` is the rtp stat's `transportId` member.
    func selectedPair(transportId rtpTransportId: String?, in report: StatsReport) -> StatRecord? {
        let transportId = rtpTransportId ?? soleTransportId
        if let transportId, let transport = report.records[transportId],
           let pairId = transport.text(.selectedCandidatePairId), let pair = report.records[pairId] {
            return pair
        }
        let candidate = transportId.flatMap { fallbackPairByTransport[$0] } ?? fallbackPair
        return candidate.flatMap { report.records[$0.id] }
    }

    /// The `remote-inbound-rtp` describing what the far end received of this `outbound-rtp`:
    /// by `localId`, else by the outbound's `remoteId`, else by the same `ssrc` and `kind`
    /// (Firefox remote-inbound stats have no `localId`).
    func remoteInbound(forOutbound id: String, _ outbound: StatRecord, in report: StatsReport) -> (id: String, stat: StatRecord)? {
        remote(localId: id, local: outbound, byLocalId: remoteInboundByLocalId, bySsrc: remoteInboundBySsrc,
               type: .remoteInboundRtp, in: report)
    }

    /// The `remote-outbound-rtp` describing what the far end sent on this `inbound-rtp`.
    func remoteOutbound(forInbound id: String, _ inbound: StatRecord, in report: StatsReport) -> (id: String, stat: StatRecord)? {
        remote(localId: id, local: inbound, byLocalId: remoteOutboundByLocalId, bySsrc: remoteOutboundBySsrc,
               type: .remoteOutboundRtp, in: report)
    }

    private func remote(localId: String, local: StatRecord, byLocalId: [String: Slot], bySsrc: [Int64: Slot],
                        type: StatType, in report: StatsReport) -> (id: String, stat: StatRecord)? {
        // Most connections have no remote stats of one kind or the other: skip hashing then.
        if !byLocalId.isEmpty, let slot = byLocalId[localId] {
            let (remoteId, stat) = report.records[slot]
            return (remoteId, stat)
        }
        if let remoteId = local.text(.remoteId), let stat = report.records[remoteId], stat.type == type {
            return (remoteId, stat)
        }
        guard !bySsrc.isEmpty, let ssrc = local.ssrc, let slot = bySsrc[ssrc] else { return nil }
        let (remoteId, stat) = report.records[slot]
        // A remote stat that names another local stat is that one's, even with the same SSRC.
        if let otherLocal = stat.text(.localId), otherLocal != localId { return nil }
        if let localKind = MediaKindResolver.rtpKind(local), let remoteKind = MediaKindResolver.rtpKind(stat),
           localKind != remoteKind {
            return nil
        }
        return (remoteId, stat)
    }
}
