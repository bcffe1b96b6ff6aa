/// The stats state of one peer connection of one participant: the last full report (deltas
/// apply to it) and the counters that rates are computed from. Keep one per (participant, pc);
/// it is a value type, so the owner decides where it lives and how it is locked.
///
/// ```swift
/// var pc = PeerConnectionStats()
/// let context = StreamContext(participantId: "bob", remoteParticipantId: "alice")
/// _ = try pc.ingest(report: firstReport, context: context)           // gauges only: no rates yet
/// let samples = try pc.ingest(delta: delta, timestampMs: 1_700_000_002_000, context: context)
/// samples.first?.sample.bitrateKbps                                 // e.g. 1000.0
/// ```
///
/// Derivation follows docs/metrics.md §1–2, per stat id, between consecutive reports of that id:
/// - `inbound-rtp` at P → a receiver-side sample of (sender, P, kind); `outbound-rtp` at P → a
///   sender-side sample of (P, receiver or `nil`, kind). Sender of a received stream: the label's
///   `remoteParticipantId`, else the context's, else `"unknown:<mid>"` (`"unknown:<ssrc>"` without
///   a mid, `"unknown:<stat id>"` without either).
/// - Several rtp stats of one (stream, side) in one report (simulcast layers) make one sample;
///   see `SampleAccumulator`.
/// - A new stat id, a counter that went down, Δt ≤ 0 or Δt > `options.maxGapMs` start a new
///   series: rate fields are `nil` for that tick, gauges are still set. Missing fields give `nil`.
/// - Sender-side loss (from `remote-inbound-rtp`) is taken between two *fresh* RTCP receiver
///   reports, against the packets sent between the reports in which they appeared; on ticks
///   without a new receiver report `packetsLost` is 0 and `lossPercent` is `nil` (no new
///   measurement). Audio RTCP comes every ~5 s, so per-tick Δ would show 0 % then a 5× spike.
/// - rtp stats without a numeric `timestamp`, or whose kind cannot be told, give no sample.
public struct PeerConnectionStats: Sendable {
    public var options: StatsDerivationOptions
    /// The last full report, after delta application; `nil` before the first full report.
    public private(set) var lastReport: StatsReport?
    private var rtpCounters = RtpCounterStore()
    /// Stats of the last report ingested that gave no sample because their `timestamp` was out of
    /// range (see ``StreamContext/messageTsMs``).
    public private(set) var droppedStats = 0
    private var remoteCounters: [String: RemoteRtpCounters] = [:]

    public init(options: StatsDerivationOptions = StatsDerivationOptions()) {
        self.options = options
    }

    /// Resumes from a stored report (e.g. after a server restart) so that the next delta applies.
    /// The counters are taken from the report too, so the next tick has rates again when it is
    /// within `maxGapMs` of the stored report (otherwise it starts new series, as any gap does).
    public init(restoring report: StatsReport, options: StatsDerivationOptions = StatsDerivationOptions()) {
        self.options = options
        _ = ingest(report, context: StreamContext(participantId: ""))
    }

    /// Ingests a full report (an array of stat objects or an object keyed by id; see
    /// `StatsReport.init(parsing:)`) and returns the stream samples it yields.
    public mutating func ingest(report: JSONValue, context: StreamContext) throws(StatsInputError) -> [DerivedSample] {
        let parsed = try StatsReport(parsing: report)
        guard parsed.count <= options.maxStatsPerReport else {
            throw StatsInputError(field: "report", message: "a report holds at most \(options.maxStatsPerReport) stats, this one \(parsed.count)")
        }
        return ingest(parsed, context: context)
    }

    /// Ingests a delta against the last report (see `StatsReport.apply(delta:timestampMs:)` for
    /// the wire contract) and returns the stream samples of the resulting report. Without a
    /// previous report — a new connection, or server state lost — throws an error with field
    /// `delta` asking the collector for a full report. On error nothing changes.
    public mutating func ingest(delta: JSONValue, timestampMs: Double?,
                                context: StreamContext) throws(StatsInputError) -> [DerivedSample] {
        guard lastReport != nil else {
            throw StatsInputError(field: "delta",
                                  message: "no previous report for this peer connection to apply the delta to; send a full report")
        }
        try lastReport?.apply(delta: delta, timestampMs: timestampMs, maxStats: options.maxStatsPerReport)
        return derive(context: context)
    }

    /// Ingests an already parsed full report (importers that build reports themselves).
    public mutating func ingest(_ report: StatsReport, context: StreamContext) -> [DerivedSample] {
        lastReport = report
        return derive(context: context)
    }

    private mutating func derive(context: StreamContext) -> [DerivedSample] {
        guard let report = lastReport else { return [] }
        var pass = StatsDerivationPass(report: report, context: context, options: options,
                                       rtp: rtpCounters, previousRemote: remoteCounters)
        rtpCounters = RtpCounterStore()  // the pass holds the only reference: updates stay in place
        let samples = pass.run()
        droppedStats = pass.droppedStats
        rtpCounters = pass.rtp
        remoteCounters = pass.remote
        return samples
    }
}
