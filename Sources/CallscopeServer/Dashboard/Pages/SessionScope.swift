import CallscopeCore
import CallscopeStore
import Hummingbird

/// Whose eyes a session page is for: a signed-in user (`/sessions/{id}/…`, every action) or the
/// holder of a share link (`/share/{token}/…`, read-only, no login). Pages build every link from
/// `base`, so a shared page never links out of its share.
struct SessionScope: Sendable {
    let session: Session
    /// `/sessions/{id}` or `/share/{token}`.
    let base: String
    let readOnly: Bool

    /// A page route's session: by `:sessionId` for signed-in users, by `:token` for share links.
    /// An unknown, revoked or expired token is a plain 404, whatever the reason.
    static func resolve(_ request: Request, _ context: AppRequestContext, api: SessionsController) async throws -> SessionScope {
        if let token = context.parameters.get("token") {
            guard let link = try await api.store.shareLink(tokenHash: Credentials.hash(token)),
                  link.isUsable(atMs: Clock.nowMs()),
                  let session = try await api.store.session(id: link.sessionId)
            else { throw APIError.notFound("shared session") }
            return SessionScope(session: session, base: "/share/\(token)", readOnly: true)
        }
        let session = try await api.session(request, context)
        return SessionScope(session: session, base: "/sessions/\(session.id)", readOnly: false)
    }
}
