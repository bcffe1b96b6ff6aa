extension TimelineEntry {
    /// The entry's data as the API shows it (`data` of an event):
    /// - recorded: the stored object;
    /// - error: `code`, `message`, `severity`, `source`;
    /// - quality drop: `kind`, `durationMs`, `endMs` (or `ongoing: true`), the worst figures
    ///   (`jitterMs`, `rttMs`, `lossPercent` and its two directions `sentLossPercent` and
    ///   `receivedLossPercent`, the lowest `fps`, each only when measured, to 0.1), `freezes`, and
    ///   `causes`, the poor metrics in words with the `limits` they crossed.
    public func data(limits: HealthThresholds) -> JSONValue {
        switch self {
        case .recorded(let e):
            return (try? JSONValue.parse(Array(e.dataJSON.utf8))) ?? .object([:])
        case .error(let e):
            return .object([
                "code": .string(e.code), "message": .string(e.message),
                "severity": .string(e.severity.rawValue), "source": .string(e.source.rawValue),
            ])
        case .qualityDrop(let drop, let ongoing):
            return Self.data(of: drop, ongoing: ongoing, limits: limits)
        }
    }

    private static func data(of drop: QualityDrop, ongoing: Bool, limits: HealthThresholds) -> JSONValue {
        var data: [String: JSONValue] = [
            "kind": .string(drop.kind.rawValue),
            "durationMs": .number(Double(drop.durationMs)),
            "freezes": .number(Double(drop.freezes)),
            "causes": .array(drop.causes.map { .string($0.describe(limits)) }),
        ]
        if ongoing {
            data["ongoing"] = .bool(true)
        } else {
            data["endMs"] = .number(Double(drop.endMs))
        }
        let rounded = { (value: Double) in JSONValue.number((value * 10).rounded() / 10) }
        if let v = drop.worstJitterMs { data["jitterMs"] = rounded(v) }
        if let v = drop.worstRttMs { data["rttMs"] = rounded(v) }
        if let v = drop.worstLossPercent { data["lossPercent"] = rounded(v) }
        if let v = drop.worstSentLossPercent { data["sentLossPercent"] = rounded(v) }
        if let v = drop.worstReceivedLossPercent { data["receivedLossPercent"] = rounded(v) }
        if let v = drop.lowestFps { data["fps"] = rounded(v) }
        return .object(data)
    }
}
