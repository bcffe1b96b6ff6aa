import CallscopeCore
import CallscopeStore
import Hummingbird

extension SessionsController {
    /// Records a kick. Delivery to the participant's browser comes with the collector's kick channel;
    /// until then `delivered` is false and the note says so.
    @Sendable func kick(_ request: Request, context: AppRequestContext) async throws -> APIModels.KickDTO {
        let session = try await session(request, context)
        let pid = try context.parameters.require("participantId")
        guard session.status == .ongoing else { throw APIError.conflict("session \(session.id) has ended", field: "sessionId") }
        do {
            try await pipeline.kick(session: session, participantId: pid, by: context.apiToken?.name ?? "api",
                                    serverNowMs: Clock.nowMs())
        } catch let refusal as KickRefusal {
            switch refusal {
            case .sessionNotOngoing: throw APIError.conflict("session \(session.id) has ended", field: "sessionId")
            case .participantUnknown: throw APIError.notFound("participant \(pid)", field: "participantId")
            case .participantNotPresent:
                throw APIError.conflict("participant \(pid) is no longer in the session", field: "participantId")
            }
        }
        return APIModels.KickDTO(sessionId: session.id, participantId: pid, kicked: true, delivered: false,
                                 note: "kick recorded on the session timeline")
    }

    /// `{"service":"recording|hls|rtmp","action":"started|stopped","ts":<ms, optional>}` from an app's backend.
    @Sendable func service(_ request: Request, context: AppRequestContext) async throws -> APIModels.ListDTO<APIModels.ServiceDTO> {
        let session = try await session(request, context)
        var request = request
        let body = try await request.collectBody(upTo: 64 * 1024)
        let value: JSONValue
        do { value = try JSONValue.parse(body.readableBytesView) } catch {
            throw APIError(.badRequest, code: "invalid_json", message: "\(error)")
        }
        let service = try Self.enumField(value, "service", ServiceUse.Service.self)
        let action = try Self.enumField(value, "action", IngestMessage.ServiceChange.Action.self)
        var ts = Clock.nowMs()
        if let t = value["ts"], !t.isNull {
            guard let n = t.double, n >= 0, n < 9e15 else {
                throw APIError.badRequest("ts must be ms since the epoch", field: "ts")
            }
            ts = Int64(n.rounded())
        }
        let stored = try await pipeline.recordService(
            IngestMessage.ServiceChange(service: service, action: action, sessionId: session.id),
            session: session, tsMs: ts, serverNowMs: Clock.nowMs())
        guard stored else { throw APIError.conflict("session \(session.id) has ended", field: "sessionId") }
        return .init(items: try await store.services(sessionId: session.id).map(Self.dto))
    }

    static func enumField<E: RawRepresentable & CaseIterable>(_ value: JSONValue, _ key: String, _: E.Type) throws -> E
    where E.RawValue == String {
        guard let raw = value[key]?.string, let e = E(rawValue: raw) else {
            throw APIError.badRequest("\(key) must be one of \(E.allCases.map(\.rawValue).joined(separator: ", "))", field: key)
        }
        return e
    }
}
