import CallscopeCore
import CallscopeStore
import Hummingbird

/// `POST /api/v1/imports`: one dump file as the request body (plain or gzip-compressed, as it
/// is on disk: `curl --data-binary @dump.txt`), imported into a session like `callscope import`
/// does. The query names what the file does not: `projectId` (required with a token or user
/// that sees several projects), `meetingId`, `participantId`, `name`, and `fileName` (what the
/// answer and the session's import list call it).
struct ImportsController: Sendable {
    let store: any AnalyticsStore
    let importer: DumpImporter
    let maxBytes: Int
    let clock: WallClock

    struct ImportDTO: ResponseEncodable {
        var fileName: String
        var format: String
        var sessionId: String
        var meetingId: String
        var participantId: String
        var duplicate: Bool
        var joinedExistingSession: Bool
        var samples: Int
        var events: Int
        var errors: Int
        var refusedReports: Int
        var notice: String?
        /// The session's Overview page in the dashboard.
        var sessionUrl: String
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("imports", use: create)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<ImportDTO> {
        let query = request.uri.queryParameters
        let project = try await targetProject(query["projectId"].map(String.init), context)
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: maxBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError(.contentTooLarge, code: "too_large", message: "the dump is over the limit of \(maxBytes >> 20) MiB",
                           field: "body")
        }
        let file = DumpImporter.File(name: query["fileName"].map(String.init) ?? "upload", bytes: Array(body.readableBytesView),
                                     meetingId: query["meetingId"].map(String.init),
                                     participantId: query["participantId"].map(String.init), participantName: query["name"].map(String.init))
        let outcome: DumpImporter.Outcome
        do {
            outcome = try await importer.importDump(file, projectId: project.id, nowMs: clock.nowMs())
        } catch let error as ImportError {
            throw APIError(error.option == nil ? .unprocessableContent : .badRequest,
                           code: error.option == nil ? "invalid_dump" : "invalid_field", message: error.message,
                           field: error.option ?? "body")
        }
        let dto = ImportDTO(fileName: outcome.fileName, format: outcome.format, sessionId: outcome.sessionId,
                            meetingId: outcome.meetingId, participantId: outcome.participantId, duplicate: outcome.duplicate,
                            joinedExistingSession: outcome.joinedExistingSession, samples: outcome.samples, events: outcome.events,
                            errors: outcome.errors, refusedReports: outcome.refusedReports, notice: outcome.notice,
                            sessionUrl: "/sessions/\(outcome.sessionId)")
        return EditedResponse(status: outcome.duplicate ? .ok : .created, response: dto)
    }

    /// The project the caller names, or the one it sees when it sees one (the demo's aside).
    private func targetProject(_ id: String?, _ context: AppRequestContext) async throws -> Project {
        var visible = try await store.projects()
        if let scope = context.apiToken?.projectId { visible = visible.filter { $0.id == scope } }
        if let id {
            guard let project = visible.first(where: { $0.id == id }) else { throw APIError.notFound("project \(id)", field: "projectId") }
            return project
        }
        let real = visible.filter { $0.id != Bootstrap.demoProjectId }
        guard real.count == 1, let only = real.first else {
            throw APIError(.badRequest, code: "missing_field",
                           message: "projectId is required: this token sees \(real.count) projects", field: "projectId")
        }
        return only
    }
}
