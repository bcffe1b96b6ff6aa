extension IngestMessage {
    /// Decodes a request body or WebSocket frame: one message object or an array of them.
    /// Field paths in errors start with `[i]` for an array element, and are bare for a single object.
    public static func decodeBatch(_ value: JSONValue, maxMessages: Int = 10_000,
                                   limits: IngestLimits = IngestLimits()) throws(IngestValidationError) -> [IngestMessage] {
        switch value {
        case .array(let items):
            guard !items.isEmpty else {
                throw IngestValidationError(.invalidField, "the batch holds no message", field: nil)
            }
            guard items.count <= maxMessages else {
                throw IngestValidationError(
                    .tooManyMessages, "a batch holds at most \(maxMessages) messages, this one \(items.count)", field: nil)
            }
            var out: [IngestMessage] = []
            out.reserveCapacity(items.count)
            for (i, item) in items.enumerated() {
                out.append(try decode(item, path: "[\(i)]", limits: limits))
            }
            return out
        case .object:
            return [try decode(value, path: "", limits: limits)]
        default:
            throw IngestValidationError(.invalidField, "expected a message object or an array of them", field: nil)
        }
    }

    /// Decodes one message; `path` prefixes the field names of errors. IDs follow ``IngestID``'s
    /// rules with `limits.maxIDBytes`; times are checked by ``validateTimes(serverNowMs:limits:path:)``.
    public static func decode(_ value: JSONValue, path: String = "",
                              limits: IngestLimits = IngestLimits()) throws(IngestValidationError) -> IngestMessage {
        let idBytes = limits.maxIDBytes
        var fields = FieldReader(value, path: path)
        guard case .object = value else {
            throw IngestValidationError(.invalidField, "a message must be a JSON object", field: path.isEmpty ? nil : path)
        }
        let type = try fields.requiredString("type")
        let tsMs = try fields.requiredInt("ts", min: 0)
        switch type {
        case "join":
            let participantId = try fields.requiredID("participantId", maxBytes: idBytes)
            let meetingId = try fields.optionalID("meetingId", maxBytes: idBytes)
            let seq = try fields.requiredInt("seq", min: 0)
            let join = Join(
                name: try fields.optionalString("name"),
                client: try decodeClient(&fields),
                setupMs: try fields.optionalInt("setupMs", min: 0))
            return IngestMessage(meetingId: meetingId, participantId: participantId, seq: seq, tsMs: tsMs, payload: .join(join))
        case "leave", "stats", "event", "error":
            let meetingId = try fields.requiredID("meetingId", maxBytes: idBytes)
            let participantId = try fields.requiredID("participantId", maxBytes: idBytes)
            let seq = try fields.requiredInt("seq", min: 0)
            let payload: Payload
            switch type {
            case "leave":
                payload = .leave(reason: try fields.optionalString("reason") ?? "left")
            case "stats":
                payload = .stats(try decodeStats(&fields, idBytes: idBytes))
            case "event":
                payload = .event(name: try fields.requiredString("name"), data: try fields.optionalData("data", maxBytes: maxDataBytes) ?? .object([:]))
            default:
                payload = .error(try decodeFailure(&fields))
            }
            return IngestMessage(meetingId: meetingId, participantId: participantId, seq: seq, tsMs: tsMs, payload: payload)
        case "service":
            let sessionId = try fields.optionalID("sessionId", maxBytes: idBytes)
            let meetingId = try fields.optionalID("meetingId", maxBytes: idBytes)
            if meetingId == nil && sessionId == nil {
                throw IngestValidationError(.missingField, "a service message names a meetingId or a sessionId",
                                            field: fields.path("meetingId"))
            }
            let participantId = try fields.optionalID("participantId", maxBytes: idBytes)
            let seq = participantId == nil ? nil : try fields.requiredInt("seq", min: 0)
            let service = try fields.requiredEnum("service", ServiceUse.Service.self)
            let action = try fields.requiredEnum("action", ServiceChange.Action.self)
            return IngestMessage(
                meetingId: meetingId, participantId: participantId, seq: seq, tsMs: tsMs,
                payload: .service(ServiceChange(service: service, action: action, sessionId: sessionId)))
        default:
            throw IngestValidationError(
                .unknownType, "unknown message type \"\(type)\"; expected join, leave, stats, event, error or service",
                field: fields.path("type"))
        }
    }

    private static func decodeClient(_ fields: inout FieldReader) throws(IngestValidationError) -> ClientInfo {
        var client = ClientInfo(
            userAgent: try fields.optionalString("userAgent"),
            platform: try fields.optionalEnum("platform", ClientInfo.Platform.self),
            device: try fields.optionalString("device"),
            os: try fields.optionalString("os"),
            browser: try fields.optionalString("browser"),
            location: try fields.optionalString("location"))
        if let sdk = try fields.optionalObject("sdk") {
            var sdkFields = FieldReader(sdk, path: fields.path("sdk"))
            client.sdkName = try sdkFields.optionalString("name")
            client.sdkVersion = try sdkFields.optionalString("version")
        }
        client.describe(hints: try decodeHints(fields))
        return client
    }

    /// `userAgentData`: the browser's Client Hints, as `getHighEntropyValues()` returns them.
    private static func decodeHints(_ fields: FieldReader) throws(IngestValidationError) -> UserAgentHints? {
        guard let data = try fields.optionalObject("userAgentData") else { return nil }
        let hintFields = FieldReader(data, path: fields.path("userAgentData"))
        var hints = UserAgentHints(
            mobile: try hintFields.optionalBool("mobile"), platform: try hintFields.optionalString("platform"),
            platformVersion: try hintFields.optionalString("platformVersion"), model: try hintFields.optionalString("model"))
        let key = try hintFields.optionalArray("fullVersionList") != nil ? "fullVersionList" : "brands"
        let brands = try hintFields.optionalArray(key) ?? []
        // Browsers send three or four; the list is kept with the participant.
        guard brands.count <= 32 else {
            throw IngestValidationError(.invalidField, "\(key) holds at most 32 brands", field: hintFields.path(key))
        }
        for (i, item) in brands.enumerated() {
            let brandFields = FieldReader(item, path: "\(hintFields.path(key))[\(i)]")
            guard item.object != nil else {
                throw IngestValidationError(.invalidField, "a brand must be an object {brand, version}",
                                            field: brandFields.prefix)
            }
            hints.brands.append(.init(brand: try brandFields.requiredString("brand"),
                                      version: try brandFields.optionalString("version") ?? ""))
        }
        return hints
    }

    private static func decodeStats(_ fields: inout FieldReader, idBytes: Int) throws(IngestValidationError) -> Stats {
        let pc = try fields.requiredID("pc", maxBytes: idBytes)
        let remote = try fields.optionalID("remoteParticipantId", maxBytes: idBytes)
        let labels = try fields.optionalObject("labels")
        let timestamp = try fields.optionalNumber("timestamp")
        let report = fields.value["report"].flatMap { $0.isNull ? nil : $0 }
        let delta = fields.value["delta"].flatMap { $0.isNull ? nil : $0 }
        let body: Stats.Body
        switch (report, delta) {
        case (let report?, nil):
            guard report.array != nil || report.object != nil else {
                throw IngestValidationError(.invalidField, "report must be an array of stat objects or an object keyed by stat id",
                                            field: fields.path("report"))
            }
            body = .full(report)
        case (nil, let delta?):
            guard delta.object != nil else {
                throw IngestValidationError(.invalidField, "delta must be an object keyed by stat id", field: fields.path("delta"))
            }
            body = .delta(delta)
        case (nil, nil):
            throw IngestValidationError(.missingField, "a stats message carries a report or a delta", field: fields.path("report"))
        case (.some, .some):
            throw IngestValidationError(.invalidField, "a stats message carries a report or a delta, not both",
                                        field: fields.path("delta"))
        }
        return Stats(pc: pc, remoteParticipantId: remote, labels: labels, body: body, timestampMs: timestamp)
    }

    private static func decodeFailure(_ fields: inout FieldReader) throws(IngestValidationError) -> Failure {
        Failure(
            code: try fields.requiredString("code"),
            message: try fields.optionalString("message") ?? "",
            severity: try fields.optionalEnum("severity", SessionError.Severity.self) ?? .error,
            source: try fields.optionalEnum("source", SessionError.Source.self) ?? .sdk,
            data: try fields.optionalData("data", maxBytes: maxDataBytes) ?? .object([:]))
    }
}
