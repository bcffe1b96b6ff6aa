import Hummingbird

/// Page forms that change something (Kick out, notes, share links) are accepted only from this
/// server's own pages: the same-origin check of cookie-authenticated API requests, for forms.
struct PageFormOriginMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let sameOrigin: SameOriginCheck

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !SameOriginCheck.changesState(request.method) || sameOrigin.allows(request) else {
            throw APIError(.forbidden, code: "cross_origin", message: "this form must be sent from a Callscope page")
        }
        return try await next(request, context)
    }
}
