import CallscopeCore
import CallscopeStore
import Hummingbird

/// API v1 under `/api/v1`: sessions, participants, streams, samples, errors, events, health, and
/// the actions (kick, service events). Every route needs an API token (``APITokenMiddleware``).
/// What it answers comes from the read model (``SessionQueries``) and the actions
/// (``SessionActions``); this controller reads the request and writes the JSON.
struct SessionsController: Sendable {
    let queries: SessionQueries
    let actions: SessionActions

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("sessions", use: list)
        group.get("sessions/:sessionId", use: overview)
        group.get("sessions/:sessionId/participants", use: participants)
        group.get("sessions/:sessionId/participants/:participantId", use: participant)
        group.post("sessions/:sessionId/participants/:participantId/kick", use: kick)
        group.post("sessions/:sessionId/services", use: service)
        group.get("sessions/:sessionId/streams", use: streams)
        group.get("sessions/:sessionId/streams/:streamId/samples", use: samples)
        group.get("sessions/:sessionId/errors", use: errors)
        group.get("sessions/:sessionId/events", use: events)
        group.get("sessions/:sessionId/health", use: health)
        group.get("sessions/:sessionId/quality", use: quality)
    }

    // MARK: Sessions

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> APIModels.SessionListDTO {
        let q = QueryReader(request)
        var query = SessionQuery(projectId: context.apiToken?.projectId)
        query.meetingId = q.string("meetingId")
        query.status = try q.enumValue("status", Session.Status.self)
        (query.fromMs, query.toMs) = try q.timeRange()
        query.participant = q.string("participant")
        query.hasErrors = try q.bool("hasErrors")
        query.limit = try q.int("limit").map { Int($0) } ?? 50
        query.offset = try q.int("offset").map { Int($0) } ?? 0
        guard (1...500).contains(query.limit) else { throw APIError.badRequest("limit must be 1 to 500", field: "limit") }
        guard query.offset >= 0 else { throw APIError.badRequest("offset must not be negative", field: "offset") }
        let page = try await queries.sessions(query)
        let now = queries.clock.nowMs()
        return APIModels.SessionListDTO(sessions: page.sessions.map { .init($0, nowMs: now) },
                                        total: page.total, limit: query.limit, offset: query.offset)
    }

    @Sendable func overview(_ request: Request, context: AppRequestContext) async throws -> APIModels.SessionDTO {
        let session = try await queries.session(request, context)
        let overview = try await queries.overview(of: session)
        return APIModels.SessionDTO(overview, diagnosis: try await queries.diagnosis(of: session, names: overview.names))
    }

    // MARK: Participants

    @Sendable func participants(_ request: Request, context: AppRequestContext) async throws -> APIModels.ListDTO<APIModels.ParticipantRowDTO> {
        let session = try await queries.session(request, context)
        return .init(items: try await queries.participantRows(of: session).map(APIModels.ParticipantRowDTO.init))
    }

    @Sendable func participant(_ request: Request, context: AppRequestContext) async throws -> APIModels.ParticipantDTO {
        let session = try await queries.session(request, context)
        let detail = try await queries.participant(try context.parameters.require("participantId"), of: session)
        return APIModels.ParticipantDTO(detail, limits: try await queries.limits(of: session))
    }

    @Sendable func health(_ request: Request, context: AppRequestContext) async throws -> APIModels.ListDTO<APIModels.KindHealthDTO> {
        let session = try await queries.session(request, context)
        let health = try await queries.health(of: session, participantId: QueryReader(request).string("participantId"))
        let limits = try await queries.limits(of: session)
        return .init(items: health.map { APIModels.KindHealthDTO($0, limits: limits) })
    }

    /// Audio MOS and video scores over time, per stream and per participant.
    @Sendable func quality(_ request: Request, context: AppRequestContext) async throws -> APIModels.QualityDTO {
        let session = try await queries.session(request, context)
        let streams = try await queries.streams(of: session)
        let names = Dictionary(try await queries.store.participants(sessionId: session.id).map { ($0.participantId, $0.name ?? $0.participantId) },
                               uniquingKeysWith: { a, _ in a })
        guard let scores = try await queries.qualityScores(of: session) else { throw APIError.notFound("quality scores") }
        return APIModels.QualityDTO(scores,
                                    streamIds: Dictionary(streams.map { ($0.key, $0.id) }, uniquingKeysWith: { a, _ in a }), names: names)
    }

    // MARK: Streams, errors, events

    @Sendable func streams(_ request: Request, context: AppRequestContext) async throws -> APIModels.ListDTO<APIModels.StreamDTO> {
        let session = try await queries.session(request, context)
        return .init(items: try await queries.streams(of: session).map(APIModels.StreamDTO.init))
    }

    /// A stream's samples, oldest first: `side` (sender|receiver), `from`/`to` in ms since the epoch.
    @Sendable func samples(_ request: Request, context: AppRequestContext) async throws -> APIModels.SamplesDTO {
        let session = try await queries.session(request, context)
        guard let streamId = context.parameters.get("streamId", as: Int64.self) else {
            throw APIError.badRequest("streamId must be an integer", field: "streamId")
        }
        let stream = try await queries.stream(streamId, of: session)
        let q = QueryReader(request)
        let side = try q.enumValue("side", StreamSide.self)
        let (fromMs, toMs) = try q.timeRange()
        let samples = try await queries.samples(of: stream, side: side, fromMs: fromMs, toMs: toMs)
        return APIModels.SamplesDTO(stream: APIModels.StreamDTO(stream), samples: samples)
    }

    @Sendable func errors(_ request: Request, context: AppRequestContext) async throws -> APIModels.ListDTO<APIModels.ErrorDTO> {
        .init(items: try await queries.errors(of: try await queries.session(request, context)).map(APIModels.ErrorDTO.init))
    }

    @Sendable func events(_ request: Request, context: AppRequestContext) async throws -> APIModels.ListDTO<APIModels.EventDTO> {
        let session = try await queries.session(request, context)
        let timeline = try await queries.timeline(of: session, participantId: QueryReader(request).string("participantId"))
        let limits = try await queries.limits(of: session)
        return .init(items: timeline.entries.map { APIModels.EventDTO($0, limits: limits) })
    }
}

extension SessionQueries {
    /// The `:sessionId` of a route, when the caller's API token (or dashboard user: every
    /// project) may see it; 404 otherwise.
    func session(_ request: Request, _ context: AppRequestContext) async throws -> Session {
        try await session(id: try context.parameters.require("sessionId"), visibleTo: context.apiToken?.projectId)
    }
}
