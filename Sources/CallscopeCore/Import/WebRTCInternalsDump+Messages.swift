extension WebRTCInternalsDump {
    /// The dump as the ingest messages of the one participant whose browser wrote it: a `join`
    /// (with the dump's user agent) at the first time in it, each peer connection's reports as
    /// full `stats` messages, the camera, microphone and screen requests (``MediaRequestLog``), its log's state changes and failures as the `event`s and `error`s
    /// the collector sends for them, and a `leave` at the last time; `seq` follows time. The far
    /// end of each peer connection is named by ``FarEnd``: the dump does not say who it was.
    public func messages(meetingId: String, participantId: String, name: String? = nil) -> [IngestMessage] {
        var timed = MediaRequestLog.payloads(webrtcInternals: mediaRequests)
        for pc in peerConnections {
            let farEnd = FarEnd.participantId(of: pc.id, reports: pc.reports.map(Self.standard))
            for report in pc.reports {
                timed.append((IngestMessage.recordedMs(report.tsMs), .stats(IngestMessage.Stats(
                    pc: pc.id, remoteParticipantId: farEnd, labels: nil, body: .full(Self.standard(report)), timestampMs: nil))))
            }
            for entry in pc.log {
                guard let ts = entry.tsMs else { continue }   // a 2020 dump's locale time: not a time we can read
                timed += PeerConnectionLog.payloads(type: entry.type, value: entry.value, pc: pc.id).map { (IngestMessage.recordedMs(ts), $0) }
            }
        }
        return IngestMessage.recording(timed, meetingId: meetingId, participantId: participantId, name: name, userAgent: userAgent)
    }

    /// A report as standard stats: legacy `goog…` ones (older Chrome) through ``LegacyStats``.
    static func standard(_ report: Report) -> JSONValue {
        guard case .array(let stats) = report.stats else { return report.stats }
        var byId: [String: JSONValue] = [:]
        for stat in stats { if let id = stat["id"]?.string { byId[id] = stat } }
        return LegacyStats.isLegacy(byId) ? LegacyStats.standardReport(byId, timestampMs: report.tsMs) : report.stats
    }

    /// `true` when a connection's reports are legacy `goog…` stats (older Chrome).
    public var hasLegacyStats: Bool {
        peerConnections.contains { pc in
            guard case .array(let stats)? = pc.reports.last?.stats else { return false }
            return stats.contains { $0["id"]?.string.map { $0.hasPrefix("ssrc_") || $0.hasPrefix("Conn-") } ?? false }
        }
    }
}
