import CallscopeCore
import CallscopeStore
import Hummingbird
import HTTPTypes

/// `/sdk/…` (the collector, loadable from any origin), `/app/…` (the dashboard's CSS and JS) and
/// `/demo` (the demo call and its config).
struct WebAssetController: Sendable {
    let assets: WebAssets
    /// The project the demo call writes into (``Bootstrap/demoProject(store:nowMs:)``); `nil`: no demo.
    let demoProject: Project?

    /// The demo page may talk to its own server only, and runs no inline code.
    static let demoPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "media-src 'self' blob: mediastream:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/sdk/:file") { request, context in
            let file = try context.parameters.require("file")
            var response = try serve("sdk/\(file)", request)
            // An app's page on another origin imports the ES module in CORS mode.
            response.headers[.accessControlAllowOrigin] = "*"
            response.headers[HTTPField.Name("Cross-Origin-Resource-Policy")!] = "cross-origin"
            return response
        }
        router.get("/app/:file") { request, context in
            try serve("app/\(try context.parameters.require("file"))", request)
        }
        guard let demoProject else { return }
        router.get("/demo") { request, _ in try demoPage("demo/index.html", request) }
        router.get("/demo/config") { _, _ in config(demoProject) }
        router.get("/demo/:file") { request, context in
            try demoPage("demo/\(try context.parameters.require("file"))", request)
        }
    }

    private func demoPage(_ path: String, _ request: Request) throws -> Response {
        var response = try serve(path, request)
        response.headers[.contentSecurityPolicy] = Self.demoPolicy
        return response
    }

    /// What the demo page needs to start the collector: the demo project's ingest key, which
    /// writes only into the demo project and is meant to sit in browser code.
    private func config(_ project: Project) -> Response {
        let body = JSONValue.object(["ingestKey": .string(project.ingestKey), "projectId": .string(project.id)])
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: body.serialized())))
    }

    private func serve(_ path: String, _ request: Request) throws -> Response {
        guard let asset = assets[path] else { throw APIError.notFound(path) }
        var headers: HTTPFields = [
            .contentType: asset.contentType, .cacheControl: "no-cache", .eTag: asset.etag,
            .xContentTypeOptions: "nosniff",
        ]
        if request.headers[.ifNoneMatch] == asset.etag {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}
