import CallscopeCore
import CallscopeStore

extension SessionQueries {
    /// How many of the other filters' matches the "poor quality" filter looks at.
    static let poorQualityScanLimit = 2000

    /// "Poor quality": sessions in which some participant spent at least 10 % of a media kind's
    /// time in poor health (``HealthSummary/overall``). Colours come from the slices' sums on
    /// read, with the current limits, so this is decided here, over the other filters' matches,
    /// in the list's order, looking at the first ``poorQualityScanLimit`` of them, a batch of
    /// sessions per store read. Returns the page `query` asks for and the digests of its sessions.
    func poorQualitySessions(_ query: SessionQuery) async throws -> (page: SessionPage, digests: [String: HealthDigest]) {
        var scan = query
        scan.limit = 100
        scan.offset = 0
        var matches: [SessionSummary] = []
        // Only the shown page's digests are kept; the others were needed for the test.
        let shown = query.offset..<(query.offset + query.limit)
        var digests: [String: HealthDigest] = [:]
        var scanned = 0
        while scanned < Self.poorQualityScanLimit {
            let batch = try await store.sessions(scan)
            let health = try await healthDigests(of: batch.sessions)
            for summary in batch.sessions {
                guard let digest = health[summary.session.id],
                      digest.summaries.values.joined().contains(where: { $0.overall == .poor }) else { continue }
                if shown.contains(matches.count) { digests[summary.session.id] = digest }
                matches.append(summary)
            }
            scanned += batch.sessions.count
            scan.offset += batch.sessions.count
            if batch.sessions.count < scan.limit { break }
        }
        let pageOfMatches = Array(matches.dropFirst(query.offset).prefix(query.limit))
        return (SessionPage(sessions: pageOfMatches, total: matches.count), digests)
    }
}
