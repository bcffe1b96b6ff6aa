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
    /// A delta that would leave more than `maxStats` stats in the report is refused whole.
    public mutating func apply(delta: JSONValue, timestampMs: Double?, maxStats: Int = .max) throws(StatsInputError) {
        guard case .object(let entries) = delta else {
            throw StatsInputError(field: "delta", message: "expected an object keyed by stat id")
        }
        var reportTimestampMs = timestampMs
        // Checked in full before anything changes. Each stat's place in `records` is looked up
        // once, here, and reused below.
        var updates: [(id: String, slot: Dictionary<String, StatRecord>.Index?, members: StatObject)] = []
        updates.reserveCapacity(entries.count)
        var removals: [String] = []
        for (id, entry) in entries {
            switch entry {
            case .null:
                removals.append(id)
            case .object(let members):
                let slot = records.index(forKey: id)
                if let type = members["type"] {
                    guard case .string = type else {
                        throw StatsInputError(field: "delta.\(id).type", message: "expected a string")
                    }
                } else if slot == nil {
                    throw StatsInputError(field: "delta.\(id).type",
                                          message: "a stat that is not in the previous report needs a string type")
                }
                updates.append((id, slot, members))
            case .number(let number) where id == "timestamp":
                if reportTimestampMs == nil { reportTimestampMs = number }
            default:
                throw StatsInputError(field: "delta.\(id)", message: "expected a stat object or null")
            }
        }

        var added = 0, removed = 0
        for update in updates where update.slot == nil { added += 1 }
        for id in removals where records.index(forKey: id) != nil { removed += 1 }
        guard records.count - removed + added <= maxStats else {
            throw StatsInputError(field: "delta", message: "the report would hold more than \(maxStats) stats")
        }

        // Stats whose entry carries its own timestamp keep it; usually none, so no allocation.
        var ownTimestamps: Set<String> = []
        // Existing stats first, in place through their slots: removing or inserting stats could
        // move the others. (Ids are unique in a delta, so the order of the three steps does
        // not change the result.)
        for (id, slot, members) in updates {
            guard let slot else { continue }
            if Self.merge(members, into: &records.values[slot], id: id) { ownTimestamps.insert(id) }
        }
        for id in removals { records.removeValue(forKey: id) }
        for (id, slot, members) in updates where slot == nil {
            var stat = StatRecord()
            if Self.merge(members, into: &stat, id: id) { ownTimestamps.insert(id) }
            records[id] = stat
        }

        guard let reportTimestampMs else { return }
        // Walks indices rather than `records.values` so that no second reference to the storage
        // exists while writing: every write stays in place.
        var index = records.startIndex
        while index != records.endIndex {
            if ownTimestamps.isEmpty || !ownTimestamps.contains(records.keys[index]) {
                records.values[index].set(.timestamp, number: reportTimestampMs)
            }
            index = records.index(after: index)
        }
    }

    /// Merges one delta entry into its stat; returns whether the entry carries the stat's own
    /// (non-zero, numeric) `timestamp`.
    private static func merge(_ members: StatObject, into stat: inout StatRecord, id: String) -> Bool {
        var ownTimestamp = false
        for (name, value) in members {
            guard let field = StatField(name: name) else {
                stat.set(name, value.isNull ? nil : value)
                continue
            }
            switch value {
            case .null:
                stat.set(field, nil)
            case .number(let number):
                if field == .timestamp && number != 0 { ownTimestamp = true }
                stat.set(field, number: number)
            default:
                stat.set(field, value)
            }
        }
        if stat.text(.id) == nil {
            stat.set(.id, .string(id))
        }
        return ownTimestamp
    }
}
