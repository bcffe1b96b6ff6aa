import CallscopeCore

/// The diagnoses and quality scores already computed, by session, with the data they came from: a
/// session's diagnosis reads every sample of it, so it is computed again only when samples were
/// added, the limits, incidents or relays changed, or (while the session is ongoing) at most once
/// per `minIntervalMs`.
actor DiagnosisCache {
    /// What a diagnosis was computed from: when this changes, it is stale.
    struct Version: Hashable {
        var streams: Int
        var samples: Int64
        var lastMs: Int64
        var ended: Bool
        var limits: HealthThresholds
        var incidents: [CallIncident]
        var relayed: Set<String>
    }

    /// What is computed from every sample of a session at once.
    struct Judgement: Sendable {
        var diagnosis: Diagnosis
        var scores: QualityScores
    }

    private struct Entry {
        var version: Version
        var judgement: Judgement
        var computedMs: Int64
        /// How long computing it took: a long call's diagnosis costs seconds, so while it is
        /// ongoing it is recomputed at most every four times that (a quarter of one core).
        var costMs: Int64
    }

    private var entries: [String: Entry] = [:]
    /// Sessions kept; the least recently computed go first.
    private let capacity: Int

    init(capacity: Int = 256) { self.capacity = capacity }

    /// The cached judgement of `sessionId` when it is still good for `version` at `nowMs`.
    func judgement(_ sessionId: String, version: Version, nowMs: Int64, minIntervalMs: Int64) -> Judgement? {
        guard let entry = entries[sessionId] else { return nil }
        if entry.version == version { return entry.judgement }
        // An ongoing session's samples change on every batch: recompute at most once per interval.
        let recent = nowMs.subtracting(saturating: entry.computedMs) < max(minIntervalMs, entry.costMs.multiplied(saturating: 4))
        let sameInputs = entry.version.limits == version.limits && entry.version.incidents == version.incidents
            && entry.version.relayed == version.relayed
        return !version.ended && sameInputs && recent ? entry.judgement : nil
    }

    func store(_ judgement: Judgement, for sessionId: String, version: Version, nowMs: Int64, costMs: Int64 = 0) {
        if entries[sessionId] == nil, entries.count >= capacity,
           let oldest = entries.min(by: { $0.value.computedMs < $1.value.computedMs })?.key {
            entries[oldest] = nil
        }
        entries[sessionId] = Entry(version: version, judgement: judgement, computedMs: nowMs, costMs: costMs)
    }
}
