extension QualityDrop {
    /// The timeline's name for a quality drop; the server computes these entries from the
    /// health slices on read, so they follow the limits in force, and never stores them.
    public static let timelineName = "quality-drop"

    /// The drop as a timeline entry at its start. `data` holds `kind`, `durationMs`, `endMs`
    /// (absent while `ongoing`), the worst figures (`jitterMs`, `rttMs`, `lossPercent` and its two
    /// directions `sentLossPercent` and `receivedLossPercent`, the lowest `fps`, `freezes`, each
    /// only when measured) and `causes`, the poor metrics in words.
    public func timelineEvent(sessionId: String, ongoing: Bool, limits: HealthThresholds) -> TimelineEvent {
        var data: [String: JSONValue] = [
            "kind": .string(kind.rawValue),
            "durationMs": .number(Double(durationMs)),
            "freezes": .number(Double(freezes)),
            "causes": .array(causes.map { .string($0.describe(limits)) }),
        ]
        if ongoing {
            data["ongoing"] = .bool(true)
        } else {
            data["endMs"] = .number(Double(endMs))
        }
        let rounded = { (value: Double) in JSONValue.number((value * 10).rounded() / 10) }
        if let v = worstJitterMs { data["jitterMs"] = rounded(v) }
        if let v = worstRttMs { data["rttMs"] = rounded(v) }
        if let v = worstLossPercent { data["lossPercent"] = rounded(v) }
        if let v = worstSentLossPercent { data["sentLossPercent"] = rounded(v) }
        if let v = worstReceivedLossPercent { data["receivedLossPercent"] = rounded(v) }
        if let v = lowestFps { data["fps"] = rounded(v) }
        return TimelineEvent(sessionId: sessionId, participantId: participantId, tsMs: startMs, name: Self.timelineName,
                             dataJSON: JSONValue.object(data).serialized())
    }
}
