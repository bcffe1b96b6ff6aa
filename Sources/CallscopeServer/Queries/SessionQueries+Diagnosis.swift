import CallscopeCore
import CallscopeStore

extension SessionQueries {
    /// Why the session was bad and on whose side (docs/quality.md), from every sample of its
    /// streams. Cached until samples arrive; while the session is ongoing, recomputed at most once
    /// per half health slice, so live views follow within one slice.
    func diagnosis(of session: Session, streams known: [StreamInfo]? = nil, names: [String: String]? = nil) async throws
        -> Diagnosis {
        let limits = try await limits(of: session)
        let streams = if let known { known } else { try await store.streams(sessionId: session.id) }
        // Errors and events are few next to samples, and tie problems to what explains them.
        let incidents = CallIncident.incidents(errors: try await store.errors(sessionId: session.id),
                                               events: try await store.events(sessionId: session.id, participantId: nil))
        let version = DiagnosisCache.Version(
            streams: streams.count,
            samples: streams.reduce(Int64(0)) { $0.adding(saturating: $1.senderSamples.adding(saturating: $1.receiverSamples)) },
            lastMs: streams.map(\.lastMs).max() ?? 0, ended: session.status == .ended, limits: limits, incidents: incidents)
        let now = clock.nowMs()
        if let cached = await diagnoses.diagnosis(session.id, version: version, nowMs: now, minIntervalMs: sliceMs / 2) {
            return cached
        }
        let graph = try await callGraph(of: session, streams: streams, names: names)
        let diagnosis = Diagnosis(graph: graph, levels: ProblemLevels(limits: limits), callEnded: session.status == .ended,
                                  incidents: incidents)
        await diagnoses.store(diagnosis, for: session.id, version: version, nowMs: now)
        return diagnosis
    }

    /// Every stream side of the session with its samples, and the participants' names.
    func callGraph(of session: Session, streams: [StreamInfo], names known: [String: String]?) async throws -> CallGraph {
        var series: [StreamSeries] = []
        for stream in streams where stream.senderSamples > 0 || stream.receiverSamples > 0 {
            let samples = try await store.samples(streamId: stream.id, side: nil, fromMs: nil, toMs: nil)
            for side in StreamSide.allCases {
                let ofSide = samples.filter { $0.side == side }
                if !ofSide.isEmpty { series.append(StreamSeries(key: stream.key, side: side, samples: ofSide)) }
            }
        }
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
