import CallscopeCore
import CallscopeStore

extension SessionQueries {
    /// Why the session was bad and on whose side (docs/quality.md), from every sample of its
    /// streams. Cached until samples arrive; while the session is ongoing, recomputed at most once
    /// per half health slice (or four times what the last computation took, for very long calls),
    /// so live views follow within one slice.
    func diagnosis(of session: Session, streams known: [StreamInfo]? = nil, names: [String: String]? = nil) async throws
        -> Diagnosis {
        try await judgement(of: session, streams: known, names: names, waitMs: nil)!.diagnosis
    }

    /// The diagnosis a page shows: the one of older data while a newer one computes, or `nil`
    /// when none is ready within `waitMs` (a long call's first diagnosis takes seconds; the page
    /// says so and fetches itself again).
    func diagnosisForPage(of session: Session, names: [String: String]? = nil, waitMs: Int64 = 1_500) async throws
        -> Diagnosis? {
        try await judgement(of: session, streams: nil, names: names, waitMs: waitMs)?.diagnosis
    }

    /// Audio MOS and video scores over time, per stream and per participant (docs/quality.md
    /// §2–3), one point per health slice; computed and cached with the diagnosis. `waitMs`: as
    /// for ``diagnosisForPage(of:names:waitMs:)``.
    func qualityScores(of session: Session, waitMs: Int64? = nil) async throws -> QualityScores? {
        try await judgement(of: session, streams: nil, names: nil, waitMs: waitMs)?.scores
    }

    /// `waitMs` `nil`: waits for the computation, whatever it takes (the API, exports).
    private func judgement(of session: Session, streams known: [StreamInfo]?, names: [String: String]?,
                           waitMs: Int64?) async throws -> DiagnosisCache.Judgement? {
        let limits = try await limits(of: session)
        let streams = if let known { known } else { try await store.streams(sessionId: session.id) }
        // What a cached judgement is checked against costs no more than the stream list: the
        // events (reconnects, relays) change only while samples do, and errors are counted on the
        // session, so both are read only to compute.
        let version = DiagnosisCache.Version(
            streams: streams.count,
            samples: streams.reduce(Int64(0)) { $0.adding(saturating: $1.senderSamples.adding(saturating: $1.receiverSamples)) },
            lastMs: streams.map(\.lastMs).max() ?? 0, ended: session.status == .ended, limits: limits,
            errors: session.errorCount)
        let queries = self, store = self.store
        return try await diagnoses.judgement(session.id, version: version, nowMs: clock.nowMs(), minIntervalMs: sliceMs / 2,
                                             waitMs: waitMs, staleIsFine: waitMs != nil) {
            let started = ContinuousClock.now
            let events = try await store.events(sessionId: session.id, participantId: nil)
            let incidents = CallIncident.incidents(errors: try await store.errors(sessionId: session.id), events: events)
            var graph = try await queries.callGraph(of: session, streams: streams, names: names)
            graph.relays = Self.relays(events)
            let diagnosis = Diagnosis(graph: graph, levels: ProblemLevels(limits: limits), callEnded: session.status == .ended,
                                      incidents: incidents)
            let judgement = DiagnosisCache.Judgement(diagnosis: diagnosis, scores: QualityScores(graph: graph, sliceMs: queries.sliceMs))
            let cost = ContinuousClock.now - started
            let costMs = cost.components.seconds.multiplied(saturating: 1000)
                .adding(saturating: cost.components.attoseconds / 1_000_000_000_000_000)
            return (judgement, costMs)
        }
    }

    /// The TURN relays each participant's selected candidate pairs went through at some point, by
    /// address: the ingest's `connection-path` events with a `relay` local candidate.
    static func relays(_ events: [TimelineEvent]) -> [String: Set<String>] {
        var relays: [String: Set<String>] = [:]
        for event in events where event.name == "connection-path" {
            guard let pid = event.participantId, let data = try? JSONValue.parse(Array(event.dataJSON.utf8)),
                  data["local"]?.string == "relay" else { continue }
            relays[pid, default: []].formUnion([data["relayAddress"]?.string].compactMap { $0 })
        }
        return relays
    }

    /// Every stream side of the session with its samples, and the participants' names.
    func callGraph(of session: Session, streams: [StreamInfo], names known: [String: String]?) async throws -> CallGraph {
        // Reading and decoding the samples is most of the cost: a few streams at a time, in
        // parallel (the store reads concurrently), each split by side in one pass.
        let store = self.store
        let wanted = streams.filter { $0.senderSamples > 0 || $0.receiverSamples > 0 }
        var series: [StreamSeries] = []
        try await withThrowingTaskGroup(of: [StreamSeries].self) { group in
            var next = 0
            func add() {
                guard next < wanted.count else { return }
                let stream = wanted[next]
                next += 1
                group.addTask {
                    var bySide: [StreamSide: [StreamSample]] = [:]
                    for sample in try await store.samples(streamId: stream.id, side: nil, fromMs: nil, toMs: nil) {
                        bySide[sample.side, default: []].append(sample)
                    }
                    return StreamSide.allCases.compactMap { side in
                        bySide[side].map { StreamSeries(key: stream.key, side: side, samples: $0) }
                    }
                }
            }
            for _ in 0..<4 { add() }
            while let done = try await group.next() {
                series += done
                add()
            }
        }
        // In stream order, whatever order the reads finished in: the diagnosis is the same every time.
        let order = Dictionary(wanted.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { a, _ in a })
        series.sort { (order[$0.key] ?? 0, $0.side == .sender ? 0 : 1) < (order[$1.key] ?? 0, $1.side == .sender ? 0 : 1) }
        let names: [String: String]
        if let known {
            names = known
        } else {
            let people = try await store.participants(sessionId: session.id)
            names = Dictionary(people.map { ($0.participantId, $0.name ?? $0.participantId) }, uniquingKeysWith: { a, _ in a })
        }
        return CallGraph(series: series, names: names)
    }
}
