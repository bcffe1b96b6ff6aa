/// What the tracker changed since the last drain: whole rows to upsert, timeline entries to append.
public struct SessionChanges: Sendable {
    public var sessions: [Session] = []
    public var participants: [Participant] = []
    public var services: [ServiceUse] = []
    public var events: [TimelineEvent] = []

    public var isEmpty: Bool { sessions.isEmpty && participants.isEmpty && services.isEmpty && events.isEmpty }
}

extension SessionTracker {
    /// Times out participants silent for longer than `options.timeoutMs` (server clock) and ends
    /// sessions left with nobody. A timed-out attempt ends at its participant's last message.
    public mutating func expire(serverNowMs: Int64) {
        for key in Array(live.keys) {
            guard var entry = live[key] else { continue }
            for (pid, heard) in entry.lastHeardMs where serverNowMs - heard > options.timeoutMs {
                guard var p = entry.participants[pid], let open = p.attempts.indices.last, p.attempts[open].leftMs == nil
                else { continue }
                p.attempts[open].leftMs = max(p.attempts[open].joinedMs, p.lastSeenMs)
                p.attempts[open].leaveReason = "timeout"
                entry.participants[pid] = p
                dirtyParticipants.insert(ParticipantKey(meeting: key, participantId: pid))
                record(entry.session.id, pid, p.attempts[open].leftMs!, "leave", "{\"reason\":\"timeout\"}")
            }
            live[key] = entry
            endIfEmpty(key, serverNowMs: serverNowMs)
        }
        expireRecentlyEnded(serverNowMs: serverNowMs)
    }

    /// Ends the session of `key` when it has participants and none is present.
    mutating func endIfEmpty(_ key: MeetingKey, serverNowMs: Int64) {
        guard var entry = live[key], !entry.participants.isEmpty,
              !entry.participants.values.contains(where: \.isPresent) else { return }
        let end = entry.participants.values.flatMap(\.attempts).compactMap(\.leftMs).max() ?? entry.session.startMs
        entry.session.status = .ended
        entry.session.endMs = max(end, entry.session.startMs)
        // Services still running when everyone has gone stop with the session.
        for (service, var use) in entry.openServices {
            use.stoppedMs = max(use.startedMs, entry.session.endMs!)
            pendingServices.append(use)
            entry.openServices[service] = nil
        }
        entry.endedAtServerMs = serverNowMs
        dirtySessions.insert(entry.session.id)
        live[key] = nil
        ongoingByProject[key.projectId, default: 1] -= 1
        if ongoingByProject[key.projectId] == 0 { ongoingByProject[key.projectId] = nil }
        recentlyEnded[key] = entry
    }

    mutating func expireRecentlyEnded(serverNowMs: Int64) {
        for (key, entry) in recentlyEnded where serverNowMs - (entry.endedAtServerMs ?? serverNowMs) > options.timeoutMs {
            recentlyEnded[key] = nil
        }
    }

    /// Everything changed since the previous call, each session and participant once.
    public mutating func drainChanges() -> SessionChanges {
        var changes = SessionChanges()
        var byId: [String: Session] = [:]
        for table in [live, recentlyEnded] {
            for entry in table.values where dirtySessions.contains(entry.session.id) { byId[entry.session.id] = entry.session }
        }
        changes.sessions = Array(byId.values)
        for key in dirtyParticipants {
            // The ongoing session wins; a participant key also in a just-ended session of the same
            // meeting can only have changed in the ongoing one if that one is newer.
            if let p = live[key.meeting]?.participants[key.participantId] ?? recentlyEnded[key.meeting]?.participants[key.participantId] {
                changes.participants.append(p)
            }
        }
        changes.services = pendingServices
        changes.events = pendingEvents
        dirtySessions.removeAll(keepingCapacity: true)
        dirtyParticipants.removeAll(keepingCapacity: true)
        pendingServices.removeAll(keepingCapacity: true)
        pendingEvents.removeAll(keepingCapacity: true)
        return changes
    }
}

/// Why a kick cannot be recorded.
public enum KickRefusal: Error, Sendable, Hashable {
    case sessionNotOngoing
    case participantUnknown
    case participantNotPresent
}

extension SessionTracker {
    /// Records that an operator kicked a present participant of an ongoing session. The leave
    /// itself arrives from the participant's collector (reason `kicked`) once it obeyed.
    public mutating func recordKick(sessionId: String, participantId: String, tsMs: Int64, by actor: String) throws(KickRefusal) {
        guard let entry = live.values.first(where: { $0.session.id == sessionId }) else { throw .sessionNotOngoing }
        guard let p = entry.participants[participantId] else { throw .participantUnknown }
        guard p.isPresent else { throw .participantNotPresent }
        record(sessionId, participantId, tsMs, "kick", "{\"by\":\(JSONValue.string(actor).serialized())}")
    }
}
