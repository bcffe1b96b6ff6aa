import CallscopeCore
import Mustache

/// How a timeline entry is coloured: `tone-bad`, `tone-warn`, `tone-good`, `tone-plain`.
enum TimelineTone: String, Sendable, MustacheCustomRenderable {
    case bad, warn, good, plain

    var renderText: String { rawValue }
    var isNull: Bool { false }

    /// Problems are bad; joins and first connections good; leaves, mutes, ICE restarts and
    /// network changes worth a look; the rest plain.
    init(_ entry: TimelineEntry) {
        switch entry {
        case .error, .qualityDrop: self = .bad
        case .recorded(let e):
            switch e.name {
            case "ice-failed", "dtls-failed", "kick": self = .bad
            case "ice-state", "connection-state": self = e.isFailedState ? .bad : .plain
            case "join", "connected": self = .good
            case "leave", "mute", "ice-restart", "network-change": self = .warn
            default: self = .plain
            }
        }
    }
}

extension SessionOverviewModel.Timeline {
    /// The timeline section: the entries `view` asks for, its pickers, counts and pages.
    /// `problems`: the diagnosis's, which give each quality drop its cause.
    init(_ timeline: SessionTimeline, view: TimelineView, scope: SessionScope, overview: SessionOverview,
         limits: HealthThresholds, problems diagnosed: [Problem] = []) {
        let all = timeline.entries
        let names = overview.names
        let shown = all.filter(view.matches)
        let pageSize = TimelineView.pageSize
        let pages = max(1, (shown.count + pageSize - 1) / pageSize)
        let page = min(view.page, pages)
        let first = (page - 1) * pageSize
        let entries = shown.dropFirst(first).prefix(pageSize)
        let problems = view.show == .all && view.who == nil ? all.count(where: \.isProblem) : 0
        var summary = shown.isEmpty ? "" : shown.count <= pageSize
            ? "\(shown.count) \(shown.count == 1 ? "entry" : "entries")"
            : "Entries \(first + 1)–\(first + entries.count) of \(shown.count)"
        if view.show != .all || view.who != nil { summary += shown.isEmpty ? "" : " shown of \(all.count)" }
        self.init(
            entries: entries.map { SessionOverviewModel.Entry($0, names: names, base: scope.base, limits: limits, problems: diagnosed) },
            hasEntries: !entries.isEmpty,
            summary: summary,
            empty: all.isEmpty ? "Nothing on the timeline yet." : "Nothing of this kind on the timeline.",
            problemsURL: problems > 0 ? view.url(base: scope.base, show: .problems, page: 1) : nil,
            problems: problems,
            show: TimelineView.Show.allCases.map { .init(value: $0.rawValue, label: $0.label, selected: $0 == view.show) },
            who: [SelectOption(value: "", label: "Everyone", selected: view.who == nil)] + overview.participants.map {
                .init(value: $0.participantId, label: "\($0.participant.name ?? $0.participantId) (\($0.participantId))",
                      selected: $0.participantId == view.who)
            },
            earlierURL: page > 1 ? view.url(base: scope.base, page: page - 1) : nil,
            laterURL: page < pages ? view.url(base: scope.base, page: page + 1) : nil,
            action: scope.base)
    }
}

extension SessionOverviewModel.Entry {
    /// One line of the timeline: when, who, what, the detail in words, and where to look closer.
    init(_ entry: TimelineEntry, names: [String: String], base: String, limits: HealthThresholds, problems: [Problem] = []) {
        let who = entry.participantId.map { DisplayName.of($0, in: names) } ?? "session"
        let time = DisplayFormat.dateTime(entry.tsMs)
        switch entry {
        case .recorded(let e):
            self.init(tsMs: e.tsMs, time: time, who: who, what: e.name,
                      detail: Self.detail((try? JSONValue.parse(Array(e.dataJSON.utf8))) ?? .object([:])), tone: TimelineTone(entry))
        case .error(let e):
            self.init(tsMs: e.tsMs, time: time, who: who, what: TimelineEntry.errorName,
                      detail: "\(ErrorAdvice.forError(code: e.code, dataJSON: e.dataJSON, message: e.message).title): \(e.message)",
                      tone: TimelineTone(entry),
                      link: .init(url: "\(base)/errors", text: "What it means", drawer: false))
        case .qualityDrop(let drop, let ongoing):
            // The participant's health bars show the drop among the rest of their call.
            self.init(tsMs: drop.startMs, time: time, who: who, what: "quality drop",
                      detail: Self.detail(of: drop, ongoing: ongoing, limits: limits) + Self.cause(of: drop, problems, names),
                      tone: TimelineTone(entry),
                      link: .init(url: "\(base)/participants/\(SessionOverviewPageController.path(drop.participantId))",
                                  text: "Health bars", drawer: true))
        }
    }

    /// " — cause: Alice's uplink" when the diagnosis has a problem that explains the drop, " — no
    /// lasting problem behind it" otherwise (a dip too short or too slight for the diagnosis).
    static func cause(of drop: QualityDrop, _ problems: [Problem], _ names: [String: String]) -> String {
        guard let p = Problem.explaining(drop.participantId, from: drop.startMs, to: drop.endMs, in: problems) else {
            return " — no lasting problem behind it"
        }
        return " — cause: \(p.cause { DisplayName.of($0, in: names) })"
    }

    /// "key: value, …" of a recorded event's data, keys in order.
    static func detail(_ data: JSONValue) -> String {
        guard case .object(let members) = data, !members.isEmpty else { return "" }
        return members.keys.sorted().map { key in "\(key): \(members[key]?.string ?? members[key]?.serialized() ?? "")" }
            .joined(separator: ", ")
    }

    /// "Video poor for 40 s: packet loss up to 31 % of what they received (poor above 10 %)".
    static func detail(of drop: QualityDrop, ongoing: Bool, limits: HealthThresholds) -> String {
        let length = DisplayFormat.duration(drop.durationMs)
        let span = ongoing ? "poor for \(length) so far" : "poor for \(length)"
        let causes = drop.causes.map { $0.describe(limits) }
        return "\(drop.kind.displayName) \(span)" + (causes.isEmpty ? "" : ": " + causes.joined(separator: "; "))
    }
}
