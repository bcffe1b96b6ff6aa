extension WebRTCInternalsDump {
    /// One property's series of one stat.
    struct Series {
        var property: String
        var statsType: String?
        var values: [JSONValue]
        var startMs: Double?
        var endMs: Double?
    }

    /// `"<statsId>-<property>"` split at the first `-[` (a series webrtc-internals derived,
    /// `[bytesSent_in_bits/s]`), else at the last `-`: stats ids may hold `-` too.
    static func splitKey(_ key: String) -> (id: String, property: String)? {
        var i = key.startIndex
        while let dash = key[i...].firstIndex(of: "-") {
            let next = key.index(after: dash)
            if next < key.endIndex, key[next] == "[" { return (String(key[..<dash]), String(key[next...])) }
            i = next
        }
        guard let dash = key.lastIndex(of: "-"), dash != key.startIndex else { return nil }
        return (String(key[..<dash]), String(key[key.index(after: dash)...]))
    }

    /// The reports of one peer connection's `stats` map, oldest first (see the type's comment for
    /// how the series are aligned).
    static func reports(_ stats: [String: JSONValue], pc: String) throws(ImportError) -> [Report] {
        var byStat: [String: [Series]] = [:]
        for key in stats.keys.sorted() {
            guard let (id, property) = splitKey(key), !property.hasPrefix("[") else { continue }
            guard case .object(let entry) = stats[key]! else {
                throw ImportError("PeerConnections.\(pc).stats.\(key) is not an object")
            }
            byStat[id, default: []].append(Series(property: property, statsType: entry["statsType"]?.string,
                                                  values: try values(of: entry, at: "PeerConnections.\(pc).stats.\(key)"),
                                                  startMs: entry["startTime"]?.string.flatMap(EpochTime.parseISO8601),
                                                  endMs: entry["endTime"]?.string.flatMap(EpochTime.parseISO8601)))
        }
        let calls = callTimes(byStat)
        guard !calls.isEmpty else { return [] }
        var objects = [[String: [String: JSONValue]]](repeating: [:], count: calls.count)
        for (id, series) in byStat {
            // A stat of no known type cannot be read and is left out (the rest of the report stays).
            guard let type = series.lazy.compactMap(\.statsType).first
                ?? series.first(where: { $0.property == "type" })?.values.last?.string
                ?? legacyType(of: id, series) else { continue }
            for s in series where !s.values.isEmpty {
                let last = s.endMs.map { nearest($0, in: calls) } ?? calls.count - 1
                for (j, value) in s.values.enumerated() {
                    let k = last - (s.values.count - 1 - j)
                    guard k >= 0 else { continue }
                    objects[k][id, default: [:]][s.property] = value
                }
            }
            for k in objects.indices where objects[k][id] != nil {
                objects[k][id]!["id"] = .string(id)
                if objects[k][id]!["type"]?.string == nil { objects[k][id]!["type"] = .string(type) }
                if objects[k][id]!["timestamp"]?.double == nil { objects[k][id]!["timestamp"] = .number(calls[k]) }
            }
        }
        return zip(calls, objects).compactMap { ts, byId in
            byId.isEmpty ? nil : Report(tsMs: ts, stats: .array(byId.keys.sorted().map { .object(byId[$0]!) }))
        }
    }

    /// The type of a stat in a 2020 dump, which has no `statsType`: its id says it
    /// (`RTCInboundRTPVideoStream_1234`); a candidate's `isRemote` says which side it is.
    static func legacyType(of id: String, _ series: [Series]) -> String? {
        let prefixes: [(String, String)] = [
            ("RTCInboundRTP", "inbound-rtp"), ("RTCOutboundRTP", "outbound-rtp"), ("RTCRemoteInboundRtp", "remote-inbound-rtp"),
            ("RTCRemoteOutboundRTP", "remote-outbound-rtp"), ("RTCIceCandidatePair_", "candidate-pair"),
            ("RTCTransport_", "transport"), ("RTCMediaStreamTrack_", "track"), ("RTCAudioSource_", "media-source"),
            ("RTCVideoSource_", "media-source"), ("RTCCodec_", "codec"), ("RTCPeerConnection", "peer-connection"),
            ("RTCCertificate_", "certificate"), ("RTCMediaStream_", "stream"), ("RTCDataChannel_", "data-channel"),
        ]
        if id.hasPrefix("RTCIceCandidate_") {
            return series.first { $0.property == "isRemote" }?.values.last?.bool == true ? "remote-candidate" : "local-candidate"
        }
        return prefixes.first { id.lowercased().hasPrefix($0.0.lowercased()) }?.1
    }

    /// A series' values: a JSON array written as a string (webrtc-internals), or an array.
    private static func values(of entry: [String: JSONValue], at path: String) throws(ImportError) -> [JSONValue] {
        switch entry["values"] {
        case .string(let text)?:
            let parsed: JSONValue
            do {
                parsed = try JSONValue.parse(text)
            } catch {
                throw ImportError("\(path).values is not JSON: \(error.message) at character \(error.column)")
            }
            guard case .array(let values) = parsed else { throw ImportError("\(path).values is not an array") }
            return values
        case .array(let values)?:
            return values
        default:
            throw ImportError("\(path) has no values")
        }
    }

    /// When the `getStats()` calls were made: the `timestamp` series of the stat seen most often
    /// (the `peer-connection` stat on a tie); without timestamp series, one call per second from
    /// the earliest series' start, as many as the longest series has values.
    static func callTimes(_ byStat: [String: [Series]]) -> [Double] {
        let timed = byStat.compactMap { id, series -> (id: String, pc: Bool, times: [Double])? in
            guard let s = series.first(where: { $0.property == "timestamp" }) else { return nil }
            let times = s.values.compactMap { $0.double.flatMap { $0.isFinite && $0 > 0 ? $0 : nil } }
            return (id, series.contains { $0.statsType == "peer-connection" }, times)
        }
        if let best = timed.max(by: { ($0.times.count, $0.pc ? 1 : 0, $1.id) < ($1.times.count, $1.pc ? 1 : 0, $0.id) }),
           !best.times.isEmpty {
            return best.times.sorted()
        }
        let all = byStat.values.joined()
        guard let count = all.map(\.values.count).max(), count > 0,
              let start = all.compactMap(\.startMs).min() else { return [] }
        return (0..<count).map { start + Double($0) * 1000 }
    }

    /// The index of the time in `sorted` closest to `ms`.
    static func nearest(_ ms: Double, in sorted: [Double]) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < ms { low = mid + 1 } else { high = mid }
        }
        if low == sorted.count { return sorted.count - 1 }
        if low > 0, ms - sorted[low - 1] <= sorted[low] - ms { return low - 1 }
        return low
    }
}
