import CallscopeCore
@testable import CallscopeServer
import Testing

/// The cache in front of the diagnosis: one computation per session at a time, a bounded wait for
/// pages, the older judgement while a newer one computes.
@Suite("Diagnosis cache")
struct DiagnosisCacheTests {
    static func version(samples: Int64, ended: Bool = false) -> DiagnosisCache.Version {
        DiagnosisCache.Version(streams: 1, samples: samples, lastMs: samples, ended: ended, limits: .default, errors: 0)
    }

    static func judgement(_ verdict: String) -> DiagnosisCache.Judgement {
        DiagnosisCache.Judgement(diagnosis: Diagnosis(problems: [], verdict: [verdict]),
                                 scores: QualityScores(graph: CallGraph(series: []), sliceMs: 10_000))
    }

    @Test("a page's bounded wait gives nil and the computation goes on; the next read has it; callers share one computation")
    func boundedWait() async throws {
        let cache = DiagnosisCache()
        let computed = Counter()
        let slow: @Sendable () async throws -> (DiagnosisCache.Judgement, costMs: Int64) = {
            await computed.increment()
            try await Task.sleep(for: .milliseconds(300))
            return (Self.judgement("done"), 300)
        }
        let v = Self.version(samples: 10, ended: true)
        let early = try await cache.judgement("s", version: v, nowMs: 0, minIntervalMs: 5_000, waitMs: 20, staleIsFine: true, compute: slow)
        #expect(early == nil, "not ready within 20 ms")
        let waited = try await cache.judgement("s", version: v, nowMs: 0, minIntervalMs: 5_000, waitMs: nil, staleIsFine: false,
                                               compute: slow)
        #expect(waited?.diagnosis.verdict == ["done"])
        let joined = await computed.value
        #expect(joined == 1, "the second caller joined the first computation")
        let cached = try await cache.judgement("s", version: v, nowMs: 0, minIntervalMs: 5_000, waitMs: 0, staleIsFine: true, compute: slow)
        let computations = await computed.value
        #expect(cached?.diagnosis.verdict == ["done"] && computations == 1)
    }

    @Test("new data: a page gets the older judgement at once while the new one computes")
    func staleWhileComputing() async throws {
        let cache = DiagnosisCache()
        await cache.store(Self.judgement("old"), for: "s", version: Self.version(samples: 10, ended: true), nowMs: 0)
        let newer = Self.version(samples: 20, ended: true)
        let page = try await cache.judgement("s", version: newer, nowMs: 0, minIntervalMs: 5_000, waitMs: 1_000, staleIsFine: true) {
            try await Task.sleep(for: .milliseconds(200))
            return (Self.judgement("new"), 200)
        }
        #expect(page?.diagnosis.verdict == ["old"])
        // A caller that waits joins the computation under way (or finds its result stored).
        let after = try await cache.judgement("s", version: newer, nowMs: 0, minIntervalMs: 5_000, waitMs: nil, staleIsFine: false) {
            (Self.judgement("again"), 0)
        }
        #expect(after?.diagnosis.verdict == ["new"])
    }

    @Test("a long ongoing call is recomputed at most every four times what it cost")
    func pacedByCost() async throws {
        let cache = DiagnosisCache()
        await cache.store(Self.judgement("old"), for: "s", version: Self.version(samples: 10), nowMs: 0, costMs: 10_000)
        let newer = Self.version(samples: 20)
        #expect(await cache.judgement("s", version: newer, nowMs: 30_000, minIntervalMs: 5_000)?.diagnosis.verdict == ["old"])
        #expect(await cache.judgement("s", version: newer, nowMs: 41_000, minIntervalMs: 5_000) == nil)
    }
}

actor Counter {
    private(set) var value = 0
    func increment() { value += 1 }
}
