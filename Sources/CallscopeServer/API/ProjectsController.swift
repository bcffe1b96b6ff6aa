import CallscopeCore
import CallscopeStore
import Hummingbird

/// `/api/v1/projects`: the projects a token may see, and each project's allowed origins.
struct ProjectsController: Sendable {
    let store: any CredentialStore

    struct ProjectDTO: ResponseEncodable {
        var projectId: String
        var name: String
        /// Write-only and meant for browser code, so showing it to readers of the API is safe.
        var ingestKey: String
        var createdMs: Int64
        /// Empty: pages of any origin may send.
        var allowedOrigins: [String]
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("projects", use: list)
        group.put("projects/:projectId/allowed-origins", use: setAllowedOrigins)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> APIModels.ListDTO<ProjectDTO> {
        .init(items: try await visibleProjects(context).map(Self.dto))
    }

    /// Body: `{"allowedOrigins": ["https://app.example.com", "https://*.example.com"]}`; `[]` allows any origin.
    @Sendable func setAllowedOrigins(_ request: Request, context: AppRequestContext) async throws -> ProjectDTO {
        let id = try context.parameters.require("projectId")
        guard try await visibleProjects(context).contains(where: { $0.id == id }) else {
            throw APIError.notFound("project \(id)", field: "projectId")
        }
        var request = request
        let body = try await request.collectBody(upTo: 64 * 1024)
        let value: JSONValue
        do { value = try JSONValue.parse(body.readableBytesView) } catch {
            throw APIError(.badRequest, code: "invalid_json", message: "\(error)")
        }
        guard let list = value["allowedOrigins"]?.array else {
            throw APIError(.badRequest, code: "missing_field", message: "allowedOrigins must be an array of origins",
                           field: "allowedOrigins")
        }
        var origins: [String] = []
        for (i, item) in list.enumerated() {
            guard let origin = item.string, let normalised = OriginPolicy.normalise(origin) else {
                throw APIError.badRequest("an origin is scheme://host[:port], e.g. https://app.example.com or https://*.example.com, or *",
                                          field: "allowedOrigins[\(i)]")
            }
            origins.append(normalised)
        }
        guard try await store.setAllowedOrigins(projectId: id, origins: origins),
              let project = try await store.projects().first(where: { $0.id == id })
        else { throw APIError.notFound("project \(id)", field: "projectId") }
        return Self.dto(project)
    }

    private func visibleProjects(_ context: AppRequestContext) async throws -> [Project] {
        let all = try await store.projects()
        guard let scope = context.apiToken?.projectId else { return all }
        return all.filter { $0.id == scope }
    }

    static func dto(_ p: Project) -> ProjectDTO {
        ProjectDTO(projectId: p.id, name: p.name, ingestKey: p.ingestKey, createdMs: p.createdMs, allowedOrigins: p.allowedOrigins)
    }
}
