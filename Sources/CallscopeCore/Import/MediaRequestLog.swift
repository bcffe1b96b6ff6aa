/// The camera, microphone and screen requests a dump recorded, as timeline entries: a
/// `media-request` event when the page asked (`{api, audio, video}`, each kind asked for with
/// its constraints as text, or `true` when it gave none), a `media-granted` event when the
/// browser gave the tracks (`{api, tracks: [{kind, label}]}`, the device's label as the browser
/// named it), and the collector's error (`getusermedia-notallowederror`) when it refused.
///
/// webrtc-internals keeps them in its `getUserMedia` section: modern Chrome writes a request
/// entry (`request_type`, `audio`/`video` constraints, the kinds not asked for left out) and a
/// result entry (`audio_track_info`/`video_track_info`, JSON text `{id, label}` or `"null"`, or
/// `error` and `error_message`) with the same `request_id`; Chrome of 2020 writes the request
/// alone. rtcstats clients write `navigator.mediaDevices.getUserMedia` (the constraints object,
/// a kind not asked for is `false`) and `…OnSuccess` (the stream `{id, tracks: [{kind, label}]}`,
/// or in v3 `[[kind, trackId, streamId]]`).
enum MediaRequestLog {
    /// The longest constraints text kept per kind.
    static let maxConstraintsBytes = 300

    static func payloads(webrtcInternals entries: [JSONValue]) -> [(tsMs: Int64, payload: IngestMessage.Payload)] {
        entries.compactMap { entry in
            guard case .object(let fields) = entry, let ts = time(fields["timestamp"]) else { return nil }
            let api = fields["request_type"]?.string ?? "getUserMedia"
            if let error = fields["error"]?.string {
                let message = [error, fields["error_message"]?.string].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
                return (ts, failure(api: api, exception: error, message: message))
            }
            if fields["stream_id"] != nil || fields["audio_track_info"] != nil || fields["video_track_info"] != nil {
                let tracks = ["audio", "video"].compactMap { kind -> JSONValue? in
                    guard let text = fields[kind + "_track_info"]?.string, let info = try? JSONValue.parse(Array(text.utf8)),
                          case .object = info else { return nil }
                    return track(kind: kind, label: info["label"]?.string)
                }
                return (ts, .event(name: "media-granted", data: .object(["api": .string(api), "tracks": .array(tracks)])))
            }
            var data: [String: JSONValue] = ["api": .string(api)]
            for kind in ["audio", "video"] {
                guard let asked = fields[kind]?.string else { continue }
                data[kind] = asked.isEmpty ? .bool(true) : .string(clipped(asked))
            }
            return (ts, .event(name: "media-request", data: .object(data)))
        }
    }

    /// An rtcstats line of no peer connection about media, when it is one.
    static func payload(rtcstatsMethod method: String, value: JSONValue) -> IngestMessage.Payload? {
        let lower = method.lowercased()
        for api in ["getUserMedia", "getDisplayMedia"] {
            let name = api.lowercased()
            if lower.hasSuffix(name) {
                var data: [String: JSONValue] = ["api": .string(api)]
                for kind in ["audio", "video"] {
                    switch value[kind] {
                    case nil, .bool(false)?, .null?: continue
                    case .bool(true)?: data[kind] = .bool(true)
                    case let asked?: data[kind] = .string(clipped(asked.serialized()))
                    }
                }
                return .event(name: "media-request", data: .object(data))
            }
            if lower.hasSuffix(name + "onsuccess") {
                return .event(name: "media-granted", data: .object(["api": .string(api), "tracks": .array(tracks(ofStream: value))]))
            }
        }
        return nil
    }

    /// The error the collector reports for a refused request, coded by the browser's exception.
    static func failure(api: String, exception: String, message: String) -> IngestMessage.Payload {
        let name = exception.prefix { $0 != ":" && $0 != " " }
        let code = api.lowercased() + "-" + (name.isEmpty ? "failed" : name.lowercased())
        return .error(IngestMessage.Failure(code: String(code.prefix(64)), message: String(message.prefix(500)), severity: .error,
                                            source: .sdk, data: .object([:])))
    }

    private static func tracks(ofStream value: JSONValue) -> [JSONValue] {
        if let tracks = value["tracks"]?.array {
            return tracks.compactMap { t in t["kind"]?.string.map { track(kind: $0, label: t["label"]?.string) } }
        }
        // v3: [[kind, trackId, streamId], …]
        return (value.array ?? []).compactMap { t in t.array?.first?.string.map { track(kind: $0, label: nil) } }
    }

    private static func track(kind: String, label: String?) -> JSONValue {
        var fields: [String: JSONValue] = ["kind": .string(kind)]
        if let label, !label.isEmpty { fields["label"] = .string(clipped(label)) }
        return .object(fields)
    }

    private static func time(_ value: JSONValue?) -> Int64? {
        if let ms = value?.double { return IngestMessage.recordedMs(ms) }
        return value?.string.flatMap(EpochTime.parseISO8601).map(IngestMessage.recordedMs)
    }

    private static func clipped(_ text: String) -> String {
        guard text.utf8.count > maxConstraintsBytes else { return text }
        var out = ""
        for ch in text {
            guard out.utf8.count + ch.utf8.count <= maxConstraintsBytes - 3 else { break }
            out.append(ch)
        }
        return out + "…"
    }
}
