import CallscopeCore
import Hummingbird

/// The Overview's timeline as the reader asked for it: everything, the problems only, or joins
/// and leaves; everyone or one participant; a page of ``pageSize`` entries. A one-hour call of
/// fifty people holds thousands of entries, and "why was this call bad?" wants the problems.
struct TimelineView: Sendable {
    enum Show: String, Sendable, CaseIterable {
        case all, problems, presence

        var label: String {
            switch self {
            case .all: "Everything"
            case .problems: "Problems: errors, quality drops, failures, kicks"
            case .presence: "Joins and leaves"
            }
        }
    }

    static let pageSize = 200

    var show: Show = .all
    /// One participant's entries only.
    var who: String?
    /// 1-based.
    var page = 1

    /// Read leniently from the page's query (`show`, `who`, `tpage`): what does not parse is no filter.
    init(_ query: Parameters) {
        show = query.get("show").flatMap(Show.init(rawValue:)) ?? .all
        who = query.get("who").flatMap { $0.isEmpty ? nil : $0 }
        page = max(1, query.get("tpage").flatMap(Int.init) ?? 1)
    }

    func matches(_ e: TimelineEntry) -> Bool {
        if let who, e.participantId != who { return false }
        switch show {
        case .all: return true
        case .problems: return e.isProblem
        case .presence: return e.isPresenceChange
        }
    }

    /// The query string of this view with `changes` applied; `base` is the page's path.
    func url(base: String, show: Show? = nil, who: String?? = nil, page: Int? = nil) -> String {
        var items: [(String, String)] = []
        let s = show ?? self.show
        if s != .all { items.append(("show", s.rawValue)) }
        if let w = who ?? self.who { items.append(("who", w)) }
        let p = page ?? self.page
        if p > 1 { items.append(("tpage", String(p))) }
        let query = items.map { "\($0.0)=\(SessionOverviewPageController.path($0.1))" }.joined(separator: "&")
        return base + (query.isEmpty ? "" : "?\(query)") + "#timeline"
    }
}
