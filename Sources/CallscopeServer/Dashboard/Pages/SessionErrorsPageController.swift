import CallscopeCore
import Hummingbird

/// `/sessions/{id}/errors`: the Errors tab — who, which error, when, what it means, what to do.
struct SessionErrorsPageController: Sendable {
    let api: SessionsController
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
        let scope = try await SessionScope.resolve(request, context, api: api)
        let session = scope.session
        let rows = try await api.errors(of: session).map { e in
            Model.Row(tsMs: e.tsMs, time: DisplayFormat.dateTime(e.tsMs), participantId: e.participantId ?? "—",
                      participantName: e.participantName ?? e.participantId ?? "session", code: e.code, title: e.title,
                      severity: e.severity, source: e.source, message: e.message.isEmpty ? nil : e.message,
                      data: e.data.value.object?.isEmpty == false ? e.data.value.serialized() : nil,
                      explanation: e.explanation, fix: e.suggestedFix)
        }
        return try templates.page("session-errors", Model(
            frame: scope.frame(title: "Errors · \(session.meetingId)", user: context.user?.username, tab: "Errors",
                               livePath: "/errors"),
            rows: rows, hasRows: !rows.isEmpty))
    }
}
