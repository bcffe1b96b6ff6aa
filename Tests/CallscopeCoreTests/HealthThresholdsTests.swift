@testable import CallscopeCore
import Foundation
import Testing

@Suite("Health thresholds")
struct HealthThresholdsTests {
    @Test("limits are replaced by their API names, in range and in order, or refused naming the limit")
    func replacing() throws {
        let changed = try HealthThresholds.default.replacing(["rttGoodMs": 250, "rttModerateMs": 400])
        #expect(changed.rttGoodMs == 250 && changed.rttModerateMs == 400 && changed.jitterGoodMs == 30)
        #expect(try HealthThresholds.default.replacing([:]) == .default)
        let refused: [([String: Double], String)] = [
            (["rttGoodMs": 600], "rttModerateMs"), (["jitterGoodMs": 51], "jitterModerateMs"),
            (["lossGoodPercent": 11], "lossModeratePercent"), (["fpsPoor": 16], "fpsPoor"),
            (["lossGoodPercent": 100.5], "lossGoodPercent"), (["jitterGoodMs": -0.1], "jitterGoodMs"),
            (["rttGoodMs": .nan], "rttGoodMs"), (["rttGoodMs": .infinity], "rttGoodMs"), (["fpsGood": 0], "fpsGood"),
            (["mos": 4], "mos"),
        ]
        for (values, field) in refused {
            #expect(throws: HealthThresholds.Invalid.self, "\(values)") { try HealthThresholds.default.replacing(values) }
            do { _ = try HealthThresholds.default.replacing(values) } catch { #expect(error.field == field, "\(values)") }
        }
        // Equal limits are allowed: a metric then has no moderate band.
        #expect(try HealthThresholds.default.replacing(["lossGoodPercent": 10]).colour(lossPercent: 10.1) == .poor)
    }

    @Test("the JSON form uses the API names, keeps defaults for missing limits, and refuses bad ones")
    func coding() throws {
        var custom = HealthThresholds.default
        custom.rttGoodMs = 200
        let json = try JSONEncoder().encode(custom)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Double])
        #expect(Set(object.keys) == Set(HealthThresholds.fields.map(\.name)) && object["rttGoodMs"] == 200)
        #expect(try JSONDecoder().decode(HealthThresholds.self, from: json) == custom)
        let partial = try JSONDecoder().decode(HealthThresholds.self, from: Data(#"{"lossGoodPercent": 2}"#.utf8))
        #expect(partial.lossGoodPercent == 2 && partial.lossModeratePercent == 10 && partial.fpsGood == 15)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(HealthThresholds.self, from: Data(#"{"rttGoodMs": 900}"#.utf8))
        }
    }

    @Test("the diagnosis's bands follow the project's limits")
    func levels() throws {
        let limits = try HealthThresholds.default.replacing(["lossGoodPercent": 15, "lossModeratePercent": 25])
        let levels = ProblemLevels(limits: limits)
        #expect(levels.loss.open == 15 && levels.loss.close == 10 && levels.loss.severe == 25)
    }
}
