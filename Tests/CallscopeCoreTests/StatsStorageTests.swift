import Testing
@testable import CallscopeCore

/// The compact storage behind `StatsReport` (`StatField`, `StatRecord`) must hold exactly what a
/// `[String: JSONValue]` stat object holds, and the per-pass state must not outlive the report.
@Suite("Stats storage")
struct StatsStorageTests {
    private static let chromeStat: StatObject = [
        "id": .string("IT01V222"), "type": .string("inbound-rtp"), "timestamp": .number(1_700_000_000_000.5),
        "kind": .string("video"), "ssrc": .number(222), "bytesReceived": .number(5_000_000), "jitter": .number(0.018),
        "jitterBufferEmittedCount": .number(3000), "active": .bool(true), "trackIds": .array([.string("t")]),
        "qualityLimitationDurations": .object(["none": .number(1.5)]), "codecId": .null,
        "[bytesReceived_in_bits/s]": .number(1_000_000), "futureMember": .string("x"),
    ]

    @Test func fieldNamesAreTheCaseNames() {
        #expect(StatField.allCases.count == StatField.table.names.count)
        for field in StatField.allCases {
            #expect(field.name == "\(field)".replacingOccurrences(of: "`", with: ""))
            #expect(StatField(name: field.name) == field)
        }
        #expect(StatField.protocol.name == "protocol")
        #expect(StatField(name: "[bytesReceived_in_bits/s]") == nil)
        #expect(StatField(name: "bytesreceived") == nil)
    }

    @Test func recordHoldsEveryMemberAsItCame() {
        let record = StatRecord(Self.chromeStat)
        #expect(record.object == Self.chromeStat)
        #expect(record.number(.bytesReceived) == 5_000_000 && record.gauge(.jitter) == 0.018)
        #expect(record.text(.kind) == "video" && record.flag(.active) == true && record.ssrc == 222)
        #expect(record.type == .inboundRtp)
        #expect(record["codecId"] == .null && record["futureMember"] == .string("x") && record["missing"] == nil)
        #expect(record.number(.kind) == nil && record.text(.bytesReceived) == nil)  // wrong type: nil
        #expect(record.number(.packetsLost) == nil)
    }

    @Test func equalMembersMakeEqualRecordsWhateverTheOrder() {
        var forward = StatRecord()
        var backward = StatRecord()
        let members = Self.chromeStat.sorted { $0.key < $1.key }
        for (name, value) in members { forward.set(name, value) }
        for (name, value) in members.reversed() { backward.set(name, value) }
        #expect(forward == backward && forward == StatRecord(Self.chromeStat))
        #expect(forward.hashValue == backward.hashValue)
        #expect(forward.object == Self.chromeStat)
    }

    @Test func membersChangeTypeAndGoAway() {
        var record = StatRecord(Self.chromeStat)
        record.set(.bytesReceived, .string("lots"))
        #expect(record.number(.bytesReceived) == nil && record.text(.bytesReceived) == "lots")
        record.set(.bytesReceived, number: 7)
        #expect(record.number(.bytesReceived) == 7 && record.text(.bytesReceived) == nil)
        record.set(.type, .string("outbound-rtp"))
        #expect(record.type == .outboundRtp)
        record.set(.type, number: 3)
        #expect(record.type == .other && record[.type] == .number(3))
        record.set(.type, nil)
        record.set("futureMember", nil)
        record.set(.jitter, nil)
        var expected = Self.chromeStat
        expected["type"] = nil
        expected["futureMember"] = nil
        expected["jitter"] = nil
        expected["bytesReceived"] = .number(7)
        #expect(record.object == expected)
        #expect(record == StatRecord(expected))
    }

    @Test func reportKeepsItsPublicDictionaryForm() throws {
        var report = StatsReport(stats: ["IT01V222": Self.chromeStat])
        #expect(report.stats == ["IT01V222": Self.chromeStat])
        #expect(report["IT01V222"] == Self.chromeStat && report.count == 1)
        report["T01"] = ["type": .string("transport")]
        report.stats["IT01V222"]?["jitter"] = .number(0.5)
        #expect(report["IT01V222"]?["jitter"] == .number(0.5) && report.count == 2)
        #expect(try StatsReport(parsing: JSONValue.parse(report.json.serialized())) != report)  // T01 gets an id
        report["T01"]?["id"] = .string("T01")
        #expect(try StatsReport(parsing: JSONValue.parse(report.json.serialized())) == report)
        report["T01"] = nil
        #expect(report.count == 1 && report == StatsReport(stats: report.stats))
    }

    @Test func aDeltaLeavesASharedCopyAlone() throws {
        var report = try StatsReport(parsing: JSONValue.parse(#"""
            {"A": {"type": "inbound-rtp", "bytesReceived": 1, "kind": "audio"}, "B": {"type": "codec"}, "C": {"type": "transport"}}
            """#))
        let snapshot = report
        try report.apply(delta: JSONValue.parse(#"""
            {"A": {"bytesReceived": 2, "kind": null, "mid": "0"}, "B": null, "D": {"type": "codec", "timestamp": 5}, "timestamp": 9}
            """#), timestampMs: nil)
        #expect(snapshot["A"] == ["id": .string("A"), "type": .string("inbound-rtp"), "bytesReceived": .number(1), "kind": .string("audio")])
        #expect(snapshot.count == 3 && snapshot["D"] == nil)
        #expect(report["A"] == ["id": .string("A"), "type": .string("inbound-rtp"), "bytesReceived": .number(2), "mid": .string("0"),
                                "timestamp": .number(9)])
        #expect(report["B"] == nil && report["C"]?["timestamp"] == .number(9))
        #expect(report["D"] == ["id": .string("D"), "type": .string("codec"), "timestamp": .number(5)])
    }

    @Test func countersOfStatsThatLeftAreForgotten() throws {
        let a = ChromeFixture.json(ChromeFixture.reportA)
        guard case .array(let statsB) = ChromeFixture.json(ChromeFixture.reportB) else { return }
        let withoutVideo = JSONValue.array(statsB.filter { $0["id"] != .string("IT01V222") })
        var pc = PeerConnectionStats()
        _ = try pc.ingest(report: a, context: ChromeFixture.bob)
        _ = try pc.ingest(report: withoutVideo, context: ChromeFixture.bob)
        // Back after a report without it: a new series, although A's counters are within reach.
        let later = ChromeFixture.edited(ChromeFixture.reportB, [:], timestampMs: ChromeFixture.t0 + 3_000)
        let samples = try pc.ingest(report: later, context: ChromeFixture.bob)
        let video = try samples.sample("unknown:1", "bob", .video, .receiver)
        #expect(video.bitrateKbps == nil && video.bytesTotal == 5_250_000)
        #expect(try samples.sample("unknown:0", "bob", .audio, .receiver).bitrateKbps == 0)  // stayed: continues
        // A stat without a timestamp gives no sample and is not remembered either.
        let noTimestamp = ChromeFixture.edited(ChromeFixture.reportB, ["IT01A111": ["timestamp": nil]])
        var other = PeerConnectionStats()
        _ = try other.ingest(report: a, context: ChromeFixture.bob)
        #expect(try other.ingest(report: noTimestamp, context: ChromeFixture.bob).filter { $0.key.kind == .audio && $0.sample.side == .receiver }.isEmpty)
        let audio = try other.ingest(report: ChromeFixture.edited(ChromeFixture.reportB, [:], timestampMs: ChromeFixture.t0 + 3_000),
                                     context: ChromeFixture.bob).sample("unknown:0", "bob", .audio, .receiver)
        #expect(audio.bitrateKbps == nil)
    }
}
