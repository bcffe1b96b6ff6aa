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
///
/// Stored as `StatRecord`s (members keyed by small integers, numbers unboxed) because every
/// delta rewrites most of a report and every tick derives from all of it; `stats` and the
/// subscript give the dictionary form.
public struct StatsReport: Sendable, Hashable {
    /// Stat objects by id, in the form ingest reads and writes on every tick (see `StatRecord`).
    var records: [String: StatRecord]

    /// Stat objects by id. Built on each access from the compact storage: for importers, tests
    /// and tools, not for per-tick code (which uses `records`).
    public var stats: [String: StatObject] {
        get { records.mapValues(\.object) }
        set { records = newValue.mapValues(StatRecord.init) }
    }

    /// An empty report: the base to apply a first rtcstats-style delta to.
    public init() {
        records = [:]
    }

    /// A report from stat objects that are already keyed by id; not validated.
    public init(stats: [String: StatObject]) {
        records = stats.mapValues(StatRecord.init)
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
            var records = [String: StatRecord](minimumCapacity: elements.count)
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
                records[id] = StatRecord(members)
            }
            self.records = records
        case .object(let entries):
            var records = [String: StatRecord](minimumCapacity: entries.count)
            for (id, entry) in entries {
                let path = "report.\(id)"
                guard case .object(let members) = entry else {
                    throw StatsInputError(field: path, message: "expected a stat object")
                }
                guard case .string? = members["type"] else {
                    throw StatsInputError(field: path + ".type", message: "expected a string")
                }
                var record = StatRecord(members)
                switch members["id"] {
                case nil: record.set(.id, .string(id))
                case .string?: break
                default: throw StatsInputError(field: path + ".id", message: "expected a string")
                }
                records[id] = record
            }
            self.records = records
        default:
            throw StatsInputError(field: "report", message: "expected an array of stat objects or an object keyed by stat id")
        }
    }

    /// The stat object with this id.
    public subscript(id: String) -> StatObject? {
        get { records[id]?.object }
        set { records[id] = newValue.map(StatRecord.init) }
    }

    /// The number of stat objects.
    public var count: Int { records.count }

    /// The report as JSON, keyed by stat id (the shape `init(parsing:)` and rtcstats accept):
    /// for storing the last report so that `PeerConnectionStats(restoring:)` can resume.
    public var json: JSONValue {
        .object(records.mapValues { .object($0.object) })
    }
}
