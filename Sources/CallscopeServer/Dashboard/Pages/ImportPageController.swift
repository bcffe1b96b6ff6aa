import CallscopeCore
import CallscopeStore
import Hummingbird

/// `/import`: dump files uploaded from the browser, each through `POST /api/v1/imports` (the
/// page's script sends every file as its own request, with a progress bar per file, and links
/// each session made); the same options as `callscope import`.
struct ImportPageController: Sendable {
    let store: any CredentialStore
    let templates: DashboardTemplates
    let maxImportBytes: Int

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/import", use: page)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let projects = try await store.projects().filter { $0.id != Bootstrap.demoProjectId }
        let model = ImportPageModel(
            user: context.user?.username,
            projects: projects.enumerated().map { ImportPageModel.ProjectOption(id: $1.id, name: $1.name, selected: $0 == 0) },
            chooseProject: projects.count > 1, projectId: projects.first?.id ?? "",
            maxMegabytes: maxImportBytes >> 20)
        return try templates.page("import", model)
    }
}

/// What the Import page shows.
struct ImportPageModel: Sendable {
    struct ProjectOption: Sendable {
        var id: String
        var name: String
        var selected: Bool
    }

    var user: String?
    var projects: [ProjectOption]
    /// A select when there are several; else the one project goes in a hidden field.
    var chooseProject: Bool
    var projectId: String
    var maxMegabytes: Int
}
