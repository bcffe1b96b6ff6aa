import Testing
@testable import CallscopeCore

@Suite("Stats reports and labels")
struct StatsReportTests {
    private func reportError(_ text: String) -> StatsInputError? {
        do {
            _ = try StatsReport(parsing: JSONValue.parse(text))
            return nil
        } catch let error as StatsInputError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    private func labelsError(_ text: String) -> StatsInputError? {
        do {
            _ = try StreamLabels(parsing: JSONValue.parse(text))
            return nil
        } catch let error as StatsInputError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test func arrayForm() throws {
        let report = try StatsReport(parsing: JSONValue.parse(#"""
            [{"id": "T01", "type": "transport", "timestamp": 1.5},
             {"id": "CP1", "type": "candidate-pair", "timestamp": 1.5, "nominated": true},
             {"id": "T01", "type": "transport", "timestamp": 2.5}]
            """#))
        #expect(report.count == 2)
        #expect(report["T01"]?["timestamp"] == .number(2.5))     // a repeated id: the last wins
        #expect(report["CP1"]?["nominated"] == .bool(true))
    }

    @Test func keyedForm() throws {
        let report = try StatsReport(parsing: JSONValue.parse(#"""
            {"T01": {"type": "transport", "timestamp": 1}, "CP1": {"id": "CP1", "type": "candidate-pair"}}
            """#))
        #expect(report["T01"] == ["id": .string("T01"), "type": .string("transport"), "timestamp": .number(1)])
        #expect(report["CP1"]?["id"] == .string("CP1"))
        #expect(try StatsReport(parsing: .array([])) == StatsReport())
    }

    @Test func errorsNameThePath() {
        #expect(reportError(#"[{"id": "a", "type": "codec"}, {"id": "b", "type": "codec"}, {"id": "c"}, {"id": "d", "type": 1}]"#)
                == StatsInputError(field: "report[2].type", message: "expected a string"))
        #expect(reportError(#"[{"type": "codec"}]"#) == StatsInputError(field: "report[0].id", message: "expected a string"))
        #expect(reportError(#"[{"id": 5, "type": "codec"}]"#)?.field == "report[0].id")
        #expect(reportError(#"[[]]"#) == StatsInputError(field: "report[0]", message: "expected a stat object"))
        #expect(reportError(#"{"T01": {"timestamp": 1}}"#)?.field == "report.T01.type")
        #expect(reportError(#"{"T01": {"type": "transport", "id": false}}"#)?.field == "report.T01.id")
        #expect(reportError(#"{"T01": 1}"#)?.field == "report.T01")
        #expect(reportError(#""report""#)?.field == "report")
        #expect(reportError(#"[{"id": "a"}]"#)?.description == "invalid stats at report[0].type: expected a string")
    }

    @Test func labelsParse() throws {
        let labels = try StreamLabels(parsing: JSONValue.parse(#"""
            {"mid": {"0": {"remoteParticipantId": "alice", "kind": "audio"}, "1": {"kind": "screen-video"}},
             "trackIdentifier": {"abc": {"remoteParticipantId": "bob", "futureField": 1}},
             "ssrc": {"1234": {"kind": "screen-audio", "remoteParticipantId": null}},
             "futureSection": {}}
            """#))
        #expect(labels.byMid == ["0": StreamLabel(remoteParticipantId: "alice", kind: .audio),
                                 "1": StreamLabel(kind: .screenVideo)])
        #expect(labels.byTrackIdentifier == ["abc": StreamLabel(remoteParticipantId: "bob")])
        #expect(labels.bySsrc == [1234: StreamLabel(kind: .screenAudio)])
        #expect(try StreamLabels(parsing: .null).isEmpty)
        #expect(try StreamLabels(parsing: .object([:])).isEmpty)
    }

    @Test func labelErrorsNameTheField() {
        #expect(labelsError(#"{"mid": {"1": {"kind": "screen"}}}"#)
                == StatsInputError(field: "labels.mid.1.kind", message: "expected one of audio, video, screen-video, screen-audio"))
        #expect(labelsError(#"{"mid": {"1": {"remoteParticipantId": 3}}}"#)?.field == "labels.mid.1.remoteParticipantId")
        #expect(labelsError(#"{"trackIdentifier": {"t": "alice"}}"#)?.field == "labels.trackIdentifier.t")
        #expect(labelsError(#"{"ssrc": {"12x": {}}}"#)?.field == "labels.ssrc.12x")
        #expect(labelsError(#"{"ssrc": {"4294967296": {}}}"#)?.field == "labels.ssrc.4294967296")
        #expect(labelsError(#"{"ssrc": []}"#)?.field == "labels.ssrc")
        #expect(labelsError(#"[]"#)?.field == "labels")
    }
}
