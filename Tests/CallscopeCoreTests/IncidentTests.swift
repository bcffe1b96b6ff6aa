import CallscopeCore
import Testing

@Suite("Errors and incidents")
struct IncidentTests {
    static func error(_ code: String, _ pid: String?, at ms: Int64, data: String = "{}", message: String = "",
                      severity: SessionError.Severity = .error) -> SessionError {
        SessionError(sessionId: "s", participantId: pid, tsMs: ms, code: code, message: message, severity: severity,
                     source: .sdk, dataJSON: data)
    }

    static func event(_ name: String, _ pid: String, at ms: Int64, state: String? = nil) -> TimelineEvent {
        TimelineEvent(sessionId: "s", participantId: pid, tsMs: ms, name: name,
                      dataJSON: state.map { #"{"pc":"pc-1","state":"\#($0)"}"# } ?? "{}")
    }

    @Test("the knowledge base: categories, TURN codes, codec failures, exception names, unknown codes")
    func advice() {
        #expect(ErrorAdvice.forCode("ice-failed").category == .connection)
        #expect(ErrorAdvice.forCode("ICE-FAILED").title == "Connection failed (ICE)", "codes are read case-insensitively")
        let unreachable = ErrorAdvice.forError(code: "turn-error", dataJSON: #"{"errorCode":701,"url":"turn:turn.example.com:3478"}"#)
        #expect(unreachable.title == "TURN server unreachable" && unreachable.category == .relay)
        #expect(unreachable.explanation.contains("turn:turn.example.com:3478"))
        #expect(ErrorAdvice.forError(code: "ice-candidate-error", dataJSON: #"{"errorCode":"401"}"#).title == "TURN credentials refused")
        #expect(ErrorAdvice.forError(code: "turn-error", dataJSON: "not json").title == "TURN or STUN error")
        #expect(ErrorAdvice.forError(code: "turn-error", dataJSON: #"{"errorCode":600}"#).title == "TURN or STUN error 600")
        let codec = ErrorAdvice.forError(code: "set-remote-description-failed", dataJSON: "{}",
                                         message: "OperationError: Failed to set remote answer sdp: no codecs in common")
        #expect(codec.title == "No codec in common" && codec.category == .negotiation)
        #expect(ErrorAdvice.forCode("set-remote-description-failed").title == "Negotiation failed (setRemoteDescription)")
        #expect(ErrorAdvice.forCode("getusermedia-notallowederror").title == "Permission denied (getUserMedia)")
        #expect(ErrorAdvice.forCode("getdisplaymedia-denied").fix.contains("Screen Recording"))
        #expect(ErrorAdvice.forCode("getusermedia-in-use").category == .capture)
        #expect(ErrorAdvice.forCode("collector-dropped").category == .collector)
        let unknown = ErrorAdvice.forCode("my-app-thing")
        #expect(unknown.title == "my-app-thing" && unknown.category == .other)
    }

    @Test("a reconnect storm: three interruptions within two minutes, one interruption's several events counted once")
    func storms() throws {
        let t: Int64 = 1_700_000_000_000
        let events = [
            Self.event("join", "bob", at: t),
            // One interruption, three events within 5 s.
            Self.event("ice-state", "bob", at: t + 10_000, state: "disconnected"),
            Self.event("connection-state", "bob", at: t + 11_000, state: "disconnected"),
            Self.event("ice-restart", "bob", at: t + 12_000),
            Self.event("ice-state", "bob", at: t + 40_000, state: "connected"),
            Self.event("ice-state", "bob", at: t + 50_000, state: "disconnected"),
            Self.event("join", "bob", at: t + 100_000),                       // a rejoin
            Self.event("ice-state", "bob", at: t + 125_000, state: "failed"),
            // Alice: two interruptions only.
            Self.event("ice-state", "alice", at: t + 10_000, state: "disconnected"),
            Self.event("ice-state", "alice", at: t + 60_000, state: "disconnected"),
        ]
        let incidents = CallIncident.incidents(errors: [], events: events)
        let storm = try #require(incidents.first)
        #expect(incidents.count == 1, "\(incidents)")
        #expect(storm.code == "reconnect-storm" && storm.participantId == "bob")
        #expect(storm.count == 4 && storm.startMs == t + 10_000 && storm.endMs == t + 125_000)
    }

    @Test("repeats of one error are one incident; info errors and unknown states are not incidents")
    func repeats() {
        let t: Int64 = 1_700_000_000_000
        let errors = [Self.error("ice-failed", "bob", at: t), Self.error("ice-failed", "bob", at: t + 2_000),
                      Self.error("ice-failed", "bob", at: t + 60_000), Self.error("note", "bob", at: t, severity: .info)]
        let incidents = CallIncident.incidents(errors: errors, events: [Self.event("collector-dropped", "carol", at: t)])
        #expect(incidents.map(\.code) == ["collector-dropped", "ice-failed", "ice-failed"])
        #expect(incidents[1].count == 2 && incidents[1].endMs == t + 2_000)
    }

    @Test("an ICE failure during a downlink outage explains it, in the API's problem and the verdict")
    func explains() throws {
        var call = SyntheticCall(people: ["alice", "bob", "carol"])
        call.impair = DiagnosisTests.lossy(downlinkOf: "bob", percent: 100)
        let failed = Self.error("ice-failed", "bob", at: call.time(55))
        let unrelated = Self.error("ice-failed", "carol", at: call.time(115))
        let d = Diagnosis(graph: call.graph, incidents: CallIncident.incidents(errors: [failed, unrelated], events: []))
        let p = try #require(d.problems.first)
        #expect(p.participantId == "bob" && p.direction == .downlink)
        #expect(p.incidents.map(\.code) == ["ice-failed"] && p.incidents.first?.participantId == "bob")
        #expect(d.verdict.contains("At the same time Bob's client reported: connection failed (ICE), at 22:14:15 UTC."), "\(d.verdict)")
        // Carol's failure explains nothing measured, so the verdict tells it on its own.
        #expect(d.incidents.map(\.participantId) == ["carol"])
        #expect(d.verdict.last?.hasPrefix("Carol's client reported: connection failed (ICE), at 22:15:15 UTC; no network path") == true,
                "\(d.verdict)")
    }

    @Test("a call whose connection failed before media flowed is not 'fine'; a gap in the statistics is only told")
    func notFine() {
        let call = SyntheticCall(people: ["alice", "bob"])
        let failed = Diagnosis(graph: call.graph, incidents: CallIncident.incidents(
            errors: [Self.error("ice-failed", "bob", at: call.time(1))], events: []))
        #expect(failed.verdict.first?.hasPrefix("Bob's client reported: connection failed (ICE)") == true)
        #expect(failed.verdict.last?.hasPrefix("The media that did flow was fine") == true, "\(failed.verdict)")
        let gap = Diagnosis(graph: call.graph, incidents: CallIncident.incidents(
            errors: [], events: [TimelineEvent(sessionId: "s", participantId: "alice", tsMs: call.time(50), name: "collector-dropped",
                                               dataJSON: #"{"count":120}"#)]))
        #expect(gap.verdict.first?.hasPrefix("The call was fine") == true)
        #expect(gap.verdict.last == "Alice's collector dropped 120 messages while it could not reach Callscope, "
            + "so the statistics have a gap around 22:14:10 UTC.")
        // Warnings that touch nothing are not told.
        let quiet = Diagnosis(graph: call.graph, incidents: CallIncident.incidents(
            errors: [Self.error("add-ice-candidate-failed", "bob", at: call.time(1), severity: .warning)], events: []))
        #expect(quiet.verdict.count == 1 && quiet.incidents.isEmpty)
    }
}
