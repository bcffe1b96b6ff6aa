extension SessionTracker {
    /// A service message from an app's backend: no participant, no seq; it names the meeting (its
    /// ongoing session) or a session ID.
    mutating func acceptBackendService(_ message: IngestMessage, projectId: String) -> RoutedMessage {
        guard case .service(let change) = message.payload else {
            return .ignored(reason: "only service messages may omit participantId")
        }
        let target: MeetingKey?
        if let sessionId = change.sessionId {
            // Only inside the caller's own project: a session ID of another project is unknown here.
            let named = { (entry: (key: MeetingKey, value: LiveSession)) in
                entry.key.projectId == projectId && entry.value.session.id == sessionId
            }
            target = (live.first(where: named) ?? recentlyEnded.first(where: named))?.key
        } else if let meetingId = message.meetingId {
            let key = MeetingKey(projectId: projectId, meetingId: meetingId)
            target = live[key] != nil ? key : nil
        } else {
            target = nil
        }
        guard let target else { return .ignored(reason: "no ongoing session for this service message") }
        if var entry = live[target] {
            applyService(change, tsMs: message.tsMs, to: &entry)
            live[target] = entry
            return .accepted(sessionId: entry.session.id, meetingId: entry.session.meetingId, ack: nil)
        }
        // A session that has ended can still learn that a service stopped, not that one started.
        guard change.action == .stopped, var entry = recentlyEnded[target] else {
            return .ignored(reason: "the session has ended")
        }
        applyService(change, tsMs: message.tsMs, to: &entry)
        recentlyEnded[target] = entry
        return .accepted(sessionId: entry.session.id, meetingId: entry.session.meetingId, ack: nil)
    }

    /// Starts or stops a service run; a second start of a running service and a stop of a stopped
    /// one change nothing (backends retry).
    mutating func applyService(_ change: IngestMessage.ServiceChange, tsMs: Int64, to entry: inout LiveSession) {
        let sessionId = entry.session.id
        switch change.action {
        case .started:
            guard entry.openServices[change.service] == nil else { return }
            let use = ServiceUse(sessionId: sessionId, service: change.service, startedMs: tsMs)
            entry.openServices[change.service] = use
            pendingServices.append(use)
        case .stopped:
            guard var use = entry.openServices[change.service] else { return }
            use.stoppedMs = max(use.startedMs, tsMs)
            entry.openServices[change.service] = nil
            pendingServices.append(use)
        }
        record(sessionId, nil, tsMs, "service",
               "{\"service\":\"\(change.service.rawValue)\",\"action\":\"\(change.action.rawValue)\"}")
    }
}
