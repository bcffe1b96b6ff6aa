/// Chrome's legacy `goog…` stats (the callback `getStats()` of Chrome before about 2020, which
/// rtcstats clients of that time recorded) turned into the standard stats the derivation reads,
/// one whole report at a time. Every value is a string there (`"packetsLost": "12"`). What maps
/// to what is docs/imports.md's "Legacy stats" table; what has no standard counterpart is left
/// out (the jitter buffer, freezes, concealment).
public enum LegacyStats {
    /// `true` when `report` (a report keyed by stat id) holds legacy stats.
    public static func isLegacy(_ report: [String: JSONValue]) -> Bool {
        report.keys.contains { $0.hasPrefix("ssrc_") || $0 == "bweforvideo" || $0.hasPrefix("Conn-") }
    }

    /// Applies an rtcstats `getstats` delta of legacy stats to the connection's whole legacy
    /// report: a stat's members replace the old ones, `null` removes the stat.
    public static func apply(_ delta: [String: JSONValue], to whole: inout [String: JSONValue]) {
        for (id, stat) in delta where id != "timestamp" {
            switch stat {
            case .null: whole[id] = nil
            case .object(let members): whole[id] = .object((whole[id]?.object ?? [:]).merging(members) { _, new in new })
            default: continue
            }
        }
    }

    /// The standard report of a whole legacy report taken at `timestampMs`: `outbound-rtp`,
    /// `remote-inbound-rtp` and `media-source` stats for each `ssrc_…_send`, `inbound-rtp` for
    /// each `ssrc_…_recv`, and the active `Conn-…` pair with its candidates and a transport
    /// selecting it.
    public static func standardReport(_ report: [String: JSONValue], timestampMs: Double) -> JSONValue {
        var out: [String: JSONValue] = [:]
        let ts = JSONValue.number(timestampMs)
        for (id, stat) in report {
            guard case .object(let fields) = stat else { continue }
            let number = { (name: String) -> JSONValue? in
                guard let text = fields[name]?.string ?? fields[name]?.double.map({ "\($0)" }), let v = Double(text), v.isFinite
                else { return nil }
                return .number(v)
            }
            let ms = { (name: String) -> JSONValue? in number(name)?.double.map { .number($0 / 1000) } }
            let put = { (statId: String, members: [String: JSONValue?]) in
                out[statId] = .object(members.compactMapValues { $0 }.merging(["id": .string(statId), "timestamp": ts]) { a, _ in a })
            }
            let kind = fields["mediaType"]?.string.map(JSONValue.string)
            let ssrc = number("ssrc")
            if id.hasPrefix("ssrc_") && id.hasSuffix("_send") {
                let video = kind?.string == "video"
                let limitation: JSONValue? = !video ? nil
                    : fields["googCpuLimitedResolution"]?.string == "true" ? .string("cpu")
                    : fields["googBandwidthLimitedResolution"]?.string == "true" ? .string("bandwidth") : .string("none")
                put("OT_" + id, ["type": .string("outbound-rtp"), "kind": kind, "ssrc": ssrc, "packetsSent": number("packetsSent"),
                                 "bytesSent": number("bytesSent"), "framesEncoded": number("framesEncoded"),
                                 "framesSent": number("framesEncoded"), "framesPerSecond": number("googFrameRateSent"),
                                 "frameWidth": number("googFrameWidthSent"), "frameHeight": number("googFrameHeightSent"),
                                 "qualityLimitationReason": limitation, "mediaSourceId": video ? .string("MS_" + id) : nil])
                if video {
                    put("MS_" + id, ["type": .string("media-source"), "kind": kind, "framesPerSecond": number("googFrameRateInput"),
                                     "width": number("googFrameWidthInput"), "height": number("googFrameHeightInput")])
                }
                // What the receiver said back (RTCP): lost packets, jitter in ms, the round trip in ms.
                if fields["packetsLost"] != nil || fields["googRtt"] != nil {
                    let rtt = number("googRtt")?.double
                    put("RI_" + id, ["type": .string("remote-inbound-rtp"), "kind": kind, "ssrc": ssrc, "localId": .string("OT_" + id),
                                     "packetsLost": number("packetsLost"), "jitter": ms("googJitterReceived"),
                                     "roundTripTime": rtt.flatMap { $0 > 0 ? .number($0 / 1000) : nil }])
                }
            } else if id.hasPrefix("ssrc_") && id.hasSuffix("_recv") {
                put("IT_" + id, ["type": .string("inbound-rtp"), "kind": kind, "ssrc": ssrc, "packetsReceived": number("packetsReceived"),
                                 "packetsLost": number("packetsLost"), "bytesReceived": number("bytesReceived"),
                                 "jitter": ms("googJitterReceived"), "framesDecoded": number("framesDecoded"),
                                 "framesPerSecond": number("googFrameRateOutput") ?? number("googFrameRateReceived"),
                                 "frameWidth": number("googFrameWidthReceived"), "frameHeight": number("googFrameHeightReceived"),
                                 "trackIdentifier": fields["googTrackId"]])
            } else if id.hasPrefix("Conn-"), fields["googActiveConnection"]?.string == "true" {
                let local = candidate(fields["googLocalAddress"]?.string, type: fields["googLocalCandidateType"]?.string,
                                      protocol: fields["googTransportType"]?.string)
                let remote = candidate(fields["googRemoteAddress"]?.string, type: fields["googRemoteCandidateType"]?.string,
                                       protocol: fields["googTransportType"]?.string)
                put("LC_" + id, local.merging(["type": .string("local-candidate")]) { a, _ in a })
                put("RC_" + id, remote.merging(["type": .string("remote-candidate")]) { a, _ in a })
                put("CP_" + id, ["type": .string("candidate-pair"), "state": .string("succeeded"), "nominated": .bool(true),
                                 "currentRoundTripTime": ms("googRtt"), "bytesSent": number("bytesSent"),
                                 "bytesReceived": number("bytesReceived"), "localCandidateId": .string("LC_" + id),
                                 "remoteCandidateId": .string("RC_" + id), "transportId": .string("T_legacy")])
                put("T_legacy", ["type": .string("transport"), "selectedCandidatePairId": .string("CP_" + id)])
            }
        }
        return .object(out)
    }

    /// A legacy candidate as a standard one: `local` is `host`, `stun` is `srflx`.
    private static func candidate(_ address: String?, type: String?, protocol: String?) -> [String: JSONValue?] {
        let standardType: String? = switch type {
        case "local": "host"
        case "stun": "srflx"
        case let other: other
        }
        var host = address, port: JSONValue?
        if let address, let colon = address.lastIndex(of: ":"), let p = Double(address[address.index(after: colon)...]) {
            host = String(address[..<colon])
            port = .number(p)
        }
        return ["candidateType": standardType.map(JSONValue.string), "address": host.flatMap { $0.isEmpty ? nil : .string($0) },
                "port": port, "protocol": `protocol`.map(JSONValue.string)]
    }
}
