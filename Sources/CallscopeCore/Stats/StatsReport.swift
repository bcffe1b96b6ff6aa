/// One `RTCPeerConnection.getStats()` report: every stat object by its `id`.
///
/// Stat objects are kept exactly as the browser produced them (all members, including `id`,
/// `type` and `timestamp`), so that derivations can use any field and a report can be stored and
/// restored losslessly.
///
/// ```swift
/// let report = try StatsReport(parsing: JSONValue.parse(#"""
///     [{"id": "T01", "type": "transport", "timestamp": 1700000000000.5, "selectedCandidatePairId": "CP1"}]
///     """#))
/// report["T01"]?["selectedCandidatePairId"]   // .string("CP1")
/// ```
public struct StatsReport: Sendable, Hashable {
    /// Stat objects by id.
    public var stats: [String: StatObject]

    /// An empty report: the base to apply a first rtcstats-style delta to.
    public init() {
        stats = [:]
    }

    /// A report from stat objects that are already keyed by id; not validated.
    public init(stats: [String: StatObject]) {
        self.stats = stats
    }

    /// Parses a full report in either of the two shapes collectors send.
    ///
    /// - An array of stat objects, as `[...report.values()]` gives: every element must be an object
    ///   with a string `id` and a string `type`. A repeated `id`: the last one wins.
    /// - An object keyed by stat id, as rtcstats and webrtc-internals store it: every value must be
    ///   an object with a string `type`; a stat without `id` gets its key as `id`. The key, not a
    ///   differing `id` member, identifies the stat (deltas refer to keys).
    ///
    /// Errors name the path: `report[3].type`, `report.T01.type`, `report`.
    public init(parsing value: JSONValue) throws(StatsInputError) {
        switch value {
        case .array(let elements):
            var stats = [String: StatObject](minimumCapacity: elements.count)
            for (position, element) in elements.enumerated() {
                let path = "report[\(position)]"
                guard case .object(let members) = element else {
                    throw StatsInputError(field: path, message: "expected a stat object")
                }
                guard case .string(let id)? = members["id"] else {
                    throw StatsInputError(field: path + ".id", message: "expected a string")
                }
                guard case .string? = members["type"] else {
                    throw StatsInputError(field: path + ".type", message: "expected a string")
                }
                stats[id] = members
            }
            self.stats = stats
        case .object(let entries):
            var stats = [String: StatObject](minimumCapacity: entries.count)
            for (id, entry) in entries {
                let path = "report.\(id)"
                guard case .object(var members) = entry else {
                    throw StatsInputError(field: path, message: "expected a stat object")
                }
                guard case .string? = members["type"] else {
                    throw StatsInputError(field: path + ".type", message: "expected a string")
                }
                switch members["id"] {
                case nil: members["id"] = .string(id)
                case .string?: break
                default: throw StatsInputError(field: path + ".id", message: "expected a string")
                }
                stats[id] = members
            }
            self.stats = stats
        default:
            throw StatsInputError(field: "report", message: "expected an array of stat objects or an object keyed by stat id")
        }
    }

    /// The stat object with this id.
    public subscript(id: String) -> StatObject? {
        get { stats[id] }
        set { stats[id] = newValue }
    }

    /// The number of stat objects.
    public var count: Int { stats.count }

    /// The report as JSON, keyed by stat id (the shape `init(parsing:)` and rtcstats accept):
    /// for storing the last report so that `PeerConnectionStats(restoring:)` can resume.
    public var json: JSONValue {
        .object(stats.mapValues { .object($0) })
    }
}
