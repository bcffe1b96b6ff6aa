import CallscopeCore
import CallscopeStore
import Hummingbird

/// API v1 under `/api/v1`: sessions, participants, streams, samples, errors, events, health, and
/// the actions (kick, service events). Every route needs an API token (``APITokenMiddleware``).
struct SessionsController: Sendable {
    let store: any AnalyticsStore
    let pipeline: IngestPipeline
    let limits: HealthThresholds
    /// Length of a health slice, as ingest cuts them (`ServerConfiguration.healthSliceMs`).
    let sliceMs: Int64
    let connections: CollectorConnections
    /// The server's clock (ingest's): kicks and services are stamped with it.
    var clock = WallClock.system

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
        let page = try await store.sessions(query)
        let now = clock.nowMs()
        return APIModels.SessionListDTO(
            sessions: page.sessions.map { summary in
                let s = summary.session
                return APIModels.SessionSummaryDTO(
                    sessionId: s.id, meetingId: s.meetingId, status: s.status.rawValue, startMs: s.startMs,
                    startTime: APIModels.iso(s.startMs), endMs: s.endMs, endTime: APIModels.iso(s.endMs),
                    durationMs: (s.endMs ?? now).subtracting(saturating: s.startMs), uniqueParticipants: summary.uniqueParticipants,
                    errorCount: s.errorCount)
            },
            total: page.total, limit: query.limit, offset: query.offset)
    }

    @Sendable func overview(_ request: Request, context: AppRequestContext) async throws -> APIModels.SessionDTO {
        try await overview(of: try await session(request, context))
    }

    /// Every Overview field and the participant table: what the API returns and the page shows.
    /// A caller that also shows the timeline passes the digest it read for it.
    func overview(of session: Session, digest known: HealthDigest? = nil) async throws -> APIModels.SessionDTO {
        let people = try await store.participants(sessionId: session.id)
        let services = try await store.services(sessionId: session.id)
        let digest = if let known { known } else { try await healthDigest(of: session) }
        let health = digest.summaries
        let now = session.endMs ?? clock.nowMs()
        let participantMs = people.reduce(Int64(0)) { $0 + $1.durationMs(nowMs: now) }
        return APIModels.SessionDTO(
            sessionId: session.id, meetingId: session.meetingId, status: session.status.rawValue,
            initiatingTimeMs: session.initiatingMs, startMs: session.startMs, startTime: APIModels.iso(session.startMs),
            endMs: session.endMs, endTime: APIModels.iso(session.endMs), durationMs: now.subtracting(saturating: session.startMs),
            uniqueParticipants: people.count, participantMinutes: Double(participantMs) / 60_000,
            errorCount: session.errorCount,
            services: services.map(Self.dto),
            participants: people.sorted { ($0.attempts.first?.joinedMs ?? 0) < ($1.attempts.first?.joinedMs ?? 0) }.map {
                row($0, health: health[$0.participantId] ?? [], nowMs: now)
            })
    }

    // MARK: Participants

    @Sendable func participants(_ request: Request, context: AppRequestContext) async throws -> APIModels.ListDTO<APIModels.ParticipantRowDTO> {
        let session = try await session(request, context)
        let health = try await healthDigest(of: session).summaries
        let now = session.endMs ?? clock.nowMs()
        return .init(items: try await store.participants(sessionId: session.id).map {
            row($0, health: health[$0.participantId] ?? [], nowMs: now)
        })
    }

    @Sendable func participant(_ request: Request, context: AppRequestContext) async throws -> APIModels.ParticipantDTO {
        let session = try await session(request, context)
        return try await participant(try context.parameters.require("participantId"), of: session).dto
    }

    /// The participant sidebar: attempts, client, location, health per kind (with the raw slices,
    /// which the dashboard draws as health bars).
    func participant(_ pid: String, of session: Session) async throws -> (dto: APIModels.ParticipantDTO, slices: [HealthSlice]) {
        guard let p = try await store.participants(sessionId: session.id).first(where: { $0.participantId == pid }) else {
            throw APIError.notFound("participant \(pid)", field: "participantId")
        }
        let slices = try await store.healthSlices(sessionId: session.id, participantId: pid)
        let now = session.endMs ?? clock.nowMs()
        let byKind = Dictionary(grouping: slices, by: \.kind)
        let summaries = HealthSummary.summaries(of: slices, limits: limits)
        let sidebar = APIModels.ParticipantDTO(
            sessionId: session.id, participantId: pid, name: p.name,
            attempts: p.attempts.map {
                APIModels.AttemptDTO(joinedMs: $0.joinedMs, joinedAt: APIModels.iso($0.joinedMs), leftMs: $0.leftMs,
                                     leftAt: APIModels.iso($0.leftMs), leaveReason: $0.leaveReason, setupMs: $0.setupMs)
            },
            totalDurationMs: p.durationMs(nowMs: now), joiningTimeMs: p.attempts.lazy.compactMap(\.setupMs).first,
            location: p.client.location ?? "unknown", platform: p.client.platform?.rawValue, device: p.client.device,
            os: p.client.os, browser: p.client.browser, userAgent: p.client.userAgent, sdkName: p.client.sdkName,
            sdkVersion: p.client.sdkVersion, present: p.isPresent,
            health: MediaKind.allCases.map { kind in
                APIModels.KindHealthDTO(
                    participantId: pid, kind: kind.rawValue, summary: summaries.first { $0.kind == kind }.map(dto),
                    slices: (byKind[kind] ?? []).sorted { $0.startMs < $1.startMs }.map(sliceDTO))
            })
        return (sidebar, slices)
    }

    @Sendable func health(_ request: Request, context: AppRequestContext) async throws -> APIModels.ListDTO<APIModels.KindHealthDTO> {
        let session = try await session(request, context)
        let pid = QueryReader(request).string("participantId")
        let slices = try await store.healthSlices(sessionId: session.id, participantId: pid)
        let byParticipant = Dictionary(grouping: slices, by: \.participantId)
        return .init(items: byParticipant.keys.sorted().flatMap { participantId in
            let byKind = Dictionary(grouping: byParticipant[participantId] ?? [], by: \.kind)
            return MediaKind.allCases.compactMap { kind -> APIModels.KindHealthDTO? in
                guard let s = byKind[kind] else { return nil }
                return APIModels.KindHealthDTO(
                    participantId: participantId, kind: kind.rawValue,
                    summary: HealthSummary.summaries(of: s, limits: limits).first.map(dto),
                    slices: s.sorted { $0.startMs < $1.startMs }.map(sliceDTO))
            }
        })
    }

    // MARK: Shared

    func healthDigest(of session: Session) async throws -> HealthDigest {
        try await store.healthDigest(sessionId: session.id, limits: limits, sliceMs: sliceMs)
    }

    func session(_ request: Request, _ context: AppRequestContext) async throws -> Session {
        let id = try context.parameters.require("sessionId")
        guard let session = try await store.session(id: id),
              context.apiToken?.projectId == nil || context.apiToken?.projectId == session.projectId
        else { throw APIError.notFound("session \(id)", field: "sessionId") }
        return session
    }

    func row(_ p: Participant, health: [HealthSummary], nowMs: Int64) -> APIModels.ParticipantRowDTO {
        APIModels.ParticipantRowDTO(
            participantId: p.participantId, name: p.name, joinTimeMs: p.attempts.lazy.compactMap(\.setupMs).first,
            durationMs: p.durationMs(nowMs: nowMs), present: p.isPresent, health: health.map(dto))
    }

    static func dto(_ s: ServiceUse) -> APIModels.ServiceDTO {
        APIModels.ServiceDTO(service: s.service.rawValue, startedMs: s.startedMs, startedAt: APIModels.iso(s.startedMs),
                             stoppedMs: s.stoppedMs, stoppedAt: APIModels.iso(s.stoppedMs))
    }

    func dto(_ s: HealthSummary) -> APIModels.HealthSummaryDTO {
        APIModels.HealthSummaryDTO(kind: s.kind.rawValue, overall: s.overall?.rawValue, good: s.good, moderate: s.moderate,
                                   poor: s.poor, slices: s.slices)
    }

    func sliceDTO(_ s: HealthSlice) -> APIModels.HealthSliceDTO {
        let f = s.figures
        return APIModels.HealthSliceDTO(startMs: s.startMs, colour: f.colour(limits)?.rawValue, samples: f.samples,
                                        jitterMs: f.meanJitterMs, rttMs: f.meanRttMs, lossPercent: f.lossPercent,
                                        sentLossPercent: f.sentLossPercent, receivedLossPercent: f.receivedLossPercent,
                                        fps: f.meanFps, freezes: f.freezeCount, bitrateKbps: f.meanBitrateKbps)
    }
}
