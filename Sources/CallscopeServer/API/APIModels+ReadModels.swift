import CallscopeCore
import CallscopeStore

/// The API's JSON of each read model (``SessionQueries``): names and units as `openapi.json`
/// documents them, enums as their raw values.
extension APIModels.SessionSummaryDTO {
    init(_ summary: SessionSummary, nowMs: Int64) {
        let s = summary.session
        self.init(sessionId: s.id, meetingId: s.meetingId, status: s.status.rawValue, startMs: s.startMs,
                  startTime: APIModels.iso(s.startMs), endMs: s.endMs, endTime: APIModels.iso(s.endMs),
                  durationMs: (s.endMs ?? nowMs).subtracting(saturating: s.startMs),
                  uniqueParticipants: summary.uniqueParticipants, errorCount: s.errorCount)
    }
}

extension APIModels.SessionDTO {
    init(_ o: SessionOverview, diagnosis: Diagnosis) {
        let s = o.session
        self.init(sessionId: s.id, meetingId: s.meetingId, status: s.status.rawValue, initiatingTimeMs: s.initiatingMs,
                  startMs: s.startMs, startTime: APIModels.iso(s.startMs), endMs: s.endMs, endTime: APIModels.iso(s.endMs),
                  durationMs: o.durationMs, uniqueParticipants: o.uniqueParticipants,
                  participantMinutes: o.participantMinutes, errorCount: s.errorCount,
                  services: o.services.map(APIModels.ServiceDTO.init), participants: o.participants.map(APIModels.ParticipantRowDTO.init),
                  diagnosis: APIModels.DiagnosisDTO(diagnosis, names: o.names))
    }
}

extension APIModels.ServiceDTO {
    init(_ s: ServiceUse) {
        self.init(service: s.service.rawValue, startedMs: s.startedMs, startedAt: APIModels.iso(s.startedMs),
                  stoppedMs: s.stoppedMs, stoppedAt: APIModels.iso(s.stoppedMs))
    }
}

extension APIModels.ParticipantRowDTO {
    init(_ row: SessionOverview.ParticipantRow) {
        self.init(participantId: row.participantId, name: row.participant.name, joinTimeMs: row.joinTimeMs,
                  durationMs: row.durationMs, present: row.participant.isPresent,
                  health: row.health.map(APIModels.HealthSummaryDTO.init))
    }
}

extension APIModels.HealthSummaryDTO {
    init(_ s: HealthSummary) {
        self.init(kind: s.kind.rawValue, overall: s.overall?.rawValue, good: s.good, moderate: s.moderate, poor: s.poor,
                  slices: s.slices)
    }
}

extension APIModels.HealthSliceDTO {
    init(_ s: HealthSlice, limits: HealthThresholds) {
        let f = s.figures
        self.init(startMs: s.startMs, colour: f.colour(limits)?.rawValue, samples: f.samples, jitterMs: f.meanJitterMs,
                  rttMs: f.meanRttMs, lossPercent: f.lossPercent, sentLossPercent: f.sentLossPercent,
                  receivedLossPercent: f.receivedLossPercent, fps: f.meanFps, freezes: f.freezeCount,
                  bitrateKbps: f.meanBitrateKbps)
    }
}

extension APIModels.KindHealthDTO {
    init(_ h: KindHealth, limits: HealthThresholds) {
        self.init(participantId: h.participantId, kind: h.kind.rawValue, summary: h.summary.map(APIModels.HealthSummaryDTO.init),
                  slices: h.slices.map { APIModels.HealthSliceDTO($0, limits: limits) })
    }
}

extension APIModels.ParticipantDTO {
    init(_ d: ParticipantDetail, limits: HealthThresholds) {
        let p = d.participant, client = p.client
        self.init(
            sessionId: d.session.id, participantId: d.participantId, name: p.name,
            attempts: p.attempts.map {
                APIModels.AttemptDTO(joinedMs: $0.joinedMs, joinedAt: APIModels.iso($0.joinedMs), leftMs: $0.leftMs,
                                     leftAt: APIModels.iso($0.leftMs), leaveReason: $0.leaveReason, setupMs: $0.setupMs)
            },
            totalDurationMs: d.totalDurationMs, joiningTimeMs: d.joiningTimeMs, location: client.location ?? "unknown",
            platform: client.platform?.rawValue, device: client.device, os: client.os, browser: client.browser,
            userAgent: client.userAgent, sdkName: client.sdkName, sdkVersion: client.sdkVersion, present: p.isPresent,
            health: MediaKind.allCases.map { kind in
                APIModels.KindHealthDTO(
                    KindHealth(participantId: d.participantId, kind: kind, summary: d.summary(of: kind), slices: d.slices(of: kind)),
                    limits: limits)
            })
    }
}

extension APIModels.StreamDTO {
    init(_ s: StreamInfo) {
        self.init(streamId: s.id, senderId: s.key.senderId, receiverId: s.key.receiverId, kind: s.key.kind.rawValue,
                  firstMs: s.firstMs, lastMs: s.lastMs, senderSamples: s.senderSamples, receiverSamples: s.receiverSamples)
    }
}

extension APIModels.EventDTO {
    init(_ entry: TimelineEntry, limits: HealthThresholds) {
        self.init(tsMs: entry.tsMs, time: APIModels.iso(entry.tsMs), participantId: entry.participantId, name: entry.name,
                  data: JSONBox(value: entry.data(limits: limits)))
    }
}

extension APIModels.ErrorDTO {
    init(_ r: ErrorReport) {
        let e = r.error
        self.init(tsMs: e.tsMs, time: APIModels.iso(e.tsMs), participantId: e.participantId, participantName: r.participantName,
                  code: e.code, message: e.message, severity: e.severity.rawValue, source: e.source.rawValue,
                  data: JSONBox(text: e.dataJSON), title: r.advice.title, explanation: r.advice.explanation,
                  suggestedFix: r.advice.fix)
    }
}
