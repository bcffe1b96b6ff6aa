/// The rtp counters of one peer connection by stat id, carried from one derivation pass to the
/// next: each pass reads the previous pass's counters of a stat and replaces them with its own.
///
/// Why not two dictionaries (previous and next, as the simplest code would do): that is two
/// lookups per stat per tick and a dictionary built and freed per tick. Here each stat costs one
/// lookup; entries remember the pass that wrote them, and the few that no pass wrote this time
/// (stats that left the report, or lost their timestamp) are dropped at the end of the pass, so
/// that state never outlives the report.
struct RtpCounterStore: Sendable {
    private struct Entry: Sendable {
        var counters: RtpCounters
        var pass: UInt64
    }

    private var entries: [String: Entry] = [:]
    private var pass: UInt64 = 0
    private var written = 0

    init() {}

    mutating func startPass() {
        pass &+= 1
        written = 0
    }

    /// Stores `counters` for `id` and returns the previous pass's. Call at most once per id and
    /// pass (rtp stat ids are unique in a report).
    mutating func replace(_ id: String, with counters: RtpCounters) -> RtpCounters? {
        written += 1
        guard let index = entries.index(forKey: id) else {
            entries[id] = Entry(counters: counters, pass: pass)
            return nil
        }
        // In place, through the index: no second lookup, no optional entry to copy around.
        let previous = entries.values[index].counters
        entries.values[index].counters = counters
        entries.values[index].pass = pass
        return previous
    }

    /// Drops the counters of stats this pass did not see.
    mutating func endPass() {
        guard entries.count != written else { return }
        let pass = pass
        entries = entries.filter { $0.value.pass == pass }
    }
}
