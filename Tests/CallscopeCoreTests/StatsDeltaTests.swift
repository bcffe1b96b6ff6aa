import Testing
@testable import CallscopeCore

@Suite("Stats deltas")
struct StatsDeltaTests {
    private static let base = #"""
        {"T01": {"type": "transport", "timestamp": 1000, "bytesSent": 10, "dtlsState": "connected"},
         "IT01A1": {"id": "IT01A1", "type": "inbound-rtp", "timestamp": 1000, "kind": "audio", "bytesReceived": 5,
                    "jitter": 0.01},
         "RIA2": {"type": "remote-inbound-rtp", "timestamp": 900, "localId": "OT01A2", "packetsLost": 0}}
        """#

    private func report() throws -> StatsReport {
        try StatsReport(parsing: JSONValue.parse(Self.base))
    }

    private func applying(_ delta: String, timestampMs: Double? = nil) throws -> StatsReport {
        var report = try report()
        try report.apply(delta: JSONValue.parse(delta), timestampMs: timestampMs)
        return report
    }

    private func error(_ delta: String) throws -> StatsInputError? {
        var report = try report()
        let before = report
        let value = try JSONValue.parse(delta)
        do {
            try report.apply(delta: value, timestampMs: 2000)
            return nil
        } catch {
            #expect(report == before, "a failed delta must leave the report unchanged")
            return error
        }
    }

    @Test func changedMemberReplacesAndOthersStay() throws {
        let report = try applying(#"{"IT01A1": {"bytesReceived": 25}}"#)
        #expect(report["IT01A1"]?["bytesReceived"] == .number(25))
        #expect(report["IT01A1"]?["jitter"] == .number(0.01))
        #expect(report["IT01A1"]?["type"] == .string("inbound-rtp"))
        #expect(report["T01"] == (try self.report())["T01"])
        #expect(report.count == 3)
    }

    @Test func nullMemberIsRemoved() throws {
        let report = try applying(#"{"IT01A1": {"jitter": null}}"#)
        #expect(report["IT01A1"]?["jitter"] == nil)
        #expect(report["IT01A1"]?["bytesReceived"] == .number(5))
    }

    @Test func nullStatIsRemoved() throws {
        let report = try applying(#"{"T01": null, "NOPE": null}"#)
        #expect(report["T01"] == nil)
        #expect(report.count == 2)
    }

    @Test func newStatNeedsATypeAndGetsItsId() throws {
        let report = try applying(#"{"CP1": {"type": "candidate-pair", "timestamp": 2000, "currentRoundTripTime": 0.02}}"#)
        #expect(report["CP1"] == [
            "id": .string("CP1"), "type": .string("candidate-pair"), "timestamp": .number(2000),
            "currentRoundTripTime": .number(0.02),
        ])
        let failure = try error(#"{"CP1": {"currentRoundTripTime": 0.02}}"#)
        #expect(failure?.field == "delta.CP1.type")
        #expect(failure?.message == "a stat that is not in the previous report needs a string type")
    }

    @Test func topLevelTimestampStampsEveryStatWithoutItsOwn() throws {
        let report = try applying(#"{"IT01A1": {"bytesReceived": 25}, "RIA2": {"timestamp": 1900, "packetsLost": 1}}"#,
                                  timestampMs: 2000)
        #expect(report["IT01A1"]?["timestamp"] == .number(2000))  // mentioned, no own timestamp
        #expect(report["T01"]?["timestamp"] == .number(2000))     // not mentioned
        #expect(report["RIA2"]?["timestamp"] == .number(1900))    // carries its own
        // Without a top-level timestamp, timestamps change only where the delta says so.
        let unstamped = try applying(#"{"IT01A1": {"bytesReceived": 25}}"#)
        #expect(unstamped["IT01A1"]?["timestamp"] == .number(1000))
    }

    @Test func rtcstatsConventionsApplyAsTheyAre() throws {
        // rtcstats: the top-level timestamp inside the delta, and 0 for "the top-level timestamp".
        let report = try applying(#"{"timestamp": 3000, "IT01A1": {"timestamp": 0, "bytesReceived": 30}, "RIA2": {"timestamp": 2950}}"#)
        #expect(report["IT01A1"]?["timestamp"] == .number(3000))
        #expect(report["RIA2"]?["timestamp"] == .number(2950))
        #expect(report["T01"]?["timestamp"] == .number(3000))
        #expect(report["timestamp"] == nil)
        // An explicit timestampMs wins over the member.
        let explicit = try applying(#"{"timestamp": 3000, "IT01A1": {"bytesReceived": 30}}"#, timestampMs: 4000)
        #expect(explicit["IT01A1"]?["timestamp"] == .number(4000))
        // An empty report plus a delta is a full report: how rtcstats dumps start.
        var fromEmpty = StatsReport()
        try fromEmpty.apply(delta: JSONValue.parse(#"{"timestamp": 5, "A": {"type": "codec", "timestamp": 0}}"#), timestampMs: nil)
        #expect(fromEmpty["A"] == ["id": .string("A"), "type": .string("codec"), "timestamp": .number(5)])
    }

    @Test func malformedDeltasNameTheField() throws {
        var failure = try error(#"[1]"#)
        #expect(failure == StatsInputError(field: "delta", message: "expected an object keyed by stat id"))
        failure = try error(#"{"T01": 5}"#)
        #expect(failure == StatsInputError(field: "delta.T01", message: "expected a stat object or null"))
        failure = try error(#"{"RTCOutboundRTPVideoStream_1": {"type": 7}}"#)
        #expect(failure == StatsInputError(field: "delta.RTCOutboundRTPVideoStream_1.type", message: "expected a string"))
        failure = try error(#"{"T01": {"type": null}}"#)
        #expect(failure?.field == "delta.T01.type")
        // The valid entry before the bad one was not applied either (checked in `error`).
        failure = try error(#"{"IT01A1": {"bytesReceived": 99}, "ZZ": {"bytesReceived": 1}}"#)
        #expect(failure?.field == "delta.ZZ.type")
        #expect(failure?.description == "invalid stats at delta.ZZ.type: a stat that is not in the previous report needs a string type")
    }

    @Test func deltaWithoutAPreviousReportAsksForAFullReport() throws {
        var pc = PeerConnectionStats()
        let delta = try JSONValue.parse(#"{"T01": {"bytesSent": 1}}"#)
        do {
            _ = try pc.ingest(delta: delta, timestampMs: 1, context: ChromeFixture.bob)
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "delta")
            #expect(error.message.contains("send a full report"))
        }
        #expect(pc.lastReport == nil)
    }

    @Test func deltaIngestGivesTheSameSamplesAsFullReports() throws {
        // The delta that turns report A into report B for the inbound video (other stats only
        // change their timestamp, which the top-level timestamp covers) ...
        let delta = try JSONValue.parse(#"""
            {"IT01V222": {"bytesReceived": 5250000, "packetsReceived": 6250, "jitter": 0.02, "framesDecoded": 3060,
                          "framesPerSecond": 30, "frameWidth": 1280, "frameHeight": 720, "freezeCount": 3,
                          "totalFreezesDuration": 1.75, "jitterBufferDelay": 153, "jitterBufferEmittedCount": 3060},
             "ROV222": {"timestamp": 1700000001800, "reportsSent": 102, "roundTripTimeMeasurements": 12,
                        "totalRoundTripTime": 0.86, "roundTripTime": 0.08},
             "COT01_111": null}
            """#)
        var pc = PeerConnectionStats()
        _ = try pc.ingest(report: ChromeFixture.json(ChromeFixture.reportA), context: ChromeFixture.bob)
        let samples = try pc.ingest(delta: delta, timestampMs: 1_700_000_002_000, context: ChromeFixture.bob)
        let viaDelta = try samples.sample("unknown:1", "bob", .video, .receiver)
        let viaFull = try ChromeFixture.samplesAB().sample("unknown:1", "bob", .video, .receiver)
        #expect(viaDelta == viaFull)
        #expect(isClose(viaDelta.bitrateKbps, 1000))
        #expect(pc.lastReport?["COT01_111"] == nil)
        #expect(pc.lastReport?["T01"]?["timestamp"] == .number(1_700_000_002_000))
        // Streams whose counters did not change now show zero traffic, not a gap.
        let audio = try samples.sample("unknown:0", "bob", .audio, .receiver)
        #expect(audio.bitrateKbps == 0 && audio.packets == 0 && audio.lossPercent == nil)
    }

    @Test func restoringResumesDeltasAndRates() throws {
        var original = PeerConnectionStats()
        _ = try original.ingest(report: ChromeFixture.json(ChromeFixture.reportA), context: ChromeFixture.bob)
        let stored = try #require(original.lastReport)
        // The stored form round-trips through JSON.
        let reloaded = try StatsReport(parsing: JSONValue.parse(stored.json.serialized()))
        #expect(reloaded == stored)

        var restored = PeerConnectionStats(restoring: reloaded)
        #expect(restored.lastReport == stored)
        let samples = try restored.ingest(delta: JSONValue.parse(#"{"IT01V222": {"bytesReceived": 5250000}}"#),
                                          timestampMs: 1_700_000_002_000, context: ChromeFixture.bob)
        #expect(isClose(try samples.sample("unknown:1", "bob", .video, .receiver).bitrateKbps, 1000))
    }
}
