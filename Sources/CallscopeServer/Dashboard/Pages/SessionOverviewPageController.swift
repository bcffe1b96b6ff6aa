import CallscopeCore
import CallscopeStore
import Foundation
import Hummingbird

/// `/sessions/{id}`: the Overview tab. `POST /sessions/{id}/participants/{pid}/kick` is the
/// Kick out button (a form, so it works without script; the script adds the confirmation).
struct SessionOverviewPageController: Sendable {
    let api: SessionsController
    let templates: DashboardTemplates
    /// Notices of the Overview's own forms that must not be in the URL (a new share link).
    let flashes: FlashNotices

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/sessions/:sessionId", use: overview)
        router.post("/sessions/:sessionId/participants/:participantId/kick", use: kick)
    }

    func addSharedRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/share/:token", use: overview)
    }

    @Sendable func overview(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await SessionScope.resolve(request, context, api: api)
        let session = scope.session
        let digest = try await api.healthDigest(of: session)
        let dto = try await api.overview(of: session, digest: digest)
        let names = Dictionary(dto.participants.map { ($0.participantId, $0.name ?? $0.participantId) }, uniquingKeysWith: { a, _ in a })
        let events = try await api.timeline(of: session, participantId: nil, digest: digest)
        let view = TimelineView(request.uri.queryParameters)
        let notes = try await api.store.notes(sessionId: session.id)
        let links = scope.readOnly ? [] : try await api.store.shareLinks(sessionId: session.id)
        let now = Clock.nowMs()
        let model = SessionOverviewModel(
            frame: scope.frame(title: "Session \(dto.meetingId)", user: context.user?.username, tab: "Overview"),
            fields: Self.fields(dto),
            services: dto.services.map {
                .init(name: $0.service.uppercased() == "RECORDING" ? "Recording" : $0.service.uppercased(),
                      started: DisplayFormat.dateTime($0.startedMs), stopped: $0.stoppedMs.map(DisplayFormat.dateTime) ?? "running")
            },
            hasServices: !dto.services.isEmpty,
            participants: dto.participants.map { p in
                .init(participantId: p.participantId, name: p.name ?? "—",
                      joinTime: p.joinTimeMs.map { "\($0) ms" } ?? "not connected yet",
                      duration: DisplayFormat.duration(p.durationMs), present: p.present,
                      health: p.health.map { h in
                          .init(kind: Self.kindLabel(h.kind), colour: h.overall ?? "none",
                                label: "\(Int((h.good * 100).rounded())) % good, \(Int((h.moderate * 100).rounded())) % moderate, \(Int((h.poor * 100).rounded())) % poor")
                      },
                      url: "\(scope.base)/participants/\(Self.path(p.participantId))",
                      kickURL: !scope.readOnly && dto.status == "ongoing" && p.present
                          ? "/sessions/\(session.id)/participants/\(Self.path(p.participantId))/kick" : nil)
            },
            timeline: Self.timeline(events, view: view, scope: scope, names: names, participants: dto.participants),
            notice: request.uri.queryParameters.get("flash").flatMap { flashes.take($0, for: context.user?.id ?? "", nowMs: now) }
                ?? request.uri.queryParameters.get("notice"),
            notes: notes.map { .init(author: $0.author, createdMs: $0.createdMs, created: DisplayFormat.dateTime($0.createdMs), text: $0.text) },
            hasNotes: !notes.isEmpty, notesURL: "/sessions/\(session.id)/notes",
            exportCSV: "/sessions/\(session.id)/export.csv", exportJSON: "/sessions/\(session.id)/export.json",
            shareURL: "/sessions/\(session.id)/share",
            shareLinks: links.sorted { $0.createdMs > $1.createdMs }.map { link in
                .init(createdBy: link.createdBy, created: DisplayFormat.dateTime(link.createdMs),
                      expires: DisplayFormat.dateTime(link.expiresMs),
                      state: link.revokedMs != nil ? "revoked" : link.isUsable(atMs: now) ? "active" : "expired",
                      revokeURL: link.isUsable(atMs: now) ? "/sessions/\(session.id)/share/\(link.tokenHash)/revoke" : nil)
            },
            hasShareLinks: !links.isEmpty,
            lifetimes: ShareLinksController.lifetimes.map { .init(days: $0.days, label: $0.label, selected: $0.days == 7) })
        return try templates.page("session-overview", model)
    }

    /// The Kick out button: the API's kick, then back to the Overview with the result.
    @Sendable func kick(_ request: Request, context: AppRequestContext) async throws -> Response {
        let session = try await api.session(request, context)
        let pid = try context.parameters.require("participantId")
        let notice: String
        do {
            let result = try await api.kick(session: session, participantId: pid, reason: nil, actor: context.dashboardUserName)
            notice = result.delivered ? "\(pid) was removed: their app was told and has left."
                : "\(pid) was removed; their app is not connected right now and gets the kick when it reconnects."
        } catch let error as APIError {
            notice = "Could not remove \(pid): \(error.message)"
        }
        return Self.redirect(to: session, notice: notice)
    }

    /// Back to the Overview after one of its forms, with the result shown at the top and the
    /// page scrolled to `anchor`.
    /// Back to the Overview with a notice kept server-side (``FlashNotices``), for notices that
    /// hold a secret.
    static func redirect(to session: Session, flash: String, anchor: String? = nil) -> Response {
        Response(status: .seeOther, headers: [
            .location: "/sessions/\(session.id)?flash=\(flash)" + (anchor.map { "#\($0)" } ?? ""),
        ])
    }

    static func redirect(to session: Session, notice: String, anchor: String? = nil) -> Response {
        let encoded = notice.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return Response(status: .seeOther, headers: [
            .location: "/sessions/\(session.id)?notice=\(encoded)" + (anchor.map { "#\($0)" } ?? ""),
        ])
    }

    static func fields(_ dto: APIModels.SessionDTO) -> [SessionOverviewModel.Field] {
        [
            .init(label: "Meeting ID", value: dto.meetingId, hint: "The room your app named."),
            .init(label: "Session ID", value: dto.sessionId, hint: "One continuous use of the meeting."),
            .init(label: "Status", value: dto.status, hint: "Ongoing until the last participant leaves or is silent for 30 s."),
            .init(label: "Session initiating time", value: dto.initiatingTimeMs.map { "\($0) ms" } ?? "not known yet",
                  hint: "Time the first participant took to establish its connection."),
            .init(label: "Start", value: DisplayFormat.dateTime(dto.startMs), hint: "First participant joined."),
            .init(label: "End", value: dto.endMs.map(DisplayFormat.dateTime) ?? "ongoing", hint: "Last participant left."),
            .init(label: "Unique participants", value: "\(dto.uniqueParticipants)", hint: "People who joined at least once."),
            .init(label: "Total duration", value: DisplayFormat.duration(dto.durationMs), hint: "Start to end (or now)."),
            .init(label: "Participant minutes", value: String(format: "%.1f min", dto.participantMinutes),
                  hint: "Sum of every participant's time in the session."),
            .init(label: "Errors", value: "\(dto.errorCount)", hint: "See the Errors tab."),
        ]
    }

    /// The timeline section: the entries `view` asks for, its pickers, counts and pages.
    static func timeline(_ events: [TimelineEvent], view: TimelineView, scope: SessionScope, names: [String: String],
                         participants: [APIModels.ParticipantRowDTO]) -> SessionOverviewModel.Timeline {
        let shown = events.filter(view.matches)
        let pages = max(1, (shown.count + TimelineView.pageSize - 1) / TimelineView.pageSize)
        let page = min(view.page, pages)
        let first = (page - 1) * TimelineView.pageSize
        let entries = shown.dropFirst(first).prefix(TimelineView.pageSize)
        let problems = view.show == .all && view.who == nil ? events.count(where: TimelineView.isProblem) : 0
        var summary = shown.isEmpty ? "" : shown.count <= TimelineView.pageSize
            ? "\(shown.count) \(shown.count == 1 ? "entry" : "entries")"
            : "Entries \(first + 1)–\(first + entries.count) of \(shown.count)"
        if view.show != .all || view.who != nil { summary += shown.isEmpty ? "" : " shown of \(events.count)" }
        return .init(
            entries: entries.map { entry($0, names: names, scope: scope) },
            hasEntries: !entries.isEmpty,
            summary: summary,
            empty: events.isEmpty ? "Nothing on the timeline yet." : "Nothing of this kind on the timeline.",
            problemsURL: problems > 0 ? view.url(base: scope.base, show: .problems, page: 1) : nil,
            problems: problems,
            show: TimelineView.Show.allCases.map { .init(value: $0.rawValue, label: $0.label, selected: $0 == view.show) },
            who: [SelectOption(value: "", label: "Everyone", selected: view.who == nil)] + participants.map {
                .init(value: $0.participantId, label: "\($0.name ?? $0.participantId) (\($0.participantId))",
                      selected: $0.participantId == view.who)
            },
            earlierURL: page > 1 ? view.url(base: scope.base, page: page - 1) : nil,
            laterURL: page < pages ? view.url(base: scope.base, page: page + 1) : nil,
            action: scope.base)
    }

    static func entry(_ e: TimelineEvent, names: [String: String], scope: SessionScope) -> SessionOverviewModel.Entry {
        let data = (try? JSONValue.parse(Array(e.dataJSON.utf8))) ?? .object([:])
        let tone: String = switch e.name {
        case "error", "ice-failed", "dtls-failed", "kick", QualityDrop.timelineName: "bad"
        case "ice-state", "connection-state": TimelineView.isFailed(state: data["state"]?.string) ? "bad" : "plain"
        case "join", "connected": "good"
        case "leave", "mute", "ice-restart", "network-change": "warn"
        default: "plain"
        }
        var entry = SessionOverviewModel.Entry(
            tsMs: e.tsMs, time: DisplayFormat.dateTime(e.tsMs), who: e.participantId.map { names[$0] ?? $0 } ?? "session",
            what: e.name, detail: detail(data), tone: tone)
        switch e.name {
        case QualityDrop.timelineName:
            entry.what = "quality drop"
            entry.detail = qualityDropDetail(data)
            // The participant's health bars show the drop among the rest of their call.
            if let pid = e.participantId {
                entry.link = .init(url: "\(scope.base)/participants/\(path(pid))", text: "Health bars", drawer: true)
            }
        case "error":
            let code = data["code"]?.string ?? ""
            entry.detail = "\(ErrorAdvice.forCode(code).title): \(data["message"]?.string ?? code)"
            entry.link = .init(url: "\(scope.base)/errors", text: "What it means", drawer: false)
        default:
            break
        }
        return entry
    }

    /// "key: value, …" of the entry's data, keys in order.
    static func detail(_ data: JSONValue) -> String {
        guard case .object(let members) = data, !members.isEmpty else { return "" }
        return members.keys.sorted().map { key in "\(key): \(members[key]?.string ?? members[key]?.serialized() ?? "")" }
            .joined(separator: ", ")
    }

    /// "Video poor for 40 s: packet loss up to 31 % (poor above 10 %)".
    static func qualityDropDetail(_ data: JSONValue) -> String {
        let kind = data["kind"]?.string.flatMap(MediaKind.init(rawValue:))
        let label = kind.map { kindLabel($0.rawValue) } ?? "Media"
        let length = DisplayFormat.duration(Int64(data["durationMs"]?.double ?? 0))
        let span = data["ongoing"]?.bool == true ? "poor for \(length) so far" : "poor for \(length)"
        let causes = (data["causes"]?.array ?? []).compactMap(\.string)
        return "\(label) \(span)" + (causes.isEmpty ? "" : ": " + causes.joined(separator: "; "))
    }

    static func kindLabel(_ kind: String) -> String {
        switch kind {
        case "audio": "Audio"
        case "video": "Video"
        case "screen-video": "Screen share"
        case "screen-audio": "Screen audio"
        default: kind
        }
    }

    static func path(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~"))) ?? segment
    }
}
