import CallscopeCore
import CallscopeStore
import Hummingbird

extension SessionsController {
    @Sendable func streams(_ request: Request, context: AppRequestContext) async throws -> APIModels.ListDTO<APIModels.StreamDTO> {
        let session = try await session(request, context)
        return .init(items: try await store.streams(sessionId: session.id).map(Self.dto))
    }

    /// A stream's samples, oldest first: `side` (sender|receiver), `from`/`to` in ms since the epoch.
    @Sendable func samples(_ request: Request, context: AppRequestContext) async throws -> APIModels.SamplesDTO {
        let session = try await session(request, context)
        guard let streamId = context.parameters.get("streamId", as: Int64.self) else {
            throw APIError.badRequest("streamId must be an integer", field: "streamId")
        }
        guard let stream = try await store.stream(id: streamId), stream.sessionId == session.id else {
            throw APIError.notFound("stream \(streamId)", field: "streamId")
        }
        let q = QueryReader(request)
        let side = try q.enumValue("side", StreamSide.self)
        let (fromMs, toMs) = try q.timeRange()
        let samples = try await store.samples(streamId: streamId, side: side, fromMs: fromMs, toMs: toMs)
        return APIModels.SamplesDTO(stream: Self.dto(stream), samples: samples)
    }

    @Sendable func errors(_ request: Request, context: AppRequestContext) async throws -> APIModels.ListDTO<APIModels.ErrorDTO> {
        .init(items: try await errors(of: try await session(request, context)))
    }

    /// The Errors tab: every error with who had it and what to do about it.
    func errors(of session: Session) async throws -> [APIModels.ErrorDTO] {
        let names = Dictionary(try await store.participants(sessionId: session.id).map { ($0.participantId, $0.name) },
                               uniquingKeysWith: { a, _ in a })
        return try await store.errors(sessionId: session.id).map {
            let advice = ErrorAdvice.forCode($0.code)
            return APIModels.ErrorDTO(tsMs: $0.tsMs, time: APIModels.iso($0.tsMs), participantId: $0.participantId,
                                      participantName: $0.participantId.flatMap { names[$0] ?? nil }, code: $0.code,
                                      message: $0.message, severity: $0.severity.rawValue, source: $0.source.rawValue,
                                      data: JSONBox(text: $0.dataJSON), title: advice.title,
                                      explanation: advice.explanation, suggestedFix: advice.fix)
        }
    }

    @Sendable func events(_ request: Request, context: AppRequestContext) async throws -> APIModels.ListDTO<APIModels.EventDTO> {
        let session = try await session(request, context)
        let pid = QueryReader(request).string("participantId")
        return .init(items: try await timeline(of: session, participantId: pid).map(Self.dto))
    }

    /// The session timeline, oldest first: what was recorded (joins, leaves, mutes, network and
    /// ICE changes, kicks, services), the errors, and the quality drops the health slices show.
    /// With a participant, only that participant's entries. At equal times recorded entries come
    /// first, then errors, then quality drops.
    func timeline(of session: Session, participantId: String?, digest known: HealthDigest? = nil) async throws -> [TimelineEvent] {
        let recorded = try await store.events(sessionId: session.id, participantId: participantId)
        let errors = try await store.errors(sessionId: session.id)
            .filter { participantId == nil || $0.participantId == participantId }.map(\.timelineEvent)
        let digest = if let known { known } else { try await healthDigest(of: session) }
        let drops = digest.drops.filter { participantId == nil || $0.participantId == participantId }.map {
            $0.timelineEvent(sessionId: session.id, ongoing: session.status == .ongoing && $0.reachesLastSlice, limits: limits)
        }
        // Each list is in time order; the index keeps the order above at equal times.
        return [recorded, errors, drops].joined().enumerated()
            .sorted { ($0.element.tsMs, $0.offset) < ($1.element.tsMs, $1.offset) }
            .map(\.element)
    }

    static func dto(_ e: TimelineEvent) -> APIModels.EventDTO {
        APIModels.EventDTO(tsMs: e.tsMs, time: APIModels.iso(e.tsMs), participantId: e.participantId, name: e.name,
                           data: JSONBox(text: e.dataJSON))
    }

    static func dto(_ s: StreamInfo) -> APIModels.StreamDTO {
        APIModels.StreamDTO(streamId: s.id, senderId: s.key.senderId, receiverId: s.key.receiverId, kind: s.key.kind.rawValue,
                            firstMs: s.firstMs, lastMs: s.lastMs, senderSamples: s.senderSamples,
                            receiverSamples: s.receiverSamples)
    }
}
