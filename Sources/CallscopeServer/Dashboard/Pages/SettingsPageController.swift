import CallscopeCore
import CallscopeStore
import Foundation
import Hummingbird

/// `/settings`: every project with its ingest key, allowed origins and the health limits in force,
/// which a signed-in user edits here (or through `PUT /api/v1/projects/{id}/thresholds`). A
/// change re-colours every page and re-judges every diagnosis of the project on its next read:
/// colours and problems are computed from the stored samples on read, never at ingest.
struct SettingsPageController: Sendable {
    let store: any CredentialStore
    let limits: ProjectLimits
    let templates: DashboardTemplates

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/settings", use: page)
        router.post("/settings/projects/:projectId/thresholds", use: save)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let projects = try await store.projects()
        let notice = request.uri.queryParameters.get("notice")
        let model = SettingsModel(user: context.user?.username, notice: notice,
                                  projects: projects.map(SettingsModel.ProjectModel.init))
        return try templates.page("settings", model)
    }

    /// The form sends every limit; `reset` puts the project back on the defaults. A value that is
    /// not a number or out of range leaves the limits as they were and says which one and why.
    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("projectId")
        guard let project = try await store.projects().first(where: { $0.id == id }) else {
            throw APIError.notFound("project \(id)", field: "projectId")
        }
        var request = request
        let form = FormFields.parse(try await request.collectBody(upTo: 16 * 1024))
        let notice: String
        do {
            let thresholds = form["reset"] != nil ? HealthThresholds.default : try Self.thresholds(form, over: project.thresholds)
            _ = try await limits.set(thresholds, projectId: id)
            notice = form["reset"] != nil
                ? "\(project.name): back on the default limits."
                : "\(project.name): limits saved. Every page and diagnosis of its sessions now uses them."
        } catch let error as APIError {
            notice = "\(project.name): nothing saved. \(error.message)."
        }
        let encoded = notice.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return Response(status: .seeOther, headers: [.location: "/settings?notice=\(encoded)#project-\(SessionOverviewPageController.path(id))"])
    }

    static func thresholds(_ form: [String: String], over current: HealthThresholds) throws -> HealthThresholds {
        var values: [String: Double] = [:]
        for field in HealthThresholds.fields {
            guard let text = form[field.name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { continue }
            guard let value = Double(text) else {
                throw APIError.badRequest("\(field.label.lowercased()) must be a number (\(field.unit))", field: field.name)
            }
            values[field.name] = value
        }
        return try ProjectsController.validated(values, over: current)
    }
}

/// What the settings page shows.
struct SettingsModel: Sendable {
    var user: String?
    var notice: String?
    var projects: [ProjectModel]

    struct ProjectModel: Sendable {
        var id: String
        var anchor: String
        var name: String
        var ingestKey: String
        var origins: String
        var formAction: String
        var isDefault: Bool
        var fields: [FieldModel]

        init(_ project: Project) {
            id = project.id
            anchor = "project-" + SessionOverviewPageController.path(project.id)
            name = project.name
            ingestKey = project.ingestKey
            origins = project.allowedOrigins.isEmpty ? "any origin" : project.allowedOrigins.joined(separator: ", ")
            formAction = "/settings/projects/\(SessionOverviewPageController.path(project.id))/thresholds"
            isDefault = project.thresholds == .default
            fields = HealthThresholds.fields.map { FieldModel($0, in: project.thresholds) }
        }
    }

    struct FieldModel: Sendable {
        var name: String
        var label: String
        var unit: String
        var value: String
        var defaultValue: String
        var changed: Bool
        var min: String
        var max: String

        init(_ field: HealthThresholds.Field, in thresholds: HealthThresholds) {
            name = field.name
            label = field.label
            unit = field.unit
            let current = thresholds[keyPath: field.keyPath], standard = HealthThresholds.default[keyPath: field.keyPath]
            value = Self.text(current)
            defaultValue = Self.text(standard)
            changed = current != standard
            min = Self.text(field.range.lowerBound)
            max = Self.text(field.range.upperBound)
        }

        static func text(_ value: Double) -> String {
            value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        }
    }
}
