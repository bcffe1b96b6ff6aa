import CallscopeCore
import CallscopeStore
import Foundation
import Hummingbird

/// Read-only share links of one session: an unguessable token (128 random bits; only its hash is
/// stored), an expiry, revocable. Created and revoked from the Overview by a signed-in user; the
/// link opens the session's pages without a login and without any action.
struct ShareLinksController: Sendable {
    let queries: SessionQueries
    /// Where links are created and revoked.
    let store: any DashboardDataStore
    /// The new link is shown once through a flash notice: a token never goes into a URL's query.
    let flashes: FlashNotices
    static let lifetimes: [(days: Int, label: String)] = [(1, "1 day"), (7, "7 days"), (30, "30 days")]

    func addRoutes(to pages: some RouterMethods<AppRequestContext>) {
        pages.post("/sessions/:sessionId/share", use: create)
        pages.post("/sessions/:sessionId/share/:hash/revoke", use: revoke)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let session = try await queries.session(request, context)
        var request = request
        let form = FormFields.parse(try await request.collectBody(upTo: 16 * 1024))
        let days = form["days"].flatMap(Int.init).flatMap { d in Self.lifetimes.contains { $0.days == d } ? d : nil } ?? 7
        let token = Credentials.generate(prefix: "")
        let now = queries.clock.nowMs()
        try await store.createShareLink(ShareLink(
            tokenHash: Credentials.hash(token), sessionId: session.id, createdBy: context.user?.username ?? "unknown",
            createdMs: now, expiresMs: now + Int64(days) * 86_400_000))
        let flash = flashes.put("Read-only link (shown once, valid \(days) days): /share/\(token)",
                                for: context.user?.id ?? "", nowMs: now)
        return SessionOverviewPageController.redirect(to: session, flash: flash, anchor: "share")
    }

    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        let session = try await queries.session(request, context)
        let hash = try context.parameters.require("hash")
        let links = try await queries.shareLinks(of: session)
        guard links.contains(where: { $0.tokenHash == hash }) else { throw APIError.notFound("share link") }
        _ = try await store.revokeShareLink(tokenHash: hash, revokedMs: queries.clock.nowMs())
        return SessionOverviewPageController.redirect(to: session, notice: "The link was revoked.", anchor: "share")
    }


}
