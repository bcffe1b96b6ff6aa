import CallscopeCore
import CallscopeStore

extension IngestShard {
    /// Adds what a stored message contributes beyond the tracker's rows: its errors, samples and
    /// health figures.
    func collect(_ message: IngestMessage, sessionId: String, derived: [DerivedSample]) {
        guard let pid = message.participantId else { return }
        switch message.payload {
        case .error(let failure):
            pending.errors.append(SessionError(
                sessionId: sessionId, participantId: pid, tsMs: message.tsMs, code: failure.code, message: failure.message,
                severity: failure.severity, source: failure.source, dataJSON: failure.data.serialized()))
        case .stats:
            for d in derived {
                pending.samples.append(KeyedSample(sessionId: sessionId, key: d.key, sample: d.sample))
                addHealth(d, sessionId: sessionId, participantId: pid)
            }
        default:
            break
        }
    }

    /// A `connection-path` timeline event: `{pc, local, remote, protocol, relayProtocol, relayAddress}`
    /// (candidate types as webrtc-stats names them), which the diagnosis reads for TURN relays.
    func collectPathChange(_ path: ConnectionPath, pc: String, message: IngestMessage, sessionId: String) {
        pending.events.append(TimelineEvent(sessionId: sessionId, participantId: message.participantId, tsMs: message.tsMs,
                                            name: "connection-path", dataJSON: path.eventData(pc: pc).serialized()))
    }

    /// A sample counts toward the health of the participant that measured it: a sender's view of
    /// its uplink, a receiver's view of what reaches it.
    private func addHealth(_ d: DerivedSample, sessionId: String, participantId: String) {
        let judgeFps: Bool
        if d.sample.side == .sender {
            if let fps = d.sample.fps { senderFps[sessionId, default: [:]][d.key] = fps }
            judgeFps = false
        } else {
            let sent = senderFps[sessionId]?[d.key]
                ?? senderFps[sessionId]?[StreamKey(senderId: d.key.senderId, receiverId: nil, kind: d.key.kind)]
            judgeFps = d.key.kind.isVideo && (sent ?? options.fpsJudgedFromSenderFps) >= options.fpsJudgedFromSenderFps
        }
        // Sample times are within a day of the message's `ts`, itself within a day of the server's
        // clock (checked at the edge), so this cannot overflow; the slice starts at or below the time.
        let start = d.sample.tsMs - ((d.sample.tsMs % options.healthSliceMs) + options.healthSliceMs) % options.healthSliceMs
        let key = HealthKey(sessionId: sessionId, participantId: participantId, kind: d.key.kind, startMs: start)
        pendingHealth[key, default: HealthAccumulator()].add(d.sample, judgeFps: judgeFps)
    }

    func collectTrackerChanges() {
        let changes = tracker.drainChanges()
        guard !changes.isEmpty else { return }
        pending.sessions.append(contentsOf: changes.sessions)
        pending.participants.append(contentsOf: changes.participants)
        pending.services.append(contentsOf: changes.services)
        pending.events.append(contentsOf: changes.events)
        for session in changes.sessions where session.status == .ended {
            senderFps[session.id] = nil
        }
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
        if flushing || !pending.isEmpty || !pendingHealth.isEmpty { try await commitPending() }
    }

    private func startFlushingIfIdle() {
        guard !flushing else { return }
        flushing = true
        Task { await self.flushLoop() }
    }

    private func flushLoop() async {
        while collectingHasWaiters || !pending.isEmpty || !pendingHealth.isEmpty {
            let generation = collecting
            var batch = pending
            batch.health = pendingHealth.map { key, figures in
                HealthSlice(sessionId: key.sessionId, participantId: key.participantId, kind: key.kind,
                            startMs: key.startMs, figures: figures)
            }
            let trackerAtCut = tracker
            touchedInFlight = touchedPending
            touchedPending = []
            pending = IngestBatch()
            pendingHealth = [:]
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
                pending = IngestBatch()
                pendingHealth = [:]
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
