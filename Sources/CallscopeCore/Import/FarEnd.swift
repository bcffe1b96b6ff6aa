/// Who is at the far end of an imported peer connection, which a dump does not say: one
/// participant, "Peer 92-1", when at most one stream of each kind came in on it (a call of two,
/// or one connection of a mesh); `nil` when more did (an SFU forwarding several senders), so
/// that each received stream keeps its own unknown sender and what was sent goes to the server,
/// as live data from an SFU connection does.
public enum FarEnd {
    public static func name(of pc: String) -> String { "Peer \(pc)" }

    /// `reports`: the connection's reports, full or delta (a stat's `type` and `kind` are in its
    /// first appearance), keyed by id or as arrays of stats.
    public static func participantId(of pc: String, reports: [JSONValue]) -> String? {
        var inbound: [String: Set<String>] = [:]
        var kinds: [String: String] = [:]
        for report in reports {
            let stats: [(String, JSONValue)] = switch report {
            case .object(let byId): byId.map { ($0.key, $0.value) }
            case .array(let list): list.compactMap { s in s["id"]?.string.map { ($0, s) } }
            default: []
            }
            for (id, stat) in stats {
                if let type = stat["type"]?.string { kinds[id] = type == "inbound-rtp" ? (stat["kind"]?.string ?? stat["mediaType"]?.string ?? "?") : "" }
                if let kind = kinds[id], !kind.isEmpty { inbound[kind, default: []].insert(id) }
            }
        }
        return inbound.values.allSatisfy { $0.count <= 1 } ? name(of: pc) : nil
    }
}
