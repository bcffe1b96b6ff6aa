import CallscopeCore
import Synchronization

/// The diagnoses and quality scores already computed, by session, with the data they came from: a
/// session's diagnosis reads every sample of it, so it is computed again only when samples were
/// added, the limits or the error count changed, or (while the session is ongoing) at most once
/// per `minIntervalMs`.
actor DiagnosisCache {
    /// What a diagnosis was computed from: when this changes, it is stale.
    struct Version: Hashable {
        var streams: Int
        var samples: Int64
        var lastMs: Int64
        var ended: Bool
        var limits: HealthThresholds
        /// The session's error count: an error reported after the end can explain a problem.
        var errors: Int
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
    /// Computations under way, one per session: a second reader joins it instead of starting
    /// another (a long call's diagnosis costs seconds).
    private var running: [String: Task<Judgement, any Error>] = [:]
    /// Sessions kept; the least recently computed go first.
    private let capacity: Int

    init(capacity: Int = 256) { self.capacity = capacity }

    /// The cached judgement of `sessionId` when it is still good for `version` at `nowMs`.
    func judgement(_ sessionId: String, version: Version, nowMs: Int64, minIntervalMs: Int64) -> Judgement? {
        guard let entry = entries[sessionId] else { return nil }
        if entry.version == version { return entry.judgement }
        // An ongoing session's samples change on every batch: recompute at most once per interval.
        let recent = nowMs.subtracting(saturating: entry.computedMs) < max(minIntervalMs, entry.costMs.multiplied(saturating: 4))
        let sameInputs = entry.version.limits == version.limits && entry.version.errors == version.errors
        return !version.ended && sameInputs && recent ? entry.judgement : nil
    }

    /// The judgement of `sessionId` for `version`: the cached one while it is good; else the
    /// computation under way (`compute`, started here when none is) once it ends. `waitMs` bounds
    /// the wait: `nil` after it, and the computation goes on and is stored when it ends. With
    /// `staleIsFine`, a judgement of older data is returned at once while the new one computes.
    func judgement(_ sessionId: String, version: Version, nowMs: Int64, minIntervalMs: Int64, waitMs: Int64?,
                   staleIsFine: Bool, compute: @escaping @Sendable () async throws -> (Judgement, costMs: Int64))
        async throws -> Judgement? {
        if let cached = judgement(sessionId, version: version, nowMs: nowMs, minIntervalMs: minIntervalMs) { return cached }
        let task: Task<Judgement, any Error>
        if let current = running[sessionId] {
            task = current
        } else {
            task = Task {
                do {
                    let (judgement, costMs) = try await compute()
                    await self.store(judgement, for: sessionId, version: version, nowMs: nowMs, costMs: costMs)
                    await self.finished(sessionId)
                    return judgement
                } catch {
                    await self.finished(sessionId)
                    throw error
                }
            }
            running[sessionId] = task
        }
        if staleIsFine, let stale = entries[sessionId], stale.version.limits == version.limits { return stale.judgement }
        guard let waitMs else { return try await task.value }
        return try await Self.value(of: task, within: waitMs)
    }

    /// `task`'s value, or `nil` once `ms` have passed; the task goes on either way. (A task group
    /// would wait for the computation at its end, whatever the timeout.)
    private static func value(of task: Task<Judgement, any Error>, within ms: Int64) async throws -> Judgement? {
        let answer = FirstAnswer()
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Judgement?, any Error>) in
            Task {
                let result = await task.result
                if answer.claim() { continuation.resume(with: result.map { Optional($0) }) }
            }
            Task {
                try? await Task.sleep(for: .milliseconds(ms))
                if answer.claim() { continuation.resume(returning: nil) }
            }
        }
    }

    /// Lets exactly one of two racing tasks resume a continuation.
    private final class FirstAnswer: Sendable {
        private let answered = Mutex(false)

        func claim() -> Bool {
            answered.withLock { done in
                defer { done = true }
                return !done
            }
        }
    }

    private func finished(_ sessionId: String) { running[sessionId] = nil }

    func store(_ judgement: Judgement, for sessionId: String, version: Version, nowMs: Int64, costMs: Int64 = 0) {
        if entries[sessionId] == nil, entries.count >= capacity,
           let oldest = entries.min(by: { $0.value.computedMs < $1.value.computedMs })?.key {
            entries[oldest] = nil
        }
        entries[sessionId] = Entry(version: version, judgement: judgement, computedMs: nowMs, costMs: costMs)
    }
}
