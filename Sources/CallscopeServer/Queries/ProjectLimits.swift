import CallscopeCore
import CallscopeStore

/// Each project's health limits, as its settings say (``Project/thresholds``): every page and
/// answer about a session colours and diagnoses it with its project's limits, so a change
/// re-judges every recorded call on its next read, without re-ingesting anything.
///
/// Projects are few and read on every page, so all of them are read at once and kept; a change
/// made here (``set(_:projectId:)``) is seen at once, one made by another server on the same
/// database within `maxAgeMs`.
actor ProjectLimits {
    private let store: any CredentialStore
    private let clock: WallClock
    private let maxAgeMs: Int64
    private var byProject: [String: HealthThresholds] = [:]
    private var loadedMs: Int64?

    init(store: any CredentialStore, clock: WallClock, maxAgeMs: Int64 = 5_000) {
        self.store = store
        self.clock = clock
        self.maxAgeMs = maxAgeMs
    }

    /// The limits of `projectId`; the defaults for a project that is gone.
    func limits(projectId: String) async throws -> HealthThresholds {
        let now = clock.nowMs()
        if let loadedMs, now.subtracting(saturating: loadedMs) < maxAgeMs, let known = byProject[projectId] {
            return known
        }
        let projects = try await store.projects()
        byProject = Dictionary(projects.map { ($0.id, $0.thresholds) }, uniquingKeysWith: { a, _ in a })
        loadedMs = now
        return byProject[projectId] ?? .default
    }

    /// Stores new limits for `projectId`; false when there is no such project.
    func set(_ thresholds: HealthThresholds, projectId: String) async throws -> Bool {
        guard try await store.setThresholds(projectId: projectId, thresholds: thresholds) else { return false }
        byProject[projectId] = thresholds
        return true
    }
}
