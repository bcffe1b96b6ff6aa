/// Where a message landed.
public enum RoutedMessage: Sendable, Hashable {
    /// Stored in `sessionId`; `ack` is the participant's highest contiguous stored seq after it.
    case accepted(sessionId: String, meetingId: String, ack: Int64?)
    /// Already stored earlier: acknowledge, store nothing.
    case duplicate(sessionId: String, meetingId: String, ack: Int64?)
    /// Nothing to store it in (a leave from someone not in an ongoing session, a service message
    /// for a meeting with no ongoing session); acknowledged so that the client stops resending it.
    case ignored(reason: String)
}

extension SessionTracker {
    /// Routes `message` to its session, opening one or an attempt as docs/ingest-protocol.md §9 says, and
    /// records the change. `meetingId` must be set (the pipeline fills in generated IDs first).
    public mutating func accept(_ message: IngestMessage, projectId: String, serverNowMs: Int64,
                                newSessionId: () -> String = { SessionID.generate(nowMs: 0) }) -> RoutedMessage {
        guard let participantId = message.participantId, let seq = message.seq else {
            return acceptBackendService(message, projectId: projectId)
        }
        guard let meetingId = message.meetingId else { return .ignored(reason: "no meetingId") }
        let key = MeetingKey(projectId: projectId, meetingId: meetingId)
        expireRecentlyEnded(serverNowMs: serverNowMs)

        // A resend of something already stored, in the ongoing session or the one that just ended.
        for table in [live, recentlyEnded] {
            if let entry = table[key], let p = entry.participants[participantId], p.seqs.contains(seq) {
                return .duplicate(sessionId: entry.session.id, meetingId: meetingId, ack: p.seqs.contiguousHigh)
            }
        }
        // Late messages (not joins) of a participant of a session that just ended land in it.
        if live[key] == nil, !message.isJoin, recentlyEnded[key]?.participants[participantId] != nil,
           var ended = recentlyEnded.removeValue(forKey: key) {
            let ack = apply(message, participantId: participantId, seq: seq, to: &ended, key: key, serverNowMs: serverNowMs,
                            mayOpenAttempt: false)
            recentlyEnded[key] = ended
            return .accepted(sessionId: ended.session.id, meetingId: meetingId, ack: ack)
        }

        switch message.payload {
        case .leave where live[key]?.participants[participantId] == nil:
            return .ignored(reason: "leave from a participant not in an ongoing session")
        case .service where live[key] == nil:
            return .ignored(reason: "service message for a meeting with no ongoing session")
        default:
            break
        }
        if live[key] == nil {
            let session = Session(id: newSessionId(), projectId: projectId, meetingId: meetingId, status: .ongoing,
                                  startMs: message.tsMs)
            live[key] = LiveSession(session: session, participants: [:], lastHeardMs: [:], openServices: [:])
            ongoingByProject[projectId, default: 0] += 1
            recentlyEnded[key] = nil
            dirtySessions.insert(session.id)
        }
        // Taken out while it changes, so that its participants are not copied on every message.
        var entry = live.removeValue(forKey: key)!
        let ack = apply(message, participantId: participantId, seq: seq, to: &entry, key: key, serverNowMs: serverNowMs,
                        mayOpenAttempt: true)
        live[key] = entry
        endIfEmpty(key, serverNowMs: serverNowMs)
        return .accepted(sessionId: entry.session.id, meetingId: meetingId, ack: ack)
    }

    /// Applies one participant message to a session; returns the participant's new ack.
    private mutating func apply(_ message: IngestMessage, participantId: String, seq: Int64, to entry: inout LiveSession,
                                key: MeetingKey, serverNowMs: Int64, mayOpenAttempt: Bool) -> Int64? {
        let sessionId = entry.session.id
        var p = entry.participants[participantId] ?? Participant(sessionId: sessionId, participantId: participantId)
        p.seqs.insert(seq)
        p.lastSeenMs = max(p.lastSeenMs, message.tsMs)
        entry.lastHeardMs[participantId] = serverNowMs

        switch message.payload {
        case .join(let join):
            if let open = p.attempts.indices.last, p.attempts[open].leftMs == nil {
                // A join while an attempt is open: the page reloaded without a leave.
                p.attempts[open].leftMs = max(p.attempts[open].joinedMs, message.tsMs)
                p.attempts[open].leaveReason = "rejoined"
            }
            p.attempts.append(Attempt(joinedMs: message.tsMs, setupMs: join.setupMs))
            if let name = join.name { p.name = name }
            p.client = merged(p.client, with: join.client)
            record(sessionId, participantId, message.tsMs, "join",
                   "{\"attempt\":\(p.attempts.count)\(join.setupMs.map { ",\"setupMs\":\($0)" } ?? "")}")
        case .leave(let reason):
            if let open = p.attempts.indices.last, p.attempts[open].leftMs == nil {
                p.attempts[open].leftMs = max(p.attempts[open].joinedMs, message.tsMs)
                p.attempts[open].leaveReason = reason
                record(sessionId, participantId, message.tsMs, "leave", "{\"reason\":\(JSONValue.string(reason).serialized())}")
            }
        case .event(let name, let data):
            if mayOpenAttempt { openImplicitAttempt(&p, at: message.tsMs) }
            if name == "connected", let setup = data["setupMs"]?.int64, setup >= 0, let last = p.attempts.indices.last {
                p.attempts[last].setupMs = setup
            }
            record(sessionId, participantId, message.tsMs, name, data.serialized())
        case .error:
            if mayOpenAttempt { openImplicitAttempt(&p, at: message.tsMs) }
            entry.session.errorCount += 1
            dirtySessions.insert(sessionId)
        case .stats:
            if mayOpenAttempt { openImplicitAttempt(&p, at: message.tsMs) }
        case .service(let change):
            applyService(change, tsMs: message.tsMs, to: &entry)
        }
        let attemptsChanged = entry.participants[participantId]?.attempts != p.attempts
        entry.participants[participantId] = p
        if attemptsChanged { updateStartAndInitiatingTime(&entry) }
        dirtyParticipants.insert(ParticipantKey(meeting: key, participantId: participantId))
        return p.seqs.contiguousHigh
    }

    /// Stats or events from someone who never sent a join (or whose join was lost), or who was
    /// timed out and is evidently back: they are in the call, so they get an attempt from this
    /// message on.
    private func openImplicitAttempt(_ p: inout Participant, at tsMs: Int64) {
        if p.attempts.isEmpty || (p.attempts.last?.leaveReason == "timeout" && (p.attempts.last?.leftMs ?? tsMs) < tsMs) {
            p.attempts.append(Attempt(joinedMs: tsMs))
        }
    }

    /// The session starts at the earliest join (messages of different participants may arrive in
    /// any order), and its initiating time is the set-up time of whoever joined first, once known.
    private mutating func updateStartAndInitiatingTime(_ entry: inout LiveSession) {
        guard let first = entry.participants.values.filter({ !$0.attempts.isEmpty })
            .min(by: { ($0.attempts[0].joinedMs, $0.participantId) < ($1.attempts[0].joinedMs, $1.participantId) })
        else { return }
        let start = min(entry.session.startMs, first.attempts[0].joinedMs)
        let initiating = first.attempts[0].setupMs ?? entry.session.initiatingMs
        guard start != entry.session.startMs || initiating != entry.session.initiatingMs else { return }
        entry.session.startMs = start
        entry.session.initiatingMs = initiating
        dirtySessions.insert(entry.session.id)
    }

    private func merged(_ old: ClientInfo, with new: ClientInfo) -> ClientInfo {
        ClientInfo(userAgent: new.userAgent ?? old.userAgent, platform: new.platform ?? old.platform,
                   device: new.device ?? old.device, os: new.os ?? old.os, browser: new.browser ?? old.browser,
                   sdkName: new.sdkName ?? old.sdkName, sdkVersion: new.sdkVersion ?? old.sdkVersion,
                   location: new.location ?? old.location)
    }

    mutating func record(_ sessionId: String, _ participantId: String?, _ tsMs: Int64, _ name: String, _ dataJSON: String) {
        pendingEvents.append(TimelineEvent(sessionId: sessionId, participantId: participantId, tsMs: tsMs, name: name,
                                           dataJSON: dataJSON))
    }
}
