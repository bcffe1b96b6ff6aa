import CallscopeCore
import Hummingbird

/// Gives every answer without a body of its own the API's error body, and answers a method a
/// documented path does not take with 405 and `Allow`.
///
/// Why: Hummingbird answers an unknown path, or a known path with another method, with a bare
/// 404, and its own `HTTPError`s (a malformed parameter, a body over its limit) carry plain text
/// or nothing. Clients, fuzzers and the OpenAPI checks expect `{"error":{…}}` everywhere, and a
/// 405 that names the methods for paths the API document describes. Added first to the router, so
/// it wraps the not-found responder too.
struct UnmatchedRouteMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let documented: DocumentedRoutes

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            if error.status == .notFound, let allowed = documented.methods(path: request.uri.path),
               !allowed.contains(request.method), !(request.method == .head && allowed.contains(.get)) {
                var response = try APIError(.methodNotAllowed, code: "method_not_allowed",
                                            message: "\(request.method) is not allowed here; allowed: \(Self.allow(allowed))")
                    .response(from: request, context: context)
                response.headers[.allow] = Self.allow(allowed)
                return response
            }
            let code = error.status == .notFound ? "not_found" : error.status.reasonPhrase.lowercased()
                .replacingOccurrences(of: " ", with: "_")
            var response = try APIError(error.status, code: code,
                                        message: error.body ?? (error.status == .notFound ? "nothing at \(request.uri.path)" : error.status.reasonPhrase))
                .response(from: request, context: context)
            for field in error.headers where response.headers[field.name] == nil { response.headers.append(field) }
            return response
        }
    }

    static func allow(_ methods: Set<HTTPRequest.Method>) -> String {
        var names = methods.map(\.rawValue)
        if methods.contains(.get) && !methods.contains(.head) { names.append("HEAD") }
        return names.sorted().joined(separator: ", ")
    }
}

/// The paths of the API document (`/api/openapi.json`) and the methods each takes, to tell a
/// wrong method (405) from a wrong path (404).
struct DocumentedRoutes: Sendable {
    private let routes: [(segments: [Substring], methods: Set<HTTPRequest.Method>)]

    init(openAPIJSON: String) {
        let paths = (try? JSONValue.parse(openAPIJSON))?["paths"]?.object ?? [:]
        routes = paths.map { path, item in
            let known: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
            let methods = (item.object ?? [:]).keys.filter(known.contains).compactMap { HTTPRequest.Method($0.uppercased()) }
            return (path.split(separator: "/"), Set(methods))
        }
    }

    /// The methods of the documented path that `path` matches (`{…}` segments match any one segment).
    func methods(path: String) -> Set<HTTPRequest.Method>? {
        let segments = path.split(separator: "/")
        let matching = routes.filter { route in
            route.segments.count == segments.count
                && zip(route.segments, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
        guard !matching.isEmpty else { return nil }
        return matching.reduce(into: Set()) { $0.formUnion($1.methods) }
    }
}
