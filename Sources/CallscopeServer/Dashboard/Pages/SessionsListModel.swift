import CallscopeCore
import CallscopeStore

/// What `sessions.mustache` shows: the filter form as the user left it, the rows, the pager.
struct SessionsListModel: Sendable {
    struct Row: Sendable {
        var sessionId: String
        var meetingId: String
        var ongoing: Bool
        var status: Session.Status
        var startMs: Int64
        var start: String
        var duration: String
        var participants: Int
        var errors: Int
        var hasErrors: Bool
        var health: HealthShare
        var url: String
    }

    /// The session's time per colour, all participants and kinds together. (Templates see stored
    /// properties only: Mustache reads them by reflection.)
    struct HealthShare: Sendable {
        var known: Bool
        var label: String
        var colour: String
        /// Widths of the three segments of a 100-wide bar.
        var good: Int
        var moderate: Int
        var poor: Int
        var moderateX: Int
        var poorX: Int
    }

    var title = "Sessions"
    /// The signed-in user's name for the header (nil: no header form, e.g. a share link).
    var user: String?
    var statusOptions: [SelectOption]
    var sortOptions: [SelectOption]
    var meetingId: String
    var participant: String
    var from: String
    var to: String
    var hasErrors: Bool
    var poorQuality: Bool
    var rows: [Row]
    var total: Int
    var firstShown: Int
    var lastShown: Int
    var previousURL: String?
    var nextURL: String?
    /// Nothing at all yet, not just nothing matching the filters.
    var noSessionsYet: Bool
    var noMatches: Bool
    /// The same list as a fragment, for the live refresh.
    var refreshURL: String
}

extension SessionsListModel.HealthShare {
    init(_ summaries: [HealthSummary]) {
        let slices = summaries.reduce(0) { $0 + $1.slices }
        guard slices > 0 else {
            self.init(known: false, label: "no media yet", colour: "none", good: 0, moderate: 0, poor: 0, moderateX: 0, poorX: 0)
            return
        }
        let share = { (part: (HealthSummary) -> Double) in
            summaries.reduce(0.0) { $0 + part($1) * Double($1.slices) } / Double(slices)
        }
        let (good, moderate, poor) = (share(\.good), share(\.moderate), share(\.poor))
        let overall = HealthSummary(kind: .audio, slices: slices, good: good, moderate: moderate, poor: poor).overall
        let pct = { (x: Double) in Int((x * 100).rounded()) }
        let g = pct(good), m = pct(moderate)
        self.init(known: true,
                  label: "\(g) % good, \(m) % moderate, \(pct(poor)) % poor",
                  colour: overall?.rawValue ?? "none", good: g, moderate: m, poor: max(0, 100 - g - m),
                  moderateX: g, poorX: g + m)
    }
}
