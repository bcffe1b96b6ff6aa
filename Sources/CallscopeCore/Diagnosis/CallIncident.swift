/// Something a participant's client or the server reported that can explain a problem: an error
/// (ICE failure, TURN refusal, negotiation failure, a device that would not start), a reconnect
/// storm read from the timeline, or a collector that dropped messages. The diagnosis ties each to
/// the problems it explains (docs/quality.md §6) and mentions the serious ones no measurement
/// shows (an ICE failure before any media flowed).
public struct CallIncident: Sendable, Hashable {
    public var participantId: String?
    public var startMs: Int64
    public var endMs: Int64
    /// The error's code, or `reconnect-storm` / `collector-dropped`.
    public var code: String
    public var advice: ErrorAdvice
    /// How many reports it stands for (a storm's reconnects, messages dropped).
    public var count: Int
    public var severity: SessionError.Severity

    public init(participantId: String?, startMs: Int64, endMs: Int64, code: String, advice: ErrorAdvice, count: Int = 1,
                severity: SessionError.Severity = .error) {
        self.participantId = participantId
        self.startMs = startMs
        self.endMs = endMs
        self.code = code
        self.advice = advice
        self.count = count
        self.severity = severity
    }
}

extension CallIncident {
    /// Reconnects this close together, this many times, make a storm.
    public static let stormWindowMs: Int64 = 120_000
    public static let stormCount = 3
    /// One interruption is often reported by several events (ICE state, connection state, an
    /// ICE restart) within a few seconds: they count once.
    static let sameInterruptionMs: Int64 = 5_000

    /// The incidents of a session: every error of severity `warning` or worse (the same error
    /// repeated by one participant within a few seconds once), reconnect storms, dropped messages.
    public static func incidents(errors: [SessionError], events: [TimelineEvent]) -> [CallIncident] {
        var result: [CallIncident] = []
        for error in errors.sorted(by: { $0.tsMs < $1.tsMs }) where error.severity != .info {
            if let last = result.lastIndex(where: { $0.participantId == error.participantId && $0.code == error.code }),
               error.tsMs.subtracting(saturating: result[last].endMs) < sameInterruptionMs {
                result[last].endMs = error.tsMs
                result[last].count += 1
                continue
            }
            result.append(CallIncident(participantId: error.participantId, startMs: error.tsMs, endMs: error.tsMs, code: error.code,
                                       advice: ErrorAdvice.forError(code: error.code, dataJSON: error.dataJSON, message: error.message),
                                       severity: error.severity))
        }
        result += storms(events)
        result += dropped(events)
        return result.sorted { ($0.startMs, $0.code) < ($1.startMs, $1.code) }
    }

    /// Interruptions (ICE or connection `disconnected`/`failed`, an ICE restart, a join after the
    /// first), counted once per few seconds: `stormCount` of them within `stormWindowMs` is a storm.
    static func storms(_ events: [TimelineEvent]) -> [CallIncident] {
        let byParticipant = Dictionary(grouping: events.filter { $0.participantId != nil }, by: { $0.participantId! })
        var result: [CallIncident] = []
        for (pid, ofParticipant) in byParticipant {
            var interruptions: [Int64] = []
            var joins = 0
            for event in ofParticipant.sorted(by: { $0.tsMs < $1.tsMs }) {
                let isInterruption: Bool
                switch event.name {
                case "ice-state", "connection-state":
                    let state = (try? JSONValue.parse(Array(event.dataJSON.utf8)))?["state"]?.string
                    isInterruption = state == "disconnected" || state == "failed"
                case "ice-restart": isInterruption = true
                case "join":
                    joins += 1
                    isInterruption = joins > 1
                default: isInterruption = false
                }
                guard isInterruption else { continue }
                if let last = interruptions.last, event.tsMs.subtracting(saturating: last) < sameInterruptionMs { continue }
                interruptions.append(event.tsMs)
            }
            result += stormSpans(interruptions).map { span in
                CallIncident(participantId: pid, startMs: span.start, endMs: span.end, code: "reconnect-storm",
                             advice: ErrorAdvice.forCode("reconnect-storm"), count: span.count, severity: .warning)
            }
        }
        return result
    }

    /// Runs of times in which every `stormCount` consecutive ones fit in `stormWindowMs`.
    static func stormSpans(_ times: [Int64]) -> [(start: Int64, end: Int64, count: Int)] {
        var spans: [(start: Int64, end: Int64, count: Int)] = []
        var i = 0
        while i + stormCount - 1 < times.count {
            guard times[i + stormCount - 1].subtracting(saturating: times[i]) <= stormWindowMs else { i += 1; continue }
            var j = i + stormCount - 1
            while j + 1 < times.count, times[j + 1].subtracting(saturating: times[j + 2 - stormCount]) <= stormWindowMs { j += 1 }
            spans.append((times[i], times[j], j - i + 1))
            i = j + 1
        }
        return spans
    }

    /// The collector's `collector-dropped` events, one incident per participant.
    static func dropped(_ events: [TimelineEvent]) -> [CallIncident] {
        let drops = events.filter { $0.name == "collector-dropped" }
        return Dictionary(grouping: drops, by: { $0.participantId ?? "" }).map { pid, ofParticipant in
            let count = ofParticipant.reduce(0) { total, event in
                let dropped = (try? JSONValue.parse(Array(event.dataJSON.utf8)))?["count"]?.int64 ?? 1
                return total.addingReportingOverflow(Int(clamping: max(0, dropped))).partialValue
            }
            return CallIncident(participantId: pid.isEmpty ? nil : pid, startMs: ofParticipant.map(\.tsMs).min() ?? 0,
                                endMs: ofParticipant.map(\.tsMs).max() ?? 0, code: "collector-dropped",
                                advice: ErrorAdvice.forCode("collector-dropped"), count: max(0, count), severity: .warning)
        }
    }

    /// Whether this can explain `problem`: the same participant (its culprit, the other end of
    /// its path, or a sender whose media went bad; anyone for a shared path), a category that
    /// can stop or spoil media of the problem's kind, and a time from a minute before the
    /// problem (an ICE failure is reported up to ~30 s after media stops) to its end.
    public func explains(_ problem: Problem) -> Bool {
        guard advice.category.affectsMedia else { return false }
        let involved = Set([problem.participantId, problem.otherParticipantId].compactMap { $0 } + problem.affectedSenderIds)
        guard problem.participantId == nil || participantId.map(involved.contains) == true else { return false }
        guard startMs <= problem.endMs.adding(saturating: 5_000), endMs >= problem.startMs.subtracting(saturating: 60_000)
        else { return false }
        switch advice.category {
        case .capture: return [.noMedia, .frameRate, .freezes, .cpu].contains(problem.metric)
        case .negotiation: return problem.metric == .noMedia
        default: return problem.direction != .device
        }
    }
}

extension CallIncident {
    /// Whether the verdict mentions it when no problem explains it: storms and gaps always;
    /// errors of `error` severity or worse that touch media or a service; anything fatal.
    public var isWorthTelling: Bool {
        if code == "reconnect-storm" || code == "collector-dropped" { return true }
        if severity == .fatal { return true }
        guard severity == .error else { return false }
        return advice.category.affectsMedia || advice.category == .service || advice.category == .collector
    }
}
