import CallscopeCore
import CallscopeStore
import Foundation
import Hummingbird

/// Notes on a session (author, time, text), for reviewers' feedback on the call: listed at the
/// bottom of the Overview, added by a signed-in user with a form (`POST /sessions/{id}/notes`)
/// or through the API (`GET`/`POST /api/v1/sessions/{id}/notes`, `{"text": "..."}`).
struct SessionNotesController: Sendable {
    let queries: SessionQueries
    /// Where notes are added.
    let store: any DashboardDataStore
    static let maxLength = 4000

    struct NoteDTO: ResponseEncodable {
        var id: Int64
        var author: String
        var createdMs: Int64
        var createdAt: String?
        var text: String
    }

    func addPageRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.post("/sessions/:sessionId/notes", use: addFromForm)
    }

    func addAPIRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("sessions/:sessionId/notes", use: list)
        group.post("sessions/:sessionId/notes", use: addFromAPI)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> APIModels.ListDTO<NoteDTO> {
        let session = try await queries.session(request, context)
        return .init(items: try await queries.notes(of: session).map(Self.dto))
    }

    @Sendable func addFromAPI(_ request: Request, context: AppRequestContext) async throws -> NoteDTO {
        let session = try await queries.session(request, context)
        let value = try await request.jsonBody()
        let text = try Self.validated(value["text"]?.string)
        let author = context.user?.username ?? context.apiToken?.name ?? "api"
        return Self.dto(try await store.addNote(sessionId: session.id, author: author, text: text, createdMs: queries.clock.nowMs()))
    }

    @Sendable func addFromForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let session = try await queries.session(request, context)
        var request = request
        let body = try await request.collectBody(upTo: 64 * 1024)
        let form = FormFields.parse(body)
        var notice = "Note added."
        do {
            _ = try await store.addNote(sessionId: session.id, author: context.user?.username ?? "unknown",
                                        text: try Self.validated(form["text"]), createdMs: queries.clock.nowMs())
        } catch let error as APIError {
            notice = error.message
        }
        return SessionOverviewPageController.redirect(to: session, notice: notice, anchor: "notes")
    }

    static func validated(_ text: String?) throws -> String {
        // Counted as sent and in code points (JSON Schema's characters), not in grapheme clusters:
        // one "character" can carry any number of combining marks.
        let trimmed = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, (text ?? "").unicodeScalars.count <= maxLength else {
            throw APIError.badRequest("a note is 1 to \(maxLength) characters", field: "text")
        }
        return trimmed
    }

    static func dto(_ n: SessionNote) -> NoteDTO {
        NoteDTO(id: n.id, author: n.author, createdMs: n.createdMs, createdAt: APIModels.iso(n.createdMs), text: n.text)
    }
}
