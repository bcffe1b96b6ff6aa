import CallscopeCore
import Foundation
import Hummingbird

/// `/sessions/{id}/participants/{pid}`: the participant sidebar. A page of its own (links work
/// without script); the dashboard's script opens it as a drawer over the session page.
struct ParticipantPageController: Sendable {
    let queries: SessionQueries
    let templates: DashboardTemplates

    struct Model: Sendable {
        struct Attempt: Sendable {
            var joinedMs: Int64
            var joined: String
            var left: String
            var reason: String?
            var setup: String
        }

        struct Field: Sendable {
            var label: String
            var value: String
        }

        /// One kind's quality score, received or sent: median and worst slice.
        struct QualityRow: Sendable {
            var label: String
            var median: String
            var worst: String
        }

        var frame: SessionPageFrame
        var participantId: String
        var name: String
        var attempts: [Attempt]
        var fields: [Field]
        /// SVG from `HealthBar`, which escapes all text: inserted with `{{{…}}}`.
        var healthBars: [String]
        var statsURL: String
        /// The diagnosis's problems that were this participant's own, and those they only
        /// received from someone else's link.
        var ownProblems: [String]
        var sufferedProblems: [String]
        var problemsSummary: String
        /// Stored, not computed: Mustache reads a model's stored properties only.
        var hasOwnProblems: Bool
        var hasSufferedProblems: Bool
        var quality: [QualityRow]
        var hasQuality: Bool
    }

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/sessions/:sessionId/participants/:participantId", use: sidebar)
    }

    func addSharedRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/share/:token/participants/:participantId", use: sidebar)
    }

    @Sendable func sidebar(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await SessionScope.resolve(request, context, queries: queries)
        let session = scope.session
        let limits = try await queries.limits(of: session)
        let pid = try context.parameters.require("participantId")
        let detail = try await queries.participant(pid, of: session)
        let p = detail.participant, client = p.client
        let end = queries.endOrNowMs(of: session)
        let sliceMs = queries.sliceMs
        let commonSpan = HealthBar.span(fromMs: session.startMs, toMs: end, slices: detail.slices, sliceMs: sliceMs)
        let name = p.name ?? pid
        let unknown = "not reported"
        // As on the Overview, a long call's first diagnosis is not waited for.
        let diagnosed = try await queries.diagnosisForPage(of: session)
        let diagnosis = diagnosed ?? SessionOverviewModel.DiagnosisSection.pendingDiagnosis
        let quality = try await queries.qualityScores(of: session, waitMs: 0).map { Self.qualityRows($0, pid) } ?? []
        let names = diagnosis.problems.isEmpty ? [:] : try await queries.overview(of: session).names
        let display = { (id: String) in DisplayName.of(id, in: names) }
        let model = Model(
            frame: scope.frame(title: "\(name) · \(session.meetingId)", user: context.user?.username, tab: "Overview",
                               livePath: "/participants/\(SessionOverviewPageController.path(pid))"),
            participantId: pid, name: name,
            attempts: p.attempts.map {
                .init(joinedMs: $0.joinedMs, joined: DisplayFormat.dateTime($0.joinedMs),
                      left: $0.leftMs.map(DisplayFormat.dateTime) ?? "still in the call", reason: $0.leaveReason,
                      setup: $0.setupMs.map { "\($0) ms" } ?? "—")
            },
            fields: [
                .init(label: "Participant ID", value: pid),
                .init(label: "Total duration", value: DisplayFormat.duration(detail.totalDurationMs)),
                .init(label: "Joining time", value: detail.joiningTimeMs.map { "\($0) ms" } ?? "not connected yet"),
                .init(label: "Location", value: client.location ?? "unknown"),
                .init(label: "Platform", value: client.platform?.rawValue ?? unknown),
                .init(label: "Device", value: client.device ?? unknown),
                .init(label: "OS", value: client.os ?? unknown),
                .init(label: "Browser", value: client.browser ?? unknown),
                .init(label: "SDK", value: [client.sdkName, client.sdkVersion].compactMap { $0 }.joined(separator: " ").nonEmpty ?? unknown),
            ],
            healthBars: [MediaKind.audio, .video, .screenAudio, .screenVideo].map { kind in
                // One time axis for the four bars: the session, widened to every kind's slices.
                HealthBar(kind: kind, fromMs: commonSpan.from, toMs: commonSpan.to, slices: detail.slices(of: kind),
                          sliceMs: sliceMs, limits: limits, participantName: name).renderBothSizes()
            },
            statsURL: "\(scope.base)/stats?sender=\(SessionOverviewPageController.path(pid))",
            ownProblems: diagnosis.problems(of: pid).map { Self.line($0, display) },
            sufferedProblems: diagnosis.problems(sufferedBy: pid).map { Self.line($0, display) },
            problemsSummary: diagnosed == nil ? "The diagnosis of this call is still being computed; open this again in a few seconds."
                : Self.summary(diagnosis, pid, name),
            hasOwnProblems: !diagnosis.problems(of: pid).isEmpty, hasSufferedProblems: !diagnosis.problems(sufferedBy: pid).isEmpty,
            quality: quality, hasQuality: !quality.isEmpty)
        return try templates.page("participant", model)
    }

    /// "Alice's uplink: packet loss from 2026-12-03 10:04:10 UTC for 1 min 20 s (severe)".
    static func line(_ p: Problem, _ name: (String) -> String) -> String {
        let span = p.ongoing ? "since \(DisplayFormat.dateTime(p.startMs))" : "from \(DisplayFormat.dateTime(p.startMs)) for \(DisplayFormat.duration(p.durationMs))"
        return "\(p.cause(name)): \(p.metricWording) \(span) (\(p.severity.rawValue))"
    }

    /// "Audio they heard (MOS, 1–4.5)": median 4.38, worst slice 3.17; then how the others got
    /// their media.
    static func qualityRows(_ scores: QualityScores, _ pid: String) -> [Model.QualityRow] {
        func label(_ kind: MediaKind, received: Bool) -> String {
            let what = kind.isVideo ? (received ? "they saw" : "the others saw of them") : (received ? "they heard" : "the others heard of them")
            return "\(kind.displayName) \(what) " + (kind.isVideo ? "(video score, 1–5)" : "(MOS, 1–4.5)")
        }
        func text(_ x: Double?) -> String { x.map { String(format: "%.2f", $0) } ?? "—" }
        return [(scores.received, true), (scores.sent, false)].flatMap { list, received in
            list.filter { $0.participantId == pid }.map {
                Model.QualityRow(label: label($0.kind, received: received), median: text($0.scores.median), worst: text($0.scores.worst))
            }
        }
    }

    static func summary(_ d: Diagnosis, _ pid: String, _ name: String) -> String {
        let own = d.problems(of: pid).count, suffered = d.problems(sufferedBy: pid).count
        if own == 0 && suffered == 0 { return d.problems.isEmpty ? "No lasting problems in this call." : "\(name) had no lasting problems." }
        if own == 0 {
            let paths = d.problems(sufferedBy: pid)
            if let address = paths.first(where: { $0.relayedParticipantIds.contains(pid) })?.relayAddress {
                return "Nothing was \(name)'s own link's fault: their media went through the TURN relay at \(address), where the problem was."
            }
            if paths.allSatisfy({ $0.participantId == nil }) {
                return "Nothing was \(name)'s fault; they received bad media through a path they shared with others."
            }
            return "Nothing was \(name)'s fault; they received bad media from someone else's link."
        }
        return suffered == 0 ? "\(name)'s own link or device caused what is listed here." : "Some of it was \(name)'s own, some came from others."
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
