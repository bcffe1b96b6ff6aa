import CallscopeCore
import Hummingbird

/// `/sessions/{id}/errors`: the Errors tab — who, which error, when, what it means, what to do.
struct SessionErrorsPageController: Sendable {
    let queries: SessionQueries
    let templates: DashboardTemplates

    struct Model: Sendable {
        struct Row: Sendable {
            var tsMs: Int64
            var time: String
            var participantId: String
            var participantName: String
            var code: String
            var title: String
            var severity: String
            var source: String
            /// Optional, not empty: Mustache renders a section for any string, even "".
            var message: String?
            var data: String?
            var explanation: String
            var fix: String
        }

        var frame: SessionPageFrame
        var rows: [Row]
        var hasRows: Bool
    }

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/sessions/:sessionId/errors", use: errors)
    }

    func addSharedRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/share/:token/errors", use: errors)
    }

    @Sendable func errors(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await SessionScope.resolve(request, context, queries: queries)
        let session = scope.session
        let rows = try await queries.errors(of: session).map(Model.Row.init)
        return try templates.page("session-errors", Model(
            frame: scope.frame(title: "Errors · \(session.meetingId)", user: context.user?.username, tab: "Errors",
                               livePath: "/errors"),
            rows: rows, hasRows: !rows.isEmpty))
    }
}

extension SessionErrorsPageController.Model.Row {
    init(_ report: ErrorReport) {
        let e = report.error
        let data = (try? JSONValue.parse(Array(e.dataJSON.utf8)))?.object.flatMap { $0.isEmpty ? nil : JSONValue.object($0) }
        self.init(tsMs: e.tsMs, time: DisplayFormat.dateTime(e.tsMs), participantId: e.participantId ?? "—",
                  participantName: report.participantName ?? e.participantId ?? "session", code: e.code,
                  title: report.advice.title, severity: e.severity.rawValue, source: e.source.rawValue,
                  message: e.message.isEmpty ? nil : e.message, data: data?.serialized(),
                  explanation: report.advice.explanation, fix: report.advice.fix)
    }
}
