import CallscopeCore

/// Delta compression of stats reports as ingest protocol v1 defines it: only stats and members
/// that changed, `null` for what disappeared, and the shared timestamp once at the top level.
enum ReportDiff {
    static func delta(from old: [String: JSONValue], to new: [String: JSONValue], timestampMs: Double) -> JSONValue {
        var delta: [String: JSONValue] = [:]
        for (id, stat) in new {
            guard let members = stat.object else { continue }
            guard let previous = old[id]?.object else {
                delta[id] = .object(members.filter { $0.key != "timestamp" || $0.value.double != timestampMs })
                continue
            }
            var changed: [String: JSONValue] = [:]
            for (key, value) in members where previous[key] != value {
                if key == "timestamp", value.double == timestampMs { continue }
                changed[key] = value
            }
            for key in previous.keys where members[key] == nil { changed[key] = .null }
            if !changed.isEmpty { delta[id] = .object(changed) }
        }
        for id in old.keys where new[id] == nil { delta[id] = .null }
        return .object(delta)
    }
}
