extension IngestMessage {
    /// The largest `data` object of an event or error, serialized: it is stored and shown as it is.
    public static let maxDataBytes = 16 * 1024

    /// Checks every client time the message carries against a sane window, once, at the edge, so
    /// that no arithmetic on times past it can overflow:
    ///
    /// - `ts` within `limits.maxClockSkewMs` of `serverNowMs` (skipped when `serverNowMs` is
    ///   `nil`: an imported file's calls happened whenever they happened);
    /// - a join's `setupMs` and a `connected` event's `data.setupMs` from 0 to `maxClockSkewMs`;
    /// - a stats message's top-level `timestamp` within `limits.maxStatTimestampSkewMs` of `ts`.
    ///
    /// A stat's own `timestamp` inside a report is not checked here: a stat outside the window
    /// is dropped by derivation (see ``StreamContext/messageTsMs``), not the whole message.
    /// Errors name the field under `path` (`[3].ts`, `setupMs`).
    public func validateTimes(serverNowMs: Int64?, limits: IngestLimits, path: String = "") throws(IngestValidationError) {
        func field(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }
        // Both sides are below 2^53 (decoding bounds `ts`; the server clock is now-ish): no overflow.
        if let serverNowMs, abs(tsMs - serverNowMs) > limits.maxClockSkewMs {
            throw IngestValidationError(
                .invalidField,
                "ts is \(Self.hours(abs(tsMs - serverNowMs))) h from the server's clock; it must be within \(Self.hours(limits.maxClockSkewMs)) h (milliseconds since 1970)",
                field: field("ts"))
        }
        switch payload {
        case .join(let join):
            if let setupMs = join.setupMs, setupMs > limits.maxClockSkewMs {
                throw IngestValidationError(.invalidField, "setupMs must be from 0 to \(limits.maxClockSkewMs)", field: field("setupMs"))
            }
        case .stats(let stats):
            if let timestampMs = stats.timestampMs,
               !(abs(timestampMs - Double(tsMs)) <= Double(limits.maxStatTimestampSkewMs)) {
                throw IngestValidationError(
                    .invalidField, "timestamp must be within \(Self.hours(limits.maxStatTimestampSkewMs)) h of ts",
                    field: field("timestamp"))
            }
        case .event(let name, let data):
            if name == "connected", let setup = data["setupMs"], !setup.isNull {
                guard let ms = setup.double, ms >= 0, ms <= Double(limits.maxClockSkewMs) else {
                    throw IngestValidationError(.invalidField, "setupMs must be a number from 0 to \(limits.maxClockSkewMs)",
                                                field: field("data.setupMs"))
                }
            }
        case .leave, .error, .service:
            break
        }
    }

    private static func hours(_ ms: Int64) -> String {
        let tenths = ms / 360_000
        return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    }
}
