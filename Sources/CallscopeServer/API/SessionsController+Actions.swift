import CallscopeCore
import CallscopeStore
import Hummingbird

extension SessionsController {
    /// Records a kick on the timeline and pushes it to the participant's collector, which calls
    /// the app's `onKick` and leaves with reason `kicked`. Body (optional): `{"reason": "..."}`.
    /// A participant whose collector has no open WebSocket gets the kick when it reconnects or
    /// with its next HTTP answer (`delivered: false` says so).
    @Sendable func kick(_ request: Request, context: AppRequestContext) async throws -> APIModels.KickDTO {
        let session = try await queries.session(request, context)
        let pid = try context.parameters.require("participantId")
        let reason = try await Self.kickReason(request)
        let result = try await actions.kick(session: session, participantId: pid, reason: reason,
                                            actor: context.apiToken?.name ?? context.user?.username ?? "api")
        return APIModels.KickDTO(
            sessionId: session.id, participantId: pid, kicked: true, delivered: result.delivered,
            note: result.delivered
                ? "kick recorded on the session timeline and pushed to the participant's collector"
                : "kick recorded; the participant's collector has no open connection, so it gets the kick when it reconnects or with its next HTTP answer (within 5 minutes)")
    }

    static func kickReason(_ request: Request) async throws -> String? {
        var request = request
        let body = try await request.collectBody(upTo: 16 * 1024)
        guard body.readableBytes > 0 else { return nil }
        let value: JSONValue
        do { value = try JSONValue.parse(body.readableBytesView) } catch {
            throw APIError(.badRequest, code: "invalid_json", message: "\(error)")
        }
        guard case .object = value else {
            throw APIError(.badRequest, code: "invalid_json", message: "the body must be a JSON object {\"reason\": …} or empty")
        }
        guard let reason = value["reason"], !reason.isNull else { return nil }
        // Characters as JSON Schema counts them (code points), so that no combining marks pile up.
        guard let text = reason.string, !text.isEmpty, text.unicodeScalars.count <= 512 else {
            throw APIError.badRequest("reason must be a non-empty string of at most 512 characters", field: "reason")
        }
        return text
    }

    /// `{"service":"recording|hls|rtmp","action":"started|stopped","ts":<ms, optional>}` from an app's backend.
    @Sendable func service(_ request: Request, context: AppRequestContext) async throws -> APIModels.ListDTO<APIModels.ServiceDTO> {
        let session = try await queries.session(request, context)
        let value = try await request.jsonBody()
        let service = try Self.enumField(value, "service", ServiceUse.Service.self)
        let action = try Self.enumField(value, "action", IngestMessage.ServiceChange.Action.self)
        var ts: Int64?
        if let t = value["ts"], !t.isNull {
            guard let n = t.int64, EpochTime.range.contains(n) else {
                throw APIError.badRequest("ts must be whole ms since the epoch, from 0 to \(EpochTime.maxMs) (years 1970–9999)",
                                          field: "ts")
            }
            ts = n
        }
        try await actions.recordService(IngestMessage.ServiceChange(service: service, action: action, sessionId: session.id),
                                        session: session, tsMs: ts)
        return .init(items: try await queries.services(of: session).map(APIModels.ServiceDTO.init))
    }

    static func enumField<E: RawRepresentable & CaseIterable>(_ value: JSONValue, _ key: String, _: E.Type) throws -> E
    where E.RawValue == String {
        guard let raw = value[key]?.string, let e = E(rawValue: raw) else {
            throw APIError.badRequest("\(key) must be one of \(E.allCases.map(\.rawValue).joined(separator: ", "))", field: key)
        }
        return e
    }
}
