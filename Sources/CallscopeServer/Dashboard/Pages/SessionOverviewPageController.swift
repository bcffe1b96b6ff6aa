import CallscopeCore
import CallscopeStore
import Foundation
import Hummingbird

/// `/sessions/{id}`: the Overview tab. `POST /sessions/{id}/participants/{pid}/kick` is the
/// Kick out button (a form, so it works without script; the script adds the confirmation).
struct SessionOverviewPageController: Sendable {
    let queries: SessionQueries
    let actions: SessionActions
    let templates: DashboardTemplates
    /// Notices of the Overview's own forms that must not be in the URL (a new share link).
    let flashes: FlashNotices

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/sessions/:sessionId", use: overview)
        router.post("/sessions/:sessionId/participants/:participantId/kick", use: kick)
    }

    func addSharedRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/share/:token", use: overview)
    }

    @Sendable func overview(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await SessionScope.resolve(request, context, queries: queries)
        let session = scope.session
        // One digest read serves the participant table and the timeline's quality drops.
        let digest = try await queries.healthDigest(of: session)
        let overview = try await queries.overview(of: session, digest: digest)
        let timeline = try await queries.timeline(of: session, digest: digest)
        // A long call's first diagnosis takes seconds: the page does not wait for it.
        let diagnosed = try await queries.diagnosisForPage(of: session, names: overview.names)
        let diagnosis = diagnosed ?? SessionOverviewModel.DiagnosisSection.pendingDiagnosis
        let notes = try await queries.notes(of: session)
        let links = scope.readOnly ? [] : try await queries.shareLinks(of: session)
        let now = queries.clock.nowMs()
        let notice = request.uri.queryParameters.get("flash").flatMap { flashes.take($0, for: context.user?.id ?? "", nowMs: now) }
            ?? request.uri.queryParameters.get("notice")
        let model = SessionOverviewModel(
            overview, diagnosis: diagnosis, diagnosisPending: diagnosed == nil, scope: scope, user: context.user?.username,
            timeline: .init(timeline, view: TimelineView(request.uri.queryParameters), scope: scope, overview: overview,
                            limits: try await queries.limits(of: session), problems: diagnosis.problems),
            notice: notice, notes: notes, shareLinks: links, nowMs: now)
        return try templates.page("session-overview", model)
    }

    /// The Kick out button: the kick, then back to the Overview with the result.
    @Sendable func kick(_ request: Request, context: AppRequestContext) async throws -> Response {
        let session = try await queries.session(request, context)
        let pid = try context.parameters.require("participantId")
        let notice: String
        do {
            let result = try await actions.kick(session: session, participantId: pid, reason: nil, actor: context.dashboardUserName)
            notice = result.delivered ? "\(pid) was removed: their app was told and has left."
                : "\(pid) was removed; their app is not connected right now and gets the kick when it reconnects."
        } catch let error as APIError {
            notice = "Could not remove \(pid): \(error.message)"
        }
        return Self.redirect(to: session, notice: notice)
    }

    /// Back to the Overview with a notice kept server-side (``FlashNotices``), for notices that
    /// hold a secret, and the page scrolled to `anchor`.
    static func redirect(to session: Session, flash: String, anchor: String? = nil) -> Response {
        Response(status: .seeOther, headers: [
            .location: "/sessions/\(session.id)?flash=\(flash)" + (anchor.map { "#\($0)" } ?? ""),
        ])
    }

    /// Back to the Overview after one of its forms, with the result shown at the top and the
    /// page scrolled to `anchor`.
    static func redirect(to session: Session, notice: String, anchor: String? = nil) -> Response {
        let encoded = notice.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return Response(status: .seeOther, headers: [
            .location: "/sessions/\(session.id)?notice=\(encoded)" + (anchor.map { "#\($0)" } ?? ""),
        ])
    }

    /// A URL path segment: everything but unreserved characters percent-encoded.
    static func path(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~"))) ?? segment
    }
}
