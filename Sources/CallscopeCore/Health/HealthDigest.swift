/// What a session's health slices add up to, read in one pass: the share of time in each colour
/// per participant and kind (the participant table and the sessions list) and the quality drops
/// (the timeline).
///
/// Slices must arrive ordered by participant, kind and start time, as the store keeps them.
///
/// ```swift
/// var digest = HealthDigest(limits: .default, sliceMs: 10_000)
/// for slice in slices { digest.add(slice.participantId, slice.kind, slice.startMs, slice.figures) }
/// digest.summaries["alice"]   // [HealthSummary] per kind
/// digest.drops                // [QualityDrop]
/// ```
public struct HealthDigest: Sendable {
    public let limits: HealthThresholds
    public let sliceMs: Int64
    private var counts: [String: [MediaKind: [HealthColour: Int]]] = [:]
    private var closedDrops: [QualityDrop] = []
    private var bar: (participantId: String, kind: MediaKind)?
    private var lastSliceStartMs: Int64 = .min
    private var openDrop: QualityDrop?

    public init(limits: HealthThresholds, sliceMs: Int64) {
        self.limits = limits
        self.sliceMs = sliceMs
    }

    public mutating func add(_ slice: HealthSlice) {
        add(participantId: slice.participantId, kind: slice.kind, startMs: slice.startMs, figures: slice.figures)
    }

    public mutating func add(participantId: String, kind: MediaKind, startMs: Int64, figures: HealthAccumulator) {
        if bar?.participantId != participantId || bar?.kind != kind {
            closeDrop()
            bar = (participantId, kind)
        }
        lastSliceStartMs = startMs
        guard let colour = figures.colour(limits) else {
            // A slice without any metric (nothing measured) ends a drop: we cannot say it went on.
            closeDrop()
            return
        }
        counts[participantId, default: [:]][kind, default: [:]][colour, default: 0] += 1
        guard colour == .poor else {
            closeDrop()
            return
        }
        if var drop = openDrop, drop.endMs == startMs {
            drop.endMs = startMs.adding(saturating: sliceMs)
            drop.absorb(figures, limits)
            openDrop = drop
        } else {
            closeDrop()
            var drop = QualityDrop(participantId: participantId, kind: kind, startMs: startMs, endMs: startMs.adding(saturating: sliceMs),
                                   reachesLastSlice: false, freezes: 0, causes: [])
            drop.absorb(figures, limits)
            openDrop = drop
        }
    }

    /// Share of time per colour, per participant and kind.
    public var summaries: [String: [HealthSummary]] {
        counts.mapValues { HealthSummary.summaries(counts: $0) }
    }

    /// Every quality drop, ordered by start time (then participant and kind).
    public var drops: [QualityDrop] {
        var all = closedDrops
        if var open = openDrop {
            open.reachesLastSlice = open.endMs == lastSliceStartMs.adding(saturating: sliceMs)
            all.append(open)
        }
        return all.sorted { ($0.startMs, $0.participantId, $0.kind.rawValue) < ($1.startMs, $1.participantId, $1.kind.rawValue) }
    }

    private mutating func closeDrop() {
        guard var drop = openDrop else { return }
        drop.reachesLastSlice = drop.endMs == lastSliceStartMs.adding(saturating: sliceMs)
        closedDrops.append(drop)
        openDrop = nil
    }
}

extension QualityDrop {
    /// Adds one poor slice's figures: worst values, freezes, and the metrics that were poor.
    mutating func absorb(_ f: HealthAccumulator, _ limits: HealthThresholds) {
        freezes += f.freezeCount
        if let j = f.meanJitterMs { worstJitterMs = max(worstJitterMs ?? j, j) }
        if let r = f.meanRttMs { worstRttMs = max(worstRttMs ?? r, r) }
        if let l = f.lossPercent { worstLossPercent = max(worstLossPercent ?? l, l) }
        if let l = f.sentLossPercent { worstSentLossPercent = max(worstSentLossPercent ?? l, l) }
        if let l = f.receivedLossPercent { worstReceivedLossPercent = max(worstReceivedLossPercent ?? l, l) }
        if let fps = f.meanFps { lowestFps = min(lowestFps ?? fps, fps) }
        causes = currentCauses(limits)
    }

    /// Ordered by how far each metric went past its poor limit, so the first cause is the story.
    private func currentCauses(_ limits: HealthThresholds) -> [QualityCause] {
        var found: [(QualityCause, Double)] = []
        if let j = worstJitterMs, limits.colour(jitterMs: j) == .poor { found.append((.jitter(ms: j), j / limits.jitterModerateMs)) }
        if let r = worstRttMs, limits.colour(rttMs: r) == .poor { found.append((.rtt(ms: r), r / limits.rttModerateMs)) }
        for (loss, sent) in [(worstSentLossPercent, true), (worstReceivedLossPercent, false)] {
            guard let l = loss, limits.colour(lossPercent: l) == .poor else { continue }
            found.append((.loss(percent: l, sent: sent), l / max(limits.lossModeratePercent, 0.001)))
        }
        if let f = lowestFps, limits.colour(fps: f) == .poor { found.append((.fps(f), limits.fpsPoor / max(f, 0.5))) }
        if freezes > 0 { found.append((.freezes(freezes), 1)) }
        return found.sorted { $0.1 > $1.1 }.map(\.0)
    }
}
