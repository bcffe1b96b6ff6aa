import Testing
@testable import CallscopeCore

/// Whatever a client sends, derivation gives samples or a `StatsInputError`, never a crash, a
/// negative count or a rate from a broken series.
@Suite("Stats fuzz")
struct StatsFuzzTests {
    private static let oddValues: [JSONValue] = [
        .null, .bool(true), .string("12"), .number(-1), .number(0), .number(-0.0), .number(1e300), .number(-1e300),
        .number(.infinity), .number(4_294_967_296), .number(0.5), .array([]), .object([:]), .string("video"),
        .string("inbound-rtp"), .string("IT01V222"), .string("T01"),
    ]

    @Test func randomlyBrokenReportsNeverCrash() throws {
        guard case .array(let a) = ChromeFixture.json(ChromeFixture.reportA),
              case .array(let b) = ChromeFixture.json(ChromeFixture.reportB) else { return }
        var generator = JSONTestRandom(seed: 3)
        for _ in 0..<400 {
            var pc = PeerConnectionStats(options: StatsDerivationOptions(maxGapMs: Double(generator.next() % 20_000)))
            for var stats in [a, b, b, a] {
                for _ in 0..<Int(generator.next() % 12) {
                    let position = Int(generator.next() % UInt64(stats.count))
                    guard case .object(var stat) = stats[position] else { continue }
                    let names = Array(stat.keys).sorted()
                    let name = names[Int(generator.next() % UInt64(names.count))]
                    stat[name] = Self.oddValues[Int(generator.next() % UInt64(Self.oddValues.count))]
                    stats[position] = .object(stat)
                }
                guard let samples = try? pc.ingest(report: .array(stats), context: ChromeFixture.bob) else { continue }
                for derived in samples {
                    let sample = derived.sample
                    #expect((sample.packets ?? 0) >= 0 && (sample.packetsLost ?? 0) >= 0 && (sample.freezeCount ?? 0) >= 0)
                    #expect((sample.bitrateKbps ?? 0) >= 0 && (sample.fps ?? 0) >= 0)
                    #expect((0...100).contains(sample.lossPercent ?? 0))
                    #expect((sample.frameWidth ?? 0) >= 0 && (sample.jitterMs ?? 0) >= 0 && (sample.rttMs ?? 0) >= 0)
                }
            }
        }
    }

    @Test func randomDeltasNeverCrash() throws {
        var generator = JSONTestRandom(seed: 4)
        let ids = ["IT01A111", "IT01V222", "OT01V301", "RIV301", "ROV222", "T01", "CPabc_def", "NEW1", "timestamp"]
        let members = ["type", "bytesReceived", "bytesSent", "packetsLost", "timestamp", "localId", "kind", "ssrc",
                       "selectedCandidatePairId", "active", "frameWidth", "roundTripTime"]
        var pc = PeerConnectionStats()
        _ = try pc.ingest(report: ChromeFixture.json(ChromeFixture.reportA), context: ChromeFixture.bob)
        var t = ChromeFixture.t0
        for _ in 0..<3_000 {
            var delta: [String: JSONValue] = [:]
            for _ in 0..<Int(generator.next() % 4) {
                let id = ids[Int(generator.next() % UInt64(ids.count))]
                if generator.next() % 6 == 0 {
                    delta[id] = generator.next() % 2 == 0 ? .null : Self.oddValues[Int(generator.next() % UInt64(Self.oddValues.count))]
                    continue
                }
                var stat: [String: JSONValue] = [:]
                for _ in 0..<Int(generator.next() % 4) {
                    stat[members[Int(generator.next() % UInt64(members.count))]] =
                        Self.oddValues[Int(generator.next() % UInt64(Self.oddValues.count))]
                }
                delta[id] = .object(stat)
            }
            t += Double(generator.next() % 3_000)
            let before = pc.lastReport
            do {
                _ = try pc.ingest(delta: .object(delta), timestampMs: generator.next() % 5 == 0 ? nil : t,
                                  context: ChromeFixture.bob)
            } catch {
                #expect(pc.lastReport == before)
            }
        }
    }
}
