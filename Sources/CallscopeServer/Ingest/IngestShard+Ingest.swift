import CallscopeCore
import CallscopeStore

extension IngestShard {
    /// Routes and derives `messages` (with their indexes in the request, for errors) and stages
    /// what they change for the next commit. Stops at the first message whose stats are refused.
    /// Returns the answer and the commit generation to wait for before giving it.
    /// `batchIsArray` says whether the request body was an array, so that error field paths
    /// start with `[i].` only when they should.
    func stage(_ messages: ArraySlice<(index: Int, message: IngestMessage)>, projectId: String, serverNowMs: Int64,
               batchIsArray: Bool) -> (result: IngestResult, generation: Int) {
        var result = IngestResult()
        for (index, message) in messages {
            let path = batchIsArray ? "[\(index)]" : ""
            // The limits are asked first, so that a refused message changes nothing.
            if let refusal = tracker.admission(message, projectId: projectId, limits: options.limits, ongoingInProject: {
                tracker.ongoingSessionCount(projectId: projectId) + usage.ongoingMeetings(projectId: projectId, besides: shardIndex)
            }) {
                result.rejected = (index, refusal.under(path))
                break
            }
            // Stats are derived before routing so that a refused report changes no state at all,
            // and never for a duplicate, whose old counters would look like a reset.
            var derived: [DerivedSample] = []
            var newPath: (pc: String, path: ConnectionPath)?
            if case .stats(let stats) = message.payload, !tracker.isDuplicate(message, projectId: projectId) {
                do {
                    (derived, newPath) = try derive(stats, message: message, projectId: projectId, serverNowMs: serverNowMs,
                                                    path: path)
                } catch {
                    result.rejected = (index, error)
                    break
                }
                result.droppedStats += peerConnections[PeerConnectionKey(
                    projectId: projectId, meetingId: message.meetingId ?? "", participantId: message.participantId ?? "",
                    pc: stats.pc)]?.stats.droppedStats ?? 0
            }
            let routed = tracker.accept(message, projectId: projectId, serverNowMs: serverNowMs,
                                        newSessionId: { SessionID.generate(nowMs: serverNowMs) })
            switch routed {
            case .accepted(let sessionId, let meetingId, let ack):
                result.stored += 1
                result.noteAck(meetingId: meetingId, participantId: message.participantId ?? "", sessionId: sessionId, seq: ack)
                pending.collect(message, sessionId: sessionId, derived: derived)
                if let newPath { pending.collectPathChange(newPath.path, pc: newPath.pc, message: message, sessionId: sessionId) }
            case .duplicate(let sessionId, let meetingId, let ack):
                result.duplicates += 1
                result.noteAck(meetingId: meetingId, participantId: message.participantId ?? "", sessionId: sessionId, seq: ack)
            case .ignored(let reason):
                result.ignored.append((index, reason))
            }
        }
        collectTrackerChanges()
        publishUsage()
        return (result, stageCommit())
    }

    private func derive(_ stats: IngestMessage.Stats, message: IngestMessage, projectId: String,
                        serverNowMs: Int64, path: String) throws(IngestValidationError)
        -> (samples: [DerivedSample], newPath: (pc: String, path: ConnectionPath)?) {
        guard let pid = message.participantId, let meetingId = message.meetingId else { return ([], nil) }
        let key = PeerConnectionKey(projectId: projectId, meetingId: meetingId, participantId: pid, pc: stats.pc)
        // Taken out of the dictionary while it changes, so that the report is not copied.
        let existing = peerConnections.removeValue(forKey: key)
        if existing == nil {
            let held = (peerConnectionsByProject[projectId] ?? 0) + usage.peerConnections(projectId: projectId, besides: shardIndex)
            guard held < options.limits.maxPeerConnectionsPerProject else {
                throw IngestValidationError(
                    .limitExceeded,
                    "the project has \(held) peer connections reporting, the most it may have (--max-peer-connections)",
                    field: path.isEmpty ? "pc" : "\(path).pc")
            }
        }
        var entry = existing ?? PeerConnectionEntry(
            stats: PeerConnectionStats(options: options.derivation), labelsJSON: nil, labels: StreamLabels(),
            lastUsedServerMs: serverNowMs)
        do {
            if let labelsJSON = stats.labels, labelsJSON != entry.labelsJSON {
                entry.labels = try StreamLabels(parsing: labelsJSON, maxPerSection: options.limits.maxLabelsPerSection)
                entry.labelsJSON = labelsJSON
            }
            let context = StreamContext(participantId: pid, remoteParticipantId: stats.remoteParticipantId, labels: entry.labels,
                                        messageTsMs: message.tsMs)
            let derived: [DerivedSample]
            switch stats.body {
            case .full(let report):
                derived = try entry.stats.ingest(report: report, context: context)
            case .delta(let delta):
                derived = try entry.stats.ingest(delta: delta, timestampMs: stats.timestampMs, context: context)
            }
            entry.lastUsedServerMs = serverNowMs
            // A delta leaves the stats it does not mention as they were, so the reconstructed
            // report always has the pair; a report without one (slimmed away) changes nothing.
            var newPath: (pc: String, path: ConnectionPath)?
            if let current = entry.stats.connectionPath, current != entry.path {
                entry.path = current
                newPath = (stats.pc, current)
            }
            peerConnections[key] = entry
            if existing == nil { peerConnectionsByProject[projectId, default: 0] += 1 }
            touchedPending.insert(key)
            return (derived, newPath)
        } catch {
            // A refused report changes nothing: the previous state goes back as it was.
            peerConnections[key] = existing
            let code: IngestValidationError.Code = error.field == "delta" && existing?.stats.lastReport == nil
                ? .fullReportRequired : .invalidField
            throw IngestValidationError(code, error.message, field: path.isEmpty ? error.field : "\(path).\(error.field)")
        }
    }
}
