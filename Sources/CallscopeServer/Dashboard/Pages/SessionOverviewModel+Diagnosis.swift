import CallscopeCore

extension SessionOverviewModel {
    /// The diagnosis at the top of the Overview: the verdict, then one row per problem, then what
    /// the clients reported that no problem explains, each with the knowledge base's fix.
    struct DiagnosisSection: Sendable {
        struct Row: Sendable {
            var cause: String
            var direction: String
            var what: String
            var when: String
            var severity: String
            var affected: String
            /// What was reported meanwhile ("Bob: Connection failed (ICE) at 10:04:31"), or empty.
            var reported: String
            var hasReported: Bool
        }

        struct Incident: Sendable {
            var title: String
            var who: String
            var when: String
            var fix: String
        }

        var verdict: [String]
        /// The worst ``maxRows`` problems; the rest are counted (the API and the JSON export
        /// have them all).
        var problems: [Row]
        var hasProblems: Bool
        var moreProblems: String?
        static let maxRows = 25
        var incidents: [Incident]
        var hasIncidents: Bool
        var errorsURL: String
        /// The diagnosis is still being computed: the page fetches itself again until it is not.
        var pending: Bool

        /// What a page shows while a long call's diagnosis computes.
        static let pendingDiagnosis = Diagnosis(problems: [], verdict: [
            "Diagnosing this call: every sample of every stream is read, which takes a few seconds for a long call. "
                + "This part of the page updates by itself when it is ready.",
        ])
        /// `good` for a clean call, `bad` with a severe problem, `warn` otherwise.
        var tone: String

        init(_ diagnosis: Diagnosis, names: [String: String], errorsURL: String, pending: Bool = false) {
            self.pending = pending
            let name = { (id: String) in DisplayName.of(id, in: names) }
            verdict = diagnosis.verdict
            let more = diagnosis.problems.count - Self.maxRows
            moreProblems = more > 0 ? "\(more) more, smaller problems are in the API and the JSON export." : nil
            problems = diagnosis.problems.prefix(Self.maxRows).map { p in
                Row(cause: p.cause(name), direction: p.direction.rawValue, what: p.metricWording,
                    when: DisplayFormat.dateTime(p.startMs) + (p.ongoing ? " (still going on)" : ", " + DisplayFormat.duration(p.durationMs)),
                    severity: p.severity.rawValue,
                    affected: p.affectedParticipantIds.isEmpty ? "the server" : p.affectedParticipantIds.map(name).joined(separator: ", "),
                    reported: p.incidents.map { i in
                        "\(i.participantId.map(name) ?? "Server"): \(i.advice.title), \(DisplayFormat.dateTime(i.startMs))"
                    }.joined(separator: "; "), hasReported: !p.incidents.isEmpty)
            }
            hasProblems = !diagnosis.problems.isEmpty
            incidents = diagnosis.incidents.map { i in
                Incident(title: i.advice.title + (i.count > 1 ? " (\(i.count)×)" : ""), who: i.participantId.map(name) ?? "Server",
                         when: DisplayFormat.dateTime(i.startMs), fix: i.advice.fix)
            }
            hasIncidents = !incidents.isEmpty
            self.errorsURL = errorsURL
            let serious = diagnosis.incidents.contains { $0.advice.category.affectsMedia }
            tone = pending ? "pending" : diagnosis.problems.contains { $0.severity == .severe } ? "bad"
                : !diagnosis.problems.isEmpty || serious ? "warn" : "good"
        }
    }
}
