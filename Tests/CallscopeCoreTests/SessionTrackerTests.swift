import CallscopeCore
import Testing

@Suite("Session lifecycle")
struct SessionTrackerTests {
    static let t0: Int64 = 1_764_070_000_000

    func join(_ pid: String, seq: Int64, ts: Int64, setup: Int64? = nil, meeting: String = "m-1") -> IngestMessage {
        IngestMessage(meetingId: meeting, participantId: pid, seq: seq, tsMs: ts,
                      payload: .join(.init(name: pid, client: ClientInfo(), setupMs: setup)))
    }

    func leave(_ pid: String, seq: Int64, ts: Int64, reason: String = "left") -> IngestMessage {
        IngestMessage(meetingId: "m-1", participantId: pid, seq: seq, tsMs: ts, payload: .leave(reason: reason))
    }

    func event(_ pid: String, seq: Int64, ts: Int64, name: String = "mute", data: JSONValue = .object([:])) -> IngestMessage {
        IngestMessage(meetingId: "m-1", participantId: pid, seq: seq, tsMs: ts, payload: .event(name: name, data: data))
    }

    func sessionId(_ routed: RoutedMessage) -> String? {
        if case .accepted(let id, _, _) = routed { return id }
        return nil
    }

    @Test("a session opens at the first join, ends when the last participant leaves")
    func openAndEnd() throws {
        var tracker = SessionTracker()
        let id = try #require(sessionId(tracker.accept(join("a", seq: 1, ts: Self.t0, setup: 700), projectId: "p", serverNowMs: 0)))
        #expect(sessionId(tracker.accept(join("b", seq: 1, ts: Self.t0 + 5_000, setup: 900), projectId: "p", serverNowMs: 0)) == id)
        _ = tracker.accept(leave("a", seq: 2, ts: Self.t0 + 60_000), projectId: "p", serverNowMs: 0)
        #expect(tracker.ongoingSession(projectId: "p", meetingId: "m-1") != nil)
        _ = tracker.accept(leave("b", seq: 2, ts: Self.t0 + 90_000), projectId: "p", serverNowMs: 0)
        #expect(tracker.ongoingSession(projectId: "p", meetingId: "m-1") == nil)
        let changes = tracker.drainChanges()
        let session = try #require(changes.sessions.first { $0.id == id })
        #expect(session.status == .ended)
        #expect(session.startMs == Self.t0)
        #expect(session.endMs == Self.t0 + 90_000)
        #expect(session.initiatingMs == 700)
        let a = try #require(changes.participants.first { $0.participantId == "a" })
        #expect(a.durationMs(nowMs: 0) == 60_000)
        #expect(changes.events.filter { $0.name == "join" }.count == 2)
        #expect(changes.events.filter { $0.name == "leave" }.count == 2)
        // A new join after the end opens a new session.
        let next = sessionId(tracker.accept(join("a", seq: 3, ts: Self.t0 + 200_000), projectId: "p", serverNowMs: 0))
        #expect(next != nil && next != id)
    }

    @Test("joins arriving out of order: start is the earliest join, initiating time its set-up")
    func earliestJoinWins() throws {
        var tracker = SessionTracker()
        _ = tracker.accept(join("late", seq: 1, ts: Self.t0 + 3_000, setup: 1_500), projectId: "p", serverNowMs: 0)
        _ = tracker.accept(join("early", seq: 1, ts: Self.t0, setup: 600), projectId: "p", serverNowMs: 0)
        let session = try #require(tracker.drainChanges().sessions.first)
        #expect(session.startMs == Self.t0)
        #expect(session.initiatingMs == 600)
    }

    @Test("set-up time from a later connected event")
    func connectedEvent() throws {
        var tracker = SessionTracker()
        _ = tracker.accept(join("a", seq: 1, ts: Self.t0), projectId: "p", serverNowMs: 0)
        _ = tracker.accept(event("a", seq: 2, ts: Self.t0 + 800, name: "connected", data: .object(["setupMs": .number(812)])),
                           projectId: "p", serverNowMs: 0)
        let changes = tracker.drainChanges()
        #expect(changes.sessions.first?.initiatingMs == 812)
        #expect(changes.participants.first?.attempts.first?.setupMs == 812)
    }

    @Test("a rejoin is a new attempt; a join while an attempt is open closes it")
    func rejoin() throws {
        var tracker = SessionTracker()
        _ = tracker.accept(join("a", seq: 1, ts: Self.t0), projectId: "p", serverNowMs: 0)
        _ = tracker.accept(join("b", seq: 1, ts: Self.t0), projectId: "p", serverNowMs: 0)
        _ = tracker.accept(leave("a", seq: 2, ts: Self.t0 + 10_000, reason: "network"), projectId: "p", serverNowMs: 0)
        _ = tracker.accept(join("a", seq: 3, ts: Self.t0 + 12_000), projectId: "p", serverNowMs: 0)
        _ = tracker.accept(join("a", seq: 4, ts: Self.t0 + 20_000), projectId: "p", serverNowMs: 0)
        let a = try #require(tracker.drainChanges().participants.first { $0.participantId == "a" })
        #expect(a.attempts.count == 3)
        #expect(a.attempts[0].leaveReason == "network")
        #expect(a.attempts[1].leaveReason == "rejoined")
        #expect(a.attempts[1].leftMs == Self.t0 + 20_000)
        #expect(a.isPresent)
    }

    @Test("duplicates are recognised by seq, in the ongoing session and just after it ended")
    func duplicates() {
        var tracker = SessionTracker()
        _ = tracker.accept(join("a", seq: 1, ts: Self.t0), projectId: "p", serverNowMs: 0)
        guard case .duplicate = tracker.accept(join("a", seq: 1, ts: Self.t0), projectId: "p", serverNowMs: 0) else {
            Issue.record("expected a duplicate")
            return
        }
        _ = tracker.accept(leave("a", seq: 2, ts: Self.t0 + 1_000), projectId: "p", serverNowMs: 0)
        #expect(tracker.isDuplicate(leave("a", seq: 2, ts: Self.t0 + 1_000), projectId: "p"))
        guard case .duplicate = tracker.accept(leave("a", seq: 2, ts: Self.t0 + 1_000), projectId: "p", serverNowMs: 10) else {
            Issue.record("a resent leave after the end must be a duplicate, not a new session")
            return
        }
    }

    @Test("silent participants time out at their last message; the session ends")
    func timeout() throws {
        var tracker = SessionTracker(options: .init(timeoutMs: 30_000))
        _ = tracker.accept(join("a", seq: 1, ts: Self.t0), projectId: "p", serverNowMs: 1_000)
        _ = tracker.accept(event("a", seq: 2, ts: Self.t0 + 4_000), projectId: "p", serverNowMs: 5_000)
        tracker.expire(serverNowMs: 30_000)
        #expect(tracker.ongoingSession(projectId: "p", meetingId: "m-1") != nil)
        tracker.expire(serverNowMs: 35_001)
        #expect(tracker.ongoingSession(projectId: "p", meetingId: "m-1") == nil)
        let changes = tracker.drainChanges()
        let a = try #require(changes.participants.first)
        #expect(a.attempts.first?.leaveReason == "timeout")
        #expect(a.attempts.first?.leftMs == Self.t0 + 4_000)
        #expect(changes.sessions.first?.endMs == Self.t0 + 4_000)
    }

    @Test("messages from a timed-out participant that is back open a new attempt")
    func backAfterTimeout() throws {
        var tracker = SessionTracker(options: .init(timeoutMs: 30_000))
        _ = tracker.accept(join("a", seq: 1, ts: Self.t0), projectId: "p", serverNowMs: 0)
        _ = tracker.accept(join("b", seq: 1, ts: Self.t0), projectId: "p", serverNowMs: 0)
        _ = tracker.accept(event("b", seq: 2, ts: Self.t0 + 40_000), projectId: "p", serverNowMs: 40_000)
        tracker.expire(serverNowMs: 40_001)
        _ = tracker.accept(event("a", seq: 2, ts: Self.t0 + 50_000), projectId: "p", serverNowMs: 50_000)
        let a = try #require(tracker.drainChanges().participants.first { $0.participantId == "a" })
        #expect(a.attempts.count == 2)
        #expect(a.isPresent)
    }

    @Test("a leave from nobody in the session is ignored, not a participant")
    func strayLeave() {
        var tracker = SessionTracker()
        guard case .ignored = tracker.accept(leave("ghost", seq: 1, ts: Self.t0), projectId: "p", serverNowMs: 0) else {
            Issue.record("expected ignored")
            return
        }
        #expect(tracker.drainChanges().isEmpty)
    }

    @Test("kicks only for present participants of ongoing sessions")
    func kick() throws {
        var tracker = SessionTracker()
        let id = try #require(sessionId(tracker.accept(join("a", seq: 1, ts: Self.t0), projectId: "p", serverNowMs: 0)))
        _ = tracker.accept(join("b", seq: 1, ts: Self.t0), projectId: "p", serverNowMs: 0)
        try tracker.recordKick(sessionId: id, participantId: "a", tsMs: Self.t0 + 1, by: "admin")
        #expect(throws: KickRefusal.participantUnknown) { try tracker.recordKick(sessionId: id, participantId: "z", tsMs: 0, by: "x") }
        _ = tracker.accept(leave("b", seq: 2, ts: Self.t0 + 2), projectId: "p", serverNowMs: 0)
        #expect(throws: KickRefusal.participantNotPresent) { try tracker.recordKick(sessionId: id, participantId: "b", tsMs: 0, by: "x") }
        _ = tracker.accept(leave("a", seq: 2, ts: Self.t0 + 3), projectId: "p", serverNowMs: 0)
        #expect(throws: KickRefusal.sessionNotOngoing) { try tracker.recordKick(sessionId: id, participantId: "a", tsMs: 0, by: "x") }
    }

    @Test("services start and stop once; running ones stop with the session")
    func services() throws {
        var tracker = SessionTracker()
        _ = tracker.accept(join("a", seq: 1, ts: Self.t0), projectId: "p", serverNowMs: 0)
        let start = IngestMessage(meetingId: "m-1", participantId: nil, seq: nil, tsMs: Self.t0 + 1_000,
                                  payload: .service(.init(service: .recording, action: .started)))
        _ = tracker.accept(start, projectId: "p", serverNowMs: 0)
        _ = tracker.accept(start, projectId: "p", serverNowMs: 0)
        _ = tracker.accept(leave("a", seq: 2, ts: Self.t0 + 9_000), projectId: "p", serverNowMs: 0)
        let uses = tracker.drainChanges().services
        #expect(uses.count == 2)
        #expect(uses.last?.startedMs == Self.t0 + 1_000)
        #expect(uses.last?.stoppedMs == Self.t0 + 9_000)
    }
}
