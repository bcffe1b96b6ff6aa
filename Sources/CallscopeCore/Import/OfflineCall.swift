/// A call read from ingest messages alone, with no server and no store: what `callscope report`
/// shows of a dump. The stats messages go through the same derivation as live data, per
/// participant and peer connection, and so do the paths (TURN relays) and the diagnosis.
///
/// ```swift
/// let call = OfflineCall(messages: dump.messages(meetingId: "m", participantId: "alice"))
/// call.diagnosis().verdict
/// ```
public struct OfflineCall: Sendable {
    public private(set) var series: [StreamSeries] = []
    public private(set) var names: [String: String] = [:]
    public private(set) var events: [TimelineEvent] = []
    public private(set) var errors: [SessionError] = []
    /// Stats reports the derivation refused, with why (the first few).
    public var refused: [String] { peerConnections.refused }
    public var refusedCount: Int { peerConnections.refusedCount }
    private var peerConnections = RecordedPeerConnections()
    private var relays: [String: Set<String>] = [:]

    public init(messages: [IngestMessage]) {
        var samples: [StreamKey: [StreamSide: [StreamSample]]] = [:]
        var order: [StreamKey] = []
        for message in messages.sorted(by: { ($0.tsMs, $0.seq ?? 0) < ($1.tsMs, $1.seq ?? 0) }) {
            guard let pid = message.participantId else { continue }
            switch message.payload {
            case .join(let join):
                names[pid] = join.name ?? names[pid] ?? pid
            case .stats(let stats):
                let (derived, newPath) = peerConnections.derive(stats, of: message)
                for d in derived {
                    if samples[d.key] == nil { order.append(d.key) }
                    samples[d.key, default: [:]][d.sample.side, default: []].append(d.sample)
                }
                if let path = newPath { recordPath(path, pc: stats.pc, participantId: pid, tsMs: message.tsMs) }
            case .event(let name, let data):
                events.append(TimelineEvent(sessionId: "", participantId: pid, tsMs: message.tsMs, name: name, dataJSON: data.serialized()))
            case .error(let failure):
                errors.append(SessionError(sessionId: "", participantId: pid, tsMs: message.tsMs, code: failure.code,
                                           message: failure.message, severity: failure.severity, source: failure.source,
                                           dataJSON: failure.data.serialized()))
            case .leave, .service:
                continue
            }
            if names[pid] == nil { names[pid] = pid }
        }
        series = order.flatMap { key in
            StreamSide.allCases.compactMap { side in samples[key]?[side].map { StreamSeries(key: key, side: side, samples: $0) } }
        }
    }

    private mutating func recordPath(_ path: ConnectionPath, pc: String, participantId: String, tsMs: Int64) {
        events.append(TimelineEvent(sessionId: "", participantId: participantId, tsMs: tsMs, name: "connection-path",
                                    dataJSON: path.eventData(pc: pc).serialized()))
        if path.isRelayed { relays[participantId, default: []].formUnion([path.relayAddress].compactMap { $0 }) }
    }

    public var graph: CallGraph { CallGraph(series: series, names: names, relays: relays) }

    /// The diagnosis of the whole recording, as of a call that has ended.
    public func diagnosis(limits: HealthThresholds = .default) -> Diagnosis {
        Diagnosis(graph: graph, levels: ProblemLevels(limits: limits), callEnded: true,
                  incidents: CallIncident.incidents(errors: errors, events: events))
    }
}
