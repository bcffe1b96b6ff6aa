import CallscopeCore

/// What `session-overview.mustache` shows: the Overview fields, the participant table, the
/// timeline. Built from the same `SessionDTO` the API returns, so page and API cannot disagree.
struct SessionOverviewModel: Sendable {
    struct Field: Sendable {
        var label: String
        var value: String
        var hint: String
    }

    struct Service: Sendable {
        var name: String
        var started: String
        var stopped: String
    }

    struct ParticipantRow: Sendable {
        var participantId: String
        var name: String
        var joinTime: String
        var duration: String
        var present: Bool
        var health: [KindHealth]
        var url: String
        var kickURL: String?
    }

    struct KindHealth: Sendable {
        var kind: String
        var colour: String
        var label: String
    }

    struct Entry: Sendable {
        var tsMs: Int64
        var time: String
        var who: String
        var what: String
        var detail: String
        var tone: String
        /// Where to look closer (a quality drop opens the participant's health bars).
        var url: String? = nil
    }

    var frame: SessionPageFrame
    var fields: [Field]
    var services: [Service]
    var hasServices: Bool
    var participants: [ParticipantRow]
    var timeline: [Entry]
    var hasTimeline: Bool
    var notice: String?
    var notes: [Note]
    var hasNotes: Bool
    var notesURL: String
    var exportCSV: String
    var exportJSON: String
    var shareURL: String
    var shareLinks: [ShareRow]
    var hasShareLinks: Bool
    var lifetimes: [Lifetime]

    struct ShareRow: Sendable {
        var createdBy: String
        var created: String
        var expires: String
        var state: String
        var revokeURL: String?
    }

    struct Lifetime: Sendable {
        var days: Int
        var label: String
        var selected: Bool
    }

    struct Note: Sendable {
        var author: String
        var createdMs: Int64
        var created: String
        var text: String
    }
}

/// The three tabs of a session, each its own URL.
struct Tab: Sendable {
    var label: String
    var url: String
    var current: Bool

    /// `base`: the session's pages, `/sessions/{id}` or a share link's `/share/{token}`.
    static func of(base: String, current: String) -> [Tab] {
        [("Overview", ""), ("Errors", "/errors"), ("Session stats", "/stats")].map {
            Tab(label: $0.0, url: "\(base)\($0.1)", current: $0.0 == current)
        }
    }
}
