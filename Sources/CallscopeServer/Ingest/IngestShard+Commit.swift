import CallscopeCore
import CallscopeStore

extension IngestShard {
    func collectTrackerChanges() {
        pending.collect(tracker.drainChanges())
    }

    /// The generation that will hold everything collected so far; the caller waits for it with
    /// ``waitDurable(_:)``, possibly after staging more requests (a connection's next frames).
    func stageCommit() -> Int {
        collectingHasWaiters = true
        startFlushingIfIdle()
        return collecting
    }

    /// Returns once generation `generation` is durable; throws the commit's error if it failed.
    func waitDurable(_ generation: Int) async throws {
        if let error = failed[generation] { throw error }
        if generation <= committedThrough { return }
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            waiters[generation, default: []].append(waiter)
        }
    }

    /// Waits until everything collected so far is durable.
    func commitPending() async throws {
        try await waitDurable(stageCommit())
    }

    /// Waits for the commits in flight (used before a shutdown snapshot).
    func waitForCommits() async throws {
        if flushing || !pending.isEmpty { try await commitPending() }
    }

    private func startFlushingIfIdle() {
        guard !flushing else { return }
        flushing = true
        Task { await self.flushLoop() }
    }

    private func flushLoop() async {
        while collectingHasWaiters || !pending.isEmpty {
            let generation = collecting
            let batch = pending.cut()
            let trackerAtCut = tracker
            touchedInFlight = touchedPending
            touchedPending = []
            collecting += 1
            collectingHasWaiters = false
            do {
                if !batch.isEmpty { try await committer.write(batch) }
                committedThrough = generation
                committedTracker = trackerAtCut
                touchedInFlight = []
                for waiter in waiters.removeValue(forKey: generation) ?? [] { waiter.resume() }
                if !batch.isEmpty { onCommit(batch) }
            } catch {
                // Everything after the last commit goes: the failed batch and what was built on it.
                logger.error("commit failed; requests of generations \(generation)...\(collecting) refused: \(error)")
                tracker = committedTracker
                for key in touchedInFlight.union(touchedPending) { peerConnections[key] = nil }
                recountPeerConnections()
                touchedInFlight = []
                touchedPending = []
                pending.discard()
                for g in [generation, collecting] {
                    failed[g] = error
                    for waiter in waiters.removeValue(forKey: g) ?? [] { waiter.resume(throwing: error) }
                }
                collecting += 1
                collectingHasWaiters = false
            }
        }
        flushing = false
    }

    /// Times out silent participants and ends empty sessions; also forgets peer connections
    /// unused for a long time. Called every few seconds by the server.
    func expire(serverNowMs: Int64) async throws {
        tracker.expire(serverNowMs: serverNowMs)
        let idleLimit = 4 * options.sessionTimeoutMs
        peerConnections = peerConnections.filter { serverNowMs - $0.value.lastUsedServerMs <= idleLimit }
        collectTrackerChanges()
        recountPeerConnections()
        if !pending.isEmpty { try await commitPending() }
    }
}
