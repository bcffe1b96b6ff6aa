import CallscopeCore
import CallscopeStore
import Hummingbird

/// `/api/v1/projects`: the projects a token may see, each project's allowed origins, and the
/// health limits its sessions are coloured and diagnosed with.
struct ProjectsController: Sendable {
    let store: any CredentialStore
    let limits: ProjectLimits

    struct ProjectDTO: ResponseEncodable {
        var projectId: String
        var name: String
        /// Write-only and meant for browser code, so showing it to readers of the API is safe.
        var ingestKey: String
        var createdMs: Int64
        /// Empty: pages of any origin may send.
        var allowedOrigins: [String]
        /// The limits in force: PRODUCT.md §5's defaults until changed.
        var thresholds: HealthThresholds
        var thresholdsAreDefault: Bool
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("projects", use: list)
        group.put("projects/:projectId/allowed-origins", use: setAllowedOrigins)
        group.put("projects/:projectId/thresholds", use: setThresholds)
        group.delete("projects/:projectId/thresholds", use: resetThresholds)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> APIModels.ListDTO<ProjectDTO> {
        .init(items: try await visibleProjects(context).map(Self.dto))
    }

    /// Body: `{"allowedOrigins": ["https://app.example.com", "https://*.example.com"]}`; `[]` allows any origin.
    @Sendable func setAllowedOrigins(_ request: Request, context: AppRequestContext) async throws -> ProjectDTO {
        let id = try await visibleProject(context).id
        let value = try await request.jsonBody()
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

    /// Body: some or all of `{"jitterGoodMs": 30, "jitterModerateMs": 50, "rttGoodMs": 300,
    /// "rttModerateMs": 500, "lossGoodPercent": 5, "lossModeratePercent": 10, "fpsGood": 15,
    /// "fpsPoor": 8}`; the limits not named keep their current values.
    @Sendable func setThresholds(_ request: Request, context: AppRequestContext) async throws -> ProjectDTO {
        let project = try await visibleProject(context)
        guard let object = try await request.jsonBody().object else {
            throw APIError.badRequest("the body is an object of limits, e.g. {\"rttGoodMs\": 250}", field: "body")
        }
        var values: [String: Double] = [:]
        for (name, item) in object {
            guard let number = item.double else { throw APIError.badRequest("\(name) must be a number", field: name) }
            values[name] = number
        }
        return try await save(try Self.validated(values, over: project.thresholds), of: project)
    }

    /// Puts the project back on the default limits.
    @Sendable func resetThresholds(_ request: Request, context: AppRequestContext) async throws -> ProjectDTO {
        try await save(.default, of: try await visibleProject(context))
    }

    /// `values` over `current`, or an error naming the limit at fault: 400 for a value that is
    /// wrong on its own, 409 (`limits_out_of_order`) for values that are each fine but together
    /// (or with the limits in force) would put the colours out of order.
    static func validated(_ values: [String: Double], over current: HealthThresholds) throws -> HealthThresholds {
        do { return try current.replacing(values) } catch {
            if error.outOfOrder {
                throw APIError(.conflict, code: "limits_out_of_order", message: error.message, field: error.field)
            }
            throw APIError.badRequest(error.message, field: error.field)
        }
    }

    func save(_ thresholds: HealthThresholds, of project: Project) async throws -> ProjectDTO {
        guard try await limits.set(thresholds, projectId: project.id) else {
            throw APIError.notFound("project \(project.id)", field: "projectId")
        }
        var project = project
        project.thresholds = thresholds
        return Self.dto(project)
    }

    /// The route's `:projectId`, when the caller may see it; 404 otherwise.
    private func visibleProject(_ context: AppRequestContext) async throws -> Project {
        let id = try context.parameters.require("projectId")
        guard let project = try await visibleProjects(context).first(where: { $0.id == id }) else {
            throw APIError.notFound("project \(id)", field: "projectId")
        }
        return project
    }

    private func visibleProjects(_ context: AppRequestContext) async throws -> [Project] {
        let all = try await store.projects()
        guard let scope = context.apiToken?.projectId else { return all }
        return all.filter { $0.id == scope }
    }

    static func dto(_ p: Project) -> ProjectDTO {
        ProjectDTO(projectId: p.id, name: p.name, ingestKey: p.ingestKey, createdMs: p.createdMs, allowedOrigins: p.allowedOrigins,
                   thresholds: p.thresholds, thresholdsAreDefault: p.thresholds == .default)
    }
}
