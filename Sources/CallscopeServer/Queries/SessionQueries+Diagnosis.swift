import CallscopeCore
import CallscopeStore

extension SessionQueries {
    /// Why the session was bad and on whose side (docs/quality.md), from every sample of its
    /// streams. Cached until samples arrive; while the session is ongoing, recomputed at most once
    /// per half health slice (or four times what the last computation took, for very long calls),
    /// so live views follow within one slice.
    func diagnosis(of session: Session, streams known: [StreamInfo]? = nil, names: [String: String]? = nil) async throws
        -> Diagnosis {
        try await judgement(of: session, streams: known, names: names).diagnosis
    }

    /// Audio MOS and video scores over time, per stream and per participant (docs/quality.md
    /// §2–3), one point per health slice; computed and cached with the diagnosis.
    func qualityScores(of session: Session) async throws -> QualityScores {
        try await judgement(of: session, streams: nil, names: nil).scores
    }

    private func judgement(of session: Session, streams known: [StreamInfo]?, names: [String: String]?) async throws
        -> DiagnosisCache.Judgement {
        let limits = try await limits(of: session)
        let streams = if let known { known } else { try await store.streams(sessionId: session.id) }
        // Errors and events are few next to samples, and tie problems to what explains them.
        let events = try await store.events(sessionId: session.id, participantId: nil)
        let incidents = CallIncident.incidents(errors: try await store.errors(sessionId: session.id), events: events)
        let relayed = Self.relayedParticipants(events)
        let version = DiagnosisCache.Version(
            streams: streams.count,
            samples: streams.reduce(Int64(0)) { $0.adding(saturating: $1.senderSamples.adding(saturating: $1.receiverSamples)) },
            lastMs: streams.map(\.lastMs).max() ?? 0, ended: session.status == .ended, limits: limits, incidents: incidents,
            relayed: relayed)
        let now = clock.nowMs()
        if let cached = await diagnoses.judgement(session.id, version: version, nowMs: now, minIntervalMs: sliceMs / 2) {
            return cached
        }
        let started = ContinuousClock.now
        var graph = try await callGraph(of: session, streams: streams, names: names)
        graph.relayedParticipants = relayed
        let diagnosis = Diagnosis(graph: graph, levels: ProblemLevels(limits: limits), callEnded: session.status == .ended,
                                  incidents: incidents)
        let judgement = DiagnosisCache.Judgement(diagnosis: diagnosis, scores: QualityScores(graph: graph, sliceMs: sliceMs))
        let cost = ContinuousClock.now - started
        let costMs = cost.components.seconds.multiplied(saturating: 1000).adding(saturating: cost.components.attoseconds / 1_000_000_000_000_000)
        await diagnoses.store(judgement, for: session.id, version: version, nowMs: now, costMs: costMs)
        return judgement
    }

    /// Participants whose selected candidate pair went through a TURN relay at some point: the
    /// ingest's `connection-path` events with a `relay` local candidate.
    static func relayedParticipants(_ events: [TimelineEvent]) -> Set<String> {
        Set(events.compactMap { event in
            guard event.name == "connection-path", let pid = event.participantId,
                  (try? JSONValue.parse(Array(event.dataJSON.utf8)))?["local"]?.string == "relay" else { return nil }
            return pid
        })
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
