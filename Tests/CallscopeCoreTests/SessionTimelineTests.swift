import CallscopeCore
import Testing

@Suite("Session timeline")
struct SessionTimelineTests {
    func event(_ pid: String?, _ ts: Int64, _ name: String, _ data: String = "{}") -> TimelineEvent {
        TimelineEvent(sessionId: "s1", participantId: pid, tsMs: ts, name: name, dataJSON: data)
    }

    func sessionError(_ pid: String?, _ ts: Int64, _ code: String) -> SessionError {
        SessionError(sessionId: "s1", participantId: pid, tsMs: ts, code: code, message: "m", severity: .error, source: .sdk)
    }

    func drop(_ pid: String, _ start: Int64, reachesLast: Bool = false) -> QualityDrop {
        QualityDrop(participantId: pid, kind: .video, startMs: start, endMs: start + 10_000, reachesLastSlice: reachesLast,
                    worstLossPercent: 31, freezes: 0, causes: [.loss(percent: 31, sent: false)])
    }

    @Test("merged in time order; at equal times recorded, then errors, then drops")
    func order() {
        let t = SessionTimeline(
            recorded: [event("a", 1_000, "join"), event("b", 5_000, "join")],
            errors: [sessionError("a", 5_000, "getusermedia-failed"), sessionError(nil, 7_000, "x")],
            drops: [drop("b", 5_000), drop("a", 2_000)].sorted { $0.startMs < $1.startMs }, sessionOngoing: false)
        #expect(t.entries.map { "\($0.name)@\($0.tsMs)" }
            == ["join@1000", "quality-drop@2000", "join@5000", "error@5000", "quality-drop@5000", "error@7000"])
    }

    @Test("one participant's entries only; session-wide entries are not theirs")
    func participantFilter() {
        let t = SessionTimeline(recorded: [event("a", 1, "join"), event(nil, 2, "service"), event("b", 3, "join")],
                                errors: [sessionError("b", 4, "x")], drops: [drop("a", 5)], sessionOngoing: false, participantId: "a")
        #expect(t.entries.map(\.name) == ["join", "quality-drop"])
        #expect(t.entries.allSatisfy { $0.participantId == "a" })
    }

    @Test("a drop is ongoing only when it reaches the last slice of an ongoing session")
    func ongoingDrops() {
        let drops = [drop("a", 0), drop("b", 10_000, reachesLast: true)]
        let live = SessionTimeline(recorded: [], errors: [], drops: drops, sessionOngoing: true)
        let ended = SessionTimeline(recorded: [], errors: [], drops: drops, sessionOngoing: false)
        #expect(live.entries == [.qualityDrop(drops[0], ongoing: false), .qualityDrop(drops[1], ongoing: true)])
        #expect(ended.entries == [.qualityDrop(drops[0], ongoing: false), .qualityDrop(drops[1], ongoing: false)])
        #expect(live.entries[1].data(limits: .default)["ongoing"] == .bool(true))
        #expect(ended.entries[1].data(limits: .default)["endMs"] == .number(20_000))
    }

    @Test("problems: errors, drops, kicks, restarts, failed states; presence: joins, leaves, kicks")
    func kinds() {
        let problems: [TimelineEntry] = [
            .error(sessionError("a", 0, "x")), .qualityDrop(drop("a", 0), ongoing: false), .recorded(event("a", 0, "kick")),
            .recorded(event("a", 0, "ice-restart")), .recorded(event("a", 0, "collector-dropped")),
            .recorded(event("a", 0, "ice-state", #"{"state":"failed"}"#)),
            .recorded(event("a", 0, "connection-state", #"{"state":"disconnected"}"#)),
        ]
        #expect(problems.allSatisfy { $0.isProblem })
        let fine: [TimelineEntry] = [
            .recorded(event("a", 0, "join")), .recorded(event("a", 0, "mute")),
            .recorded(event("a", 0, "ice-state", #"{"state":"connected"}"#)), .recorded(event("a", 0, "ice-state", "not json")),
        ]
        #expect(!fine.contains { $0.isProblem })
        #expect([TimelineEntry.recorded(event("a", 0, "leave")), .recorded(event("a", 0, "kick"))].allSatisfy { $0.isPresenceChange })
        #expect(!TimelineEntry.error(sessionError("a", 0, "x")).isPresenceChange)
    }

    @Test("an error's data: code, message, severity, source; a recorded event's: its stored object")
    func data() {
        #expect(TimelineEntry.error(sessionError("a", 0, "ice-failed")).data(limits: .default)
            == .object(["code": .string("ice-failed"), "message": .string("m"), "severity": .string("error"), "source": .string("sdk")]))
        #expect(TimelineEntry.recorded(event("a", 0, "mute", #"{"kind":"audio"}"#)).data(limits: .default)
            == .object(["kind": .string("audio")]))
        #expect(TimelineEntry.recorded(event("a", 0, "mute", "garbage")).data(limits: .default) == .object([:]))
    }
}
