import CallscopeCore
import CallscopeStore
import Hummingbird
import HummingbirdWebSocket
import Logging

/// Builds the Callscope server on `store`: ingest, API, OpenAPI document, and the background
/// service that times out silent participants and saves peer-connection state at shutdown.
///
/// ```swift
/// let store = try SQLiteStore(path: "callscope.sqlite")
/// let app = try await buildApplication(configuration: ServerConfiguration(), store: store)
/// try await app.runService()
/// ```
public func buildApplication(configuration: ServerConfiguration, store: any AnalyticsStore,
                             logger: Logger = Logger(label: "callscope")) async throws -> some ApplicationProtocol {
    var options = IngestPipeline.Options()
    options.sessionTimeoutMs = configuration.sessionTimeoutMs
    options.healthSliceMs = configuration.healthSliceMs
    options.limits = configuration.ingestLimits
    let pipeline = IngestPipeline(store: store, options: options, logger: logger)
    try await pipeline.restore(serverNowMs: configuration.clock.nowMs())

    let authenticator = Authenticator(store: store)
    let connections = CollectorConnections()
    let locator = try ClientLocator(configuration: configuration)
    if let database = locator.database {
        logger.info("GeoIP locations", metadata: ["database": "\(database.path)", "type": "\(database.databaseType)",
                                                  "trustedProxies": "\(configuration.trustedProxies)"])
    }
    let ingest = IngestController(
        handler: IngestRequestHandler(pipeline: pipeline, configuration: configuration),
        authenticator: authenticator, configuration: configuration, locator: locator, connections: connections)

    let live = LiveHub()
    pipeline.addCommitObserver { live.notice($0) }
    let demoProject = configuration.demoEnabled
        ? try await Bootstrap.demoProject(store: store, nowMs: configuration.clock.nowMs()) : nil
    let router = buildRouter(store: store, pipeline: pipeline, authenticator: authenticator, ingest: ingest, live: live,
                             connections: connections, configuration: configuration, demoProject: demoProject,
                             templates: try DashboardTemplates.bundled(),
                             auth: try await DashboardAuth(store: store, configuration: configuration))
    let webSocketRouter = Router(context: AppRequestContext.self)
    ingest.addWebSocketRoutes(to: webSocketRouter)
    RtcstatsController(handler: IngestRequestHandler(pipeline: pipeline, configuration: configuration),
                       authenticator: authenticator, configuration: configuration, locator: locator)
        .addWebSocketRoutes(to: webSocketRouter)
    if configuration.demoEnabled {
        let limits = configuration.connectionLimits
        DemoController(relay: DemoSignalRelay(maxRooms: limits.maxDemoRooms, maxSockets: limits.maxDemoSockets),
                       maxQueuedFrames: limits.maxDemoQueuedFrames).addWebSocketRoutes(to: webSocketRouter)
    }

    return Application(
        router: router,
        server: httpServer(webSocketRouter: webSocketRouter, configuration: configuration),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "callscope"),
        services: [IngestService(pipeline: pipeline, intervalMs: configuration.expiryIntervalMs, clock: configuration.clock,
                                 logger: logger)],
        logger: logger)
}

/// The HTTP routes. Controllers take their dependencies as parameters, so tests can build a
/// router on any store.
func buildRouter(store: any AnalyticsStore, pipeline: IngestPipeline, authenticator: Authenticator,
                 ingest: IngestController, live: LiveHub, connections: CollectorConnections,
                 configuration: ServerConfiguration, demoProject: Project? = nil, templates: DashboardTemplates,
                 auth: DashboardAuth) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: UnmatchedRouteMiddleware(documented: DocumentedRoutes(openAPIJSON: OpenAPIDocument.json)))
    router.get("/health") { _, _ in "ok" }
    ingest.addRoutes(to: router)
    router.get("/api/openapi.json") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
    }
    let api = router.group("/api/v1").add(middleware: auth.webSessionMiddleware)
        .add(middleware: APITokenMiddleware(authenticator: authenticator, sameOrigin: auth.sameOrigin))
    auth.addLoginRoutes(to: router, store: store, templates: templates)
    // One read model for the API and the pages; one set of actions behind both.
    let limits = ProjectLimits(store: store, clock: configuration.clock)
    let queries = SessionQueries(store: store, limits: limits, sliceMs: configuration.healthSliceMs, clock: configuration.clock)
    let actions = SessionActions(pipeline: pipeline, connections: connections, clock: configuration.clock)
    SessionsController(queries: queries, actions: actions).addRoutes(to: api)
    ProjectsController(store: store, limits: limits).addRoutes(to: api)
    ImportsController(store: store, importer: DumpImporter(store: store, options: pipeline.options),
                      maxBytes: configuration.maxImportBytes, clock: configuration.clock).addRoutes(to: api)
    let notes = SessionNotesController(queries: queries, store: store)
    notes.addAPIRoutes(to: api)
    WebAssetController(assets: .bundled, demoProject: configuration.demoEnabled ? demoProject : nil).addRoutes(to: router)
    // Dashboard pages need a signed-in user; a share link's read-only copies of the session
    // pages need only the link (SessionScope tells the two apart).
    let pages = auth.signedInPages(on: router)
    let shared = router.group()
    SessionsPageController(queries: queries, templates: templates).addRoutes(to: pages)
    let flashes = FlashNotices()
    let overview = SessionOverviewPageController(queries: queries, actions: actions, templates: templates, flashes: flashes)
    let errors = SessionErrorsPageController(queries: queries, templates: templates)
    let stats = SessionStatsPageController(queries: queries, templates: templates)
    let sidebar = ParticipantPageController(queries: queries, templates: templates)
    overview.addRoutes(to: pages)
    errors.addRoutes(to: pages)
    stats.addRoutes(to: pages)
    sidebar.addRoutes(to: pages)
    overview.addSharedRoutes(to: shared)
    errors.addSharedRoutes(to: shared)
    stats.addSharedRoutes(to: shared)
    sidebar.addSharedRoutes(to: shared)
    notes.addPageRoutes(to: pages)
    SettingsPageController(store: store, limits: limits, templates: templates).addRoutes(to: pages)
    ImportPageController(store: store, templates: templates, maxImportBytes: configuration.maxImportBytes).addRoutes(to: pages)
    ShareLinksController(queries: queries, store: store, flashes: flashes).addRoutes(to: pages)
    SessionExportController(queries: queries).addRoutes(pages: pages, api: api)
    LiveUpdatesController(queries: queries, hub: live, quota: LiveStreamQuota(limits: configuration.connectionLimits))
        .addRoutes(pages: pages, shared: shared)
    return router
}
