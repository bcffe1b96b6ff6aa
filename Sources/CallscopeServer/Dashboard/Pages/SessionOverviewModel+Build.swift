import CallscopeCore
import CallscopeStore

extension SessionOverviewModel {
    /// The Overview page of `overview` as `scope`'s reader sees it (a share link: no actions).
    init(_ overview: SessionOverview, diagnosis: Diagnosis, diagnosisPending: Bool = false, scope: SessionScope, user: String?,
         timeline: Timeline,
         notice: String?, notes: [SessionNote], shareLinks: [ShareLink], nowMs: Int64) {
        let session = overview.session
        let canKick = !scope.readOnly && session.status == .ongoing
        self.init(
            frame: scope.frame(title: "Session \(session.meetingId)", user: user, tab: "Overview"),
            imported: ImportedView(overview.importedFiles, names: overview.names, meetingId: session.meetingId),
            diagnosis: DiagnosisSection(diagnosis, names: overview.names, errorsURL: scope.base + "/errors", pending: diagnosisPending),
            fields: Self.fields(overview),
            services: overview.services.map(Service.init),
            hasServices: !overview.services.isEmpty,
            participants: overview.participants.map { row in
                ParticipantRow(row, base: scope.base,
                               kickURL: canKick && row.participant.isPresent
                                   ? "/sessions/\(session.id)/participants/\(SessionOverviewPageController.path(row.participantId))/kick"
                                   : nil)
            },
            timeline: timeline, notice: notice,
            notes: notes.map { Note(author: $0.author, createdMs: $0.createdMs, created: DisplayFormat.dateTime($0.createdMs), text: $0.text) },
            hasNotes: !notes.isEmpty, notesURL: "/sessions/\(session.id)/notes",
            exportCSV: "/sessions/\(session.id)/export.csv", exportJSON: "/sessions/\(session.id)/export.json",
            shareURL: "/sessions/\(session.id)/share",
            shareLinks: shareLinks.sorted { $0.createdMs > $1.createdMs }.map { ShareRow($0, sessionId: session.id, nowMs: nowMs) },
            hasShareLinks: !shareLinks.isEmpty,
            lifetimes: ShareLinksController.lifetimes.map { Lifetime(days: $0.days, label: $0.label, selected: $0.days == 7) })
    }

    static func fields(_ o: SessionOverview) -> [Field] {
        let s = o.session
        return [
            .init(label: "Meeting ID", value: s.meetingId, hint: "The room your app named."),
            .init(label: "Session ID", value: s.id, hint: "One continuous use of the meeting."),
            .init(label: "Status", value: s.status.rawValue, hint: "Ongoing until the last participant leaves or is silent for 30 s."),
            .init(label: "Session initiating time", value: s.initiatingMs.map { "\($0) ms" } ?? "not known yet",
                  hint: "Time the first participant took to establish its connection."),
            .init(label: "Start", value: DisplayFormat.dateTime(s.startMs), hint: "First participant joined."),
            .init(label: "End", value: s.endMs.map(DisplayFormat.dateTime) ?? "ongoing", hint: "Last participant left."),
            .init(label: "Unique participants", value: "\(o.uniqueParticipants)", hint: "People who joined at least once."),
            .init(label: "Total duration", value: DisplayFormat.duration(o.durationMs), hint: "Start to end (or now)."),
            .init(label: "Participant minutes", value: String(format: "%.1f min", o.participantMinutes),
                  hint: "Sum of every participant's time in the session."),
            .init(label: "Errors", value: "\(s.errorCount)", hint: "See the Errors tab."),
        ]
    }
}

extension SessionOverviewModel.ImportedView {
    /// `nil` for a session no dump went into.
    init?(_ files: [ImportedFile], names: [String: String], meetingId: String) {
        guard !files.isEmpty else { return nil }
        var people: [String] = []
        for f in files where !people.contains(names[f.participantId] ?? f.participantId) {
            people.append(names[f.participantId] ?? f.participantId)
        }
        let views = people.count == 1 ? "\(people[0])'s view of the call only"
            : "the views of " + people.dropLast().joined(separator: ", ") + " and " + people.last! + " only"
        self.init(
            title: people.count == 1 ? "One participant's view" : "The views of \(people.count) participants",
            summary: "Imported from \(files.count == 1 ? "a dump" : "\(files.count) dumps"): \(views). A dump holds what one browser "
                + "measured; the other participants' own figures are in their dumps.",
            files: files.map { f in
                SessionOverviewModel.ImportedFileRow(fileName: f.fileName, format: f.format, who: names[f.participantId] ?? f.participantId,
                                                     imported: DisplayFormat.dateTime(f.importedMs))
            },
            hint: "Import another participant's dump with the meeting ID \(meetingId) (callscope import --meeting \(meetingId) FILE) "
                + "to add their view to this session.")
    }
}

extension SessionOverviewModel.Service {
    init(_ s: ServiceUse) {
        self.init(name: s.service == .recording ? "Recording" : s.service.rawValue.uppercased(),
                  started: DisplayFormat.dateTime(s.startedMs), stopped: s.stoppedMs.map(DisplayFormat.dateTime) ?? "running")
    }
}

extension SessionOverviewModel.ParticipantRow {
    init(_ row: SessionOverview.ParticipantRow, base: String, kickURL: String?) {
        self.init(participantId: row.participantId, name: row.participant.name ?? "—",
                  joinTime: row.joinTimeMs.map { "\($0) ms" } ?? "not connected yet",
                  duration: DisplayFormat.duration(row.durationMs), present: row.participant.isPresent,
                  health: row.health.map(SessionOverviewModel.KindHealth.init),
                  url: "\(base)/participants/\(SessionOverviewPageController.path(row.participantId))",
                  kickURL: kickURL)
    }
}

extension SessionOverviewModel.KindHealth {
    init(_ h: HealthSummary) {
        let percent = { (share: Double) in Int((share * 100).rounded()) }
        self.init(kind: h.kind, colour: h.overall,
                  label: "\(percent(h.good)) % good, \(percent(h.moderate)) % moderate, \(percent(h.poor)) % poor")
    }
}

extension SessionOverviewModel.ShareRow {
    init(_ link: ShareLink, sessionId: String, nowMs: Int64) {
        let usable = link.isUsable(atMs: nowMs)
        self.init(createdBy: link.createdBy, created: DisplayFormat.dateTime(link.createdMs),
                  expires: DisplayFormat.dateTime(link.expiresMs),
                  state: link.revokedMs != nil ? "revoked" : usable ? "active" : "expired",
                  revokeURL: usable ? "/sessions/\(sessionId)/share/\(link.tokenHash)/revoke" : nil)
    }
}
