import CallscopeCore
import Testing

@Suite("Ingest message decoding")
struct IngestMessageDecodingTests {
    func decode(_ text: String) throws -> IngestMessage {
        try IngestMessage.decode(try JSONValue.parse(text))
    }

    func error(_ text: String) -> IngestValidationError? {
        do {
            _ = try IngestMessage.decodeBatch(try JSONValue.parse(text))
            return nil
        } catch let e as IngestValidationError {
            return e
        } catch {
            return nil
        }
    }

    @Test("join with client info; unknown fields ignored")
    func join() throws {
        let m = try decode(#"{"type":"join","meetingId":"abcd-efgh-ijkl","participantId":"p1","seq":1,"ts":1764070000000,"name":"Ada","platform":"mobile","os":"Android 15","browser":"Chrome 156","device":"Pixel 9","sdk":{"name":"x","version":"2.0"},"setupMs":731,"futureField":{"a":1}}"#)
        guard case .join(let join) = m.payload else { Issue.record("not a join"); return }
        #expect(join.name == "Ada")
        #expect(join.client.platform == .mobile)
        #expect(join.client.sdkVersion == "2.0")
        #expect(join.setupMs == 731)
        #expect(m.seq == 1)
    }

    @Test("join may omit meetingId; others may not")
    func meetingIdRules() throws {
        #expect(try decode(#"{"type":"join","participantId":"p1","seq":1,"ts":1}"#).meetingId == nil)
        #expect(error(#"{"type":"leave","participantId":"p1","seq":1,"ts":1}"#)?.field == "meetingId")
    }

    @Test("errors name the field with the batch index")
    func fieldPaths() {
        let e = error(#"[{"type":"leave","meetingId":"m","participantId":"p","seq":1,"ts":1},{"type":"leave","meetingId":"m","participantId":"p","seq":1.5,"ts":1}]"#)
        #expect(e?.field == "[1].seq")
        #expect(e?.code == .invalidField)
        #expect(error(#"{"type":"join","participantId":"p","seq":1,"ts":1,"platform":"tv"}"#)?.field == "platform")
        #expect(error(#"{"type":"stats","meetingId":"m","participantId":"p","seq":1,"ts":1,"pc":"a"}"#)?.code == .missingField)
        #expect(error(#"{"type":"stats","meetingId":"m","participantId":"p","seq":1,"ts":1,"pc":"a","report":[],"delta":{}}"#)?.field == "delta")
        #expect(error(#"{"type":"join","meetingId":"a\u0001b","participantId":"p","seq":1,"ts":1}"#)?.field == "meetingId")
        #expect(error(#"{"type":"join","participantId":"p","seq":-1,"ts":1}"#)?.field == "seq")
        #expect(error(#"{"type":"service","ts":1,"service":"recording","action":"started"}"#)?.field == "meetingId")
        #expect(error("[]")?.code == .invalidField)
        #expect(error("42") != nil)
    }

    @Test("stats: full report or delta, labels and timestamp kept")
    func stats() throws {
        let m = try decode(#"{"type":"stats","meetingId":"m","participantId":"p","seq":3,"ts":5,"pc":"pc-1","remoteParticipantId":"q","timestamp":1000.5,"delta":{"x":{"bytesSent":9}},"labels":{"mid":{"1":{"kind":"screen-video"}}}}"#)
        guard case .stats(let s) = m.payload else { Issue.record("not stats"); return }
        #expect(s.pc == "pc-1")
        #expect(s.remoteParticipantId == "q")
        #expect(s.timestampMs == 1000.5)
        guard case .delta = s.body else { Issue.record("not a delta"); return }
        #expect(s.labels != nil)
    }

    @Test("error and service messages with defaults")
    func errorAndService() throws {
        let e = try decode(#"{"type":"error","meetingId":"m","participantId":"p","seq":1,"ts":1,"code":"NotAllowedError"}"#)
        guard case .error(let f) = e.payload else { Issue.record("not an error"); return }
        #expect(f.severity == .error)
        #expect(f.source == .sdk)
        let s = try decode(#"{"type":"service","sessionId":"s1","ts":1,"service":"hls","action":"stopped"}"#)
        guard case .service(let change) = s.payload else { Issue.record("not a service"); return }
        #expect(change.sessionId == "s1")
        #expect(s.participantId == nil && s.seq == nil)
    }

    @Test("generated meeting IDs have the abcd-efgh-ijkl form")
    func meetingIDs() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<50 { #expect(MeetingID.isGeneratedForm(MeetingID.generate(using: &rng))) }
        #expect(!MeetingID.isGeneratedForm("abcd-efgh-ijk1"))
    }
}
