import CallscopeCore
import CallscopeStore
import Foundation
import Hummingbird

/// `/sessions`: every session, newest first, with the columns, filters, sorting and pages of docs/metrics.md §5.
/// `?partial=rows` returns only the table body: the page's script swaps it in every few seconds
/// while an ongoing session is listed, so statuses and durations stay live without a reload.
struct SessionsPageController: Sendable {
    let queries: SessionQueries
    let templates: DashboardTemplates
    static let pageSize = 25

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/") { _, _ in Response(status: .seeOther, headers: [.location: "/sessions"]) }
        router.get("/sessions", use: list)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let filters = try Filters(request.uri.queryParameters)
        let now = queries.clock.nowMs()
        var query = filters.query
        query.nowMs = now
        let page: SessionPage, digests: [String: HealthDigest]
        if filters.poorQuality {
            (page, digests) = try await queries.poorQualitySessions(query)
        } else {
            page = try await queries.sessions(query)
            digests = try await queries.healthDigests(of: page.sessions)
        }
        let rows = page.sessions.map { SessionsListModel.Row($0, health: digests[$0.session.id], nowMs: now) }
        let noneAtAll = page.total == 0 && filters.isEmpty
        let model = SessionsListModel(
            user: context.user?.username,
            statusOptions: [("", "Any status"), ("ongoing", "Ongoing"), ("ended", "Ended")].map {
                .init(value: $0.0, label: $0.1, selected: (filters.status?.rawValue ?? "") == $0.0)
            },
            sortOptions: SessionSort.allCases.map { .init(value: $0.rawValue, label: Filters.label($0), selected: $0 == filters.sort) },
            meetingId: filters.meetingId ?? "", participant: filters.participant ?? "",
            from: filters.fromText, to: filters.toText, hasErrors: filters.hasErrors, poorQuality: filters.poorQuality,
            rows: rows, total: page.total,
            firstShown: rows.isEmpty ? 0 : query.offset + 1, lastShown: query.offset + rows.count,
            previousURL: filters.page > 1 ? filters.url(page: filters.page - 1) : nil,
            nextURL: query.offset + rows.count < page.total ? filters.url(page: filters.page + 1) : nil,
            noSessionsYet: noneAtAll, noMatches: page.total == 0 && !noneAtAll, refreshURL: filters.url(page: filters.page, partial: true))
        return try templates.page(request.uri.queryParameters.get("partial") == "rows" ? "sessions-rows" : "sessions", model)
    }

    /// The list's query string, read leniently: a value that does not parse is no filter.
    struct Filters: Sendable {
        var status: Session.Status?
        var meetingId: String?
        var participant: String?
        var fromMs: Int64?
        var toMs: Int64?
        var fromText = ""
        var toText = ""
        var hasErrors = false
        var poorQuality = false
        var sort: SessionSort = .newest
        var page = 1

        /// Unknown values of the pickers fall back to their defaults; a date that is given but is
        /// not a `datetime-local` value from 1970 to 9999 is refused (400 naming `from` or `to`).
        init(_ q: Parameters) throws {
            let text = { (key: String) -> String? in
                guard let v = q.get(key)?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
                return v
            }
            status = text("status").flatMap(Session.Status.init(rawValue:))
            meetingId = text("meetingId")
            participant = text("participant")
            for (key, isFrom) in [("from", true), ("to", false)] {
                guard let given = text(key) else { continue }
                guard let ms = Self.parseUTC(given) else {
                    throw APIError.badRequest("\(key) must be a UTC date and time from 1970-01-01T00:00 to 9999-12-31T23:59",
                                              field: key)
                }
                if isFrom { (fromMs, fromText) = (ms, given) } else { (toMs, toText) = (ms, given) }
            }
            hasErrors = text("errors") == "1"
            poorQuality = text("poor") == "1"
            sort = text("sort").flatMap(SessionSort.init(rawValue:)) ?? .newest
            page = max(1, min(100_000, text("page").flatMap(Int.init) ?? 1))
        }

        var isEmpty: Bool {
            status == nil && meetingId == nil && participant == nil && fromMs == nil && toMs == nil && !hasErrors && !poorQuality
        }

        var query: SessionQuery {
            var q = SessionQuery(meetingId: meetingId, status: status, fromMs: fromMs, toMs: toMs, participant: participant,
                                 hasErrors: hasErrors ? true : nil, limit: SessionsPageController.pageSize,
                                 offset: (page - 1) * SessionsPageController.pageSize)
            q.sort = sort
            return q
        }

        func url(page: Int, partial: Bool = false) -> String {
            var items: [(String, String)] = []
            if let status { items.append(("status", status.rawValue)) }
            if let meetingId { items.append(("meetingId", meetingId)) }
            if let participant { items.append(("participant", participant)) }
            if !fromText.isEmpty { items.append(("from", fromText)) }
            if !toText.isEmpty { items.append(("to", toText)) }
            if hasErrors { items.append(("errors", "1")) }
            if poorQuality { items.append(("poor", "1")) }
            if sort != .newest { items.append(("sort", sort.rawValue)) }
            if page > 1 { items.append(("page", String(page))) }
            if partial { items.append(("partial", "rows")) }
            guard !items.isEmpty else { return "/sessions" }
            return "/sessions?" + items.map { "\($0.0)=\(Self.encode($0.1))" }.joined(separator: "&")
        }

        static func encode(_ s: String) -> String {
            s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~:"))) ?? ""
        }

        static func label(_ sort: SessionSort) -> String {
            switch sort {
            case .newest: "Newest first"
            case .oldest: "Oldest first"
            case .longest: "Longest first"
            case .participants: "Most participants"
            case .errors: "Most errors"
            }
        }

        /// `2026-11-25T14:02` (a `datetime-local` input, seconds allowed), read as UTC; years 1970
        /// to 9999 only (``EpochTime``), so the calendar arithmetic cannot overflow.
        static func parseUTC(_ text: String) -> Int64? {
            guard text.utf8.count <= 32 else { return nil }
            let parts = text.split(separator: "-", omittingEmptySubsequences: false).count == 3
                ? text.split(whereSeparator: { "-T:.".contains($0) }).map { Int($0) } : []
            guard parts.count >= 5, parts.count <= 7, parts.allSatisfy({ $0 != nil }) else { return nil }
            let p = parts.map { $0! }
            guard (1970...9999).contains(p[0]), (1...12).contains(p[1]), (1...DisplayFormat.daysIn(month: p[1], year: p[0])).contains(p[2]),
                  (0...23).contains(p[3]), (0...59).contains(p[4]), p.count < 6 || (0...59).contains(p[5]) else { return nil }
            let days = DisplayFormat.daysFromCivil(year: p[0], month: p[1], day: p[2])
            let seconds = p.count > 5 ? p[5] : 0
            return (Int64(days) * 86_400 + Int64(p[3] * 3600 + p[4] * 60 + seconds)) * 1000
        }
    }
}

extension SessionsListModel.Row {
    init(_ summary: SessionSummary, health digest: HealthDigest?, nowMs: Int64) {
        let s = summary.session
        self.init(
            sessionId: s.id, meetingId: s.meetingId, ongoing: s.status == .ongoing, status: s.status,
            startMs: s.startMs, start: DisplayFormat.dateTime(s.startMs),
            duration: DisplayFormat.duration((s.endMs ?? nowMs).subtracting(saturating: s.startMs)),
            participants: summary.uniqueParticipants, errors: s.errorCount, hasErrors: s.errorCount > 0,
            health: .init(digest?.summaries.values.flatMap { $0 } ?? []), url: "/sessions/\(s.id)")
    }
}
