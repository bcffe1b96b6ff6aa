import CallscopeCore

/// What `session-overview.mustache` shows: the Overview fields, the participant table, the
/// timeline, notes and share links. Built from the same read model the API returns
/// (``SessionOverview``, ``SessionTimeline``), so page and API cannot disagree.
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
        var kind: MediaKind
        /// `nil` when no slice of the kind could be judged.
        var colour: HealthColour?
        /// "93 % good, 5 % moderate, 2 % poor".
        var label: String
    }

    struct Entry: Sendable {
        var tsMs: Int64
        var time: String
        var who: String
        var what: String
        var detail: String
        var tone: TimelineTone
        /// Where to look closer: a quality drop opens the participant's health bars, an error
        /// the Errors tab.
        var link: Link? = nil
    }

    struct Link: Sendable {
        var url: String
        var text: String
        /// Opens as the participant drawer over the page.
        var drawer: Bool
    }

    /// The timeline section as ``TimelineView`` cut it.
    struct Timeline: Sendable {
        var entries: [Entry]
        var hasEntries: Bool
        /// "Entries 201–400 of 1234", with "shown of N" under a filter.
        var summary: String
        var empty: String
        /// "Problems only" with their count, offered while everything is shown.
        var problemsURL: String?
        var problems: Int
        var show: [SelectOption]
        var who: [SelectOption]
        var earlierURL: String?
        var laterURL: String?
        /// The filter form's target: the Overview's own path.
        var action: String
    }

    var frame: SessionPageFrame
    /// Whose view an imported session holds; `nil` for live data.
    var imported: ImportedView?
    var diagnosis: DiagnosisSection
    var fields: [Field]
    var services: [Service]
    var hasServices: Bool
    var participants: [ParticipantRow]
    var timeline: Timeline
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

    /// "Imported from alice.txt (chrome://webrtc-internals): Alice's view of the call only."
    struct ImportedView: Sendable {
        var title: String
        var summary: String
        var files: [ImportedFileRow]
        /// What adds the others' views.
        var hint: String
    }

    struct ImportedFileRow: Sendable {
        var fileName: String
        var format: String
        var who: String
        var imported: String
    }

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
