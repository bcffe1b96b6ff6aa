extension StatsReport {
    /// Applies a delta: the collector's compact form of the next getStats report of the same
    /// peer connection (rtcstats-style delta compression). This is the wire contract:
    ///
    /// - `delta` is an object `{ "<statId>": {changed members} | null }`.
    /// - `null` for a stat id removes that stat.
    /// - A stat id not in the previous report is a new stat: its members must include a string
    ///   `type` (and it gets `id` = its key when it has no string `id`).
    /// - Within a stat object, a member whose value is `null` is removed; any other value replaces
    ///   the old one. `type`, when present, must be a string.
    /// - Stats not mentioned stay as they were.
    /// - If `timestampMs` (the message's top-level `timestamp`) is given, every stat of the
    ///   resulting report whose delta entry does not carry its own `timestamp` gets
    ///   `timestamp = timestampMs`, mentioned in the delta or not (getStats gives every stat of
    ///   one report the same timestamp, so senders omit it per stat).
    ///   Senders must therefore send the `timestamp` of every stat whose timestamp differs from
    ///   the report's, even when it did not change: Chrome's `remote-inbound-rtp` and
    ///   `remote-outbound-rtp` carry the time of the last RTCP report, not the report time.
    ///
    /// rtcstats compatibility (so that rtcstats `getstats` values apply as they are):
    /// - a per-stat `timestamp` of `0` means "the top-level timestamp", as rtcstats writes it;
    /// - a top-level `"timestamp": <number>` member is not a stat: it is the top-level timestamp
    ///   when `timestampMs` is `nil`.
    ///
    /// The whole delta is checked before anything changes: on error the report is unchanged.
    /// Errors name the path, e.g. `delta.RTCOutboundRTPVideoStream_1.type`.
    ///
    /// ```swift
    /// var report = try StatsReport(parsing: JSONValue.parse(#"{"T01": {"type": "transport", "bytesSent": 10}}"#))
    /// try report.apply(delta: JSONValue.parse(#"{"T01": {"bytesSent": 25}, "X": null}"#), timestampMs: 1_700_000_001_000)
    /// report["T01"]?["bytesSent"]   // .number(25)
    /// report["T01"]?["timestamp"]   // .number(1_700_000_001_000)
    /// ```
    public mutating func apply(delta: JSONValue, timestampMs: Double?) throws(StatsInputError) {
        guard case .object(let entries) = delta else {
            throw StatsInputError(field: "delta", message: "expected an object keyed by stat id")
        }
        var reportTimestampMs = timestampMs
        for (id, entry) in entries {
            switch entry {
            case .null:
                continue
            case .object(let members):
                if let type = members["type"] {
                    guard case .string = type else {
                        throw StatsInputError(field: "delta.\(id).type", message: "expected a string")
                    }
                } else if stats[id] == nil {
                    throw StatsInputError(field: "delta.\(id).type",
                                          message: "a stat that is not in the previous report needs a string type")
                }
            case .number(let number) where id == "timestamp":
                if reportTimestampMs == nil { reportTimestampMs = number }
            default:
                throw StatsInputError(field: "delta.\(id)", message: "expected a stat object or null")
            }
        }

        // Stats whose entry carries its own timestamp keep it; usually none, so no allocation.
        var ownTimestamps: Set<String> = []
        for (id, entry) in entries {
            switch entry {
            case .null:
                stats.removeValue(forKey: id)
            case .object(let members):
                if case .number(let stamp)? = members["timestamp"], stamp != 0 {
                    ownTimestamps.insert(id)
                }
                Self.merge(members, into: &stats[id, default: [:]], id: id)
            default:
                continue  // the rtcstats top-level timestamp
            }
        }

        guard let reportTimestampMs else { return }
        let stamp = JSONValue.number(reportTimestampMs)
        // Walks indices rather than `stats.values` so that no second reference to the storage
        // exists while writing: every write stays in place.
        var index = stats.startIndex
        while index != stats.endIndex {
            if ownTimestamps.isEmpty || !ownTimestamps.contains(stats.keys[index]) {
                stats.values[index]["timestamp"] = stamp
            }
            index = stats.index(after: index)
        }
    }

    private static func merge(_ members: StatObject, into stat: inout StatObject, id: String) {
        for (name, value) in members {
            if case .null = value {
                stat.removeValue(forKey: name)
            } else {
                stat[name] = value
            }
        }
        if case .string? = stat["id"] {} else {
            stat["id"] = .string(id)
        }
    }
}
