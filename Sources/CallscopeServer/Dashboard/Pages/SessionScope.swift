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
    static func resolve(_ request: Request, _ context: AppRequestContext, queries: SessionQueries) async throws -> SessionScope {
        if let token = context.parameters.get("token") {
            guard let session = try await queries.sharedSession(token: token) else { throw APIError.notFound("shared session") }
            return SessionScope(session: session, base: "/share/\(token)", readOnly: true)
        }
        let session = try await queries.session(request, context)
        return SessionScope(session: session, base: "/sessions/\(session.id)", readOnly: false)
    }
}

/// What every session page's frame shows: title, the signed-in user, tabs, the links' base, the
/// live marker. A page model holds one as `frame`; its template opens `{{#frame}}` around the
/// whole page, so these names resolve next to the page's own.
struct SessionPageFrame: Sendable {
    var title: String
    var user: String?
    var tabs: [Tab]
    var base: String
    var readOnly: Bool
    var sessionId: String
    var meetingId: String
    var ongoing: Bool
    /// The page itself, fetched again when it changes (`livePath` below `base`).
    var liveURL: String
}

extension SessionScope {
    func frame(title: String, user: String?, tab: String, livePath: String = "") -> SessionPageFrame {
        SessionPageFrame(title: title, user: user, tabs: Tab.of(base: base, current: tab), base: base, readOnly: readOnly,
                         sessionId: session.id, meetingId: session.meetingId, ongoing: session.status == .ongoing,
                         liveURL: base + livePath)
    }
}
