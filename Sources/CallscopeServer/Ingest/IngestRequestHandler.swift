import CallscopeCore
import CallscopeStore
import Hummingbird

/// Turns one request body or WebSocket frame into messages, runs them through the pipeline and
/// writes the answer. HTTP and WebSocket ingest share it, so they behave identically.
struct IngestRequestHandler: Sendable {
    let pipeline: IngestPipeline
    let configuration: ServerConfiguration

    struct Reply: Sendable {
        var status: HTTPResponse.Status
        /// The body without the WebSocket frame's `type` member.
        var members: [String: JSONValue]

        var httpBody: String { JSONValue.object(members).serialized() }

        var frame: String {
            var m = members
            m["type"] = .string(status == .ok ? "ack" : "error")
            return JSONValue.object(m).serialized()
        }
    }

    /// An answer that may still wait for a commit.
    struct PendingReply: Sendable {
        fileprivate enum State: Sendable {
            case ready(Reply)
            case staged(StagedIngest)
        }

        fileprivate let state: State

        func reply() async -> Reply {
            switch state {
            case .ready(let reply):
                return reply
            case .staged(let staged):
                do {
                    return IngestRequestHandler.reply(for: try await staged.durable())
                } catch {
                    return IngestRequestHandler.failure(APIError(
                        .serviceUnavailable, code: "storage_unavailable",
                        message: "the request was not stored (resend it; anything of it already stored is recognised as a duplicate): \(error)"))
                }
            }
        }
    }

    func handle(body: some Collection<UInt8>, caller: Authenticator.IngestCaller, serverNowMs: Int64,
                location: String? = nil) async -> Reply {
        await stage(body: body, caller: caller, serverNowMs: serverNowMs, location: location).reply()
    }

    /// Parses, decodes and applies a body; the answer waits for the commit. `location` (the
    /// sender's GeoIP location, `ClientLocator`) goes into every join that brings none of its own.
    func stage(body: some Collection<UInt8>, caller: Authenticator.IngestCaller, serverNowMs: Int64,
               location: String? = nil) async -> PendingReply {
        let parsed: JSONValue
        do {
            parsed = try JSONValue.parse(body)
        } catch {
            return PendingReply(state: .ready(Self.failure(APIError(.badRequest, code: "invalid_json", message: "\(error)"))))
        }
        let (decoded, rejected) = decodePrefix(parsed, serverNowMs: serverNowMs)
        var messages = decoded
        if let location { Self.fillLocation(location, into: &messages) }
        if case .backend = caller, let i = messages.firstIndex(where: { if case .service = $0.payload { false } else { true } }) {
            return PendingReply(state: .ready(Self.failure(APIError(
                .forbidden, code: "forbidden", message: "an API token may send service messages only; use the project's ingest key",
                field: Self.path(i, "type", single: parsed.array == nil)))))
        }
        do {
            return PendingReply(state: .staged(try await pipeline.stage(
                messages, projectId: caller.project.id, serverNowMs: serverNowMs, rejected: rejected,
                batchIsArray: parsed.array != nil)))
        } catch {
            return PendingReply(state: .ready(Self.failure(APIError(
                .serviceUnavailable, code: "storage_unavailable", message: "the request was not stored: \(error)"))))
        }
    }

    static func reply(for result: IngestResult) -> Reply {
        var members = members(of: result)
        guard let rejected = result.rejected else { return Reply(status: .ok, members: members) }
        let error = rejected.error
        members["error"] = .object([
            "code": .string(error.code.rawValue), "message": .string(error.message),
            "field": error.field.map(JSONValue.string) ?? .null,
            "index": .number(Double(rejected.index)),
        ])
        let status: HTTPResponse.Status = switch error.code {
        case .tooManyMessages: .contentTooLarge
        case .limitExceeded: .tooManyRequests
        default: .badRequest
        }
        return Reply(status: status, members: members)
    }

    /// Decodes messages in order up to the first bad one: the good ones before it are stored.
    /// This is the edge: IDs, strings and every client time (``IngestMessage/validateTimes(serverNowMs:limits:path:)``)
    /// are checked here, once.
    private func decodePrefix(_ value: JSONValue, serverNowMs: Int64)
        -> ([IngestMessage], (index: Int, error: IngestValidationError)?) {
        let limits = configuration.ingestLimits
        func decode(_ item: JSONValue, path: String) throws(IngestValidationError) -> IngestMessage {
            let message = try IngestMessage.decode(item, path: path, limits: limits)
            try message.validateTimes(serverNowMs: serverNowMs, limits: limits, path: path)
            return message
        }
        guard let items = value.array else {
            do {
                return ([try decode(value, path: "")], nil)
            } catch {
                return ([], (0, error))
            }
        }
        if items.isEmpty {
            return ([], (0, IngestValidationError(.invalidField, "the batch holds no message", field: nil)))
        }
        if items.count > configuration.maxMessagesPerBatch {
            return ([], (0, IngestValidationError(
                .tooManyMessages, "a batch holds at most \(configuration.maxMessagesPerBatch) messages", field: nil)))
        }
        var messages: [IngestMessage] = []
        messages.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            do {
                messages.append(try decode(item, path: "[\(i)]"))
            } catch {
                return (messages, (i, error))
            }
        }
        return (messages, nil)
    }

    /// Sets `location` on joins without one: a location the app sends always wins.
    static func fillLocation(_ location: String, into messages: inout [IngestMessage]) {
        for i in messages.indices {
            guard case .join(var join) = messages[i].payload, join.client.location == nil else { continue }
            join.client.location = location
            messages[i].payload = .join(join)
        }
    }

    static func path(_ index: Int, _ field: String, single: Bool) -> String {
        single ? field : "[\(index)].\(field)"
    }

    static func members(of result: IngestResult) -> [String: JSONValue] {
        var members: [String: JSONValue] = [
            "acks": .array(result.acks.map {
                .object([
                    "meetingId": .string($0.meetingId), "participantId": .string($0.participantId),
                    "sessionId": .string($0.sessionId), "seq": .number(Double($0.seq)),
                ])
            }),
            "stored": .number(Double(result.stored)),
            "duplicates": .number(Double(result.duplicates)),
        ]
        if result.droppedStats > 0 { members["droppedStats"] = .number(Double(result.droppedStats)) }
        if !result.ignored.isEmpty {
            members["ignored"] = .array(result.ignored.map {
                .object(["index": .number(Double($0.index)), "reason": .string($0.reason)])
            })
        }
        if !result.assignedMeetingIds.isEmpty {
            members["meetingIds"] = .object(result.assignedMeetingIds.mapValues(JSONValue.string))
        }
        return members
    }

    static func failure(_ error: APIError) -> Reply {
        Reply(status: error.status, members: ["error": error.errorMember])
    }
}
