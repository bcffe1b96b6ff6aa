import CallscopeCore

extension SessionOverviewModel {
    /// The diagnosis at the top of the Overview: the verdict, then one row per problem.
    struct DiagnosisSection: Sendable {
        struct Row: Sendable {
            var cause: String
            var direction: String
            var what: String
            var when: String
            var severity: String
            var affected: String
        }

        var verdict: [String]
        var problems: [Row]
        var hasProblems: Bool
        /// `good` for a clean call, `bad` with a severe problem, `warn` otherwise.
        var tone: String

        init(_ diagnosis: Diagnosis, names: [String: String]) {
            let name = { (id: String) in names[id] ?? id }
            verdict = diagnosis.verdict
            problems = diagnosis.problems.map { p in
                Row(cause: p.cause(name), direction: p.direction.rawValue, what: p.metricWording,
                    when: DisplayFormat.dateTime(p.startMs) + (p.ongoing ? " (still going on)" : ", " + DisplayFormat.duration(p.durationMs)),
                    severity: p.severity.rawValue,
                    affected: p.affectedParticipantIds.isEmpty ? "the server" : p.affectedParticipantIds.map(name).joined(separator: ", "))
            }
            hasProblems = !diagnosis.problems.isEmpty
            tone = diagnosis.problems.isEmpty ? "good" : diagnosis.problems.contains { $0.severity == .severe } ? "bad" : "warn"
        }
    }
}
