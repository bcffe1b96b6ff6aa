import CallscopeCore
import Hummingbird

extension APIModels {
    /// `diagnosis` of a session: the verdict's sentences and the problems behind them.
    struct DiagnosisDTO: ResponseEncodable {
        var verdict: [String]
        var problems: [ProblemDTO]
        /// Reports no problem explains: a connection that failed before media flowed, a reconnect
        /// storm, a refusing TURN server, statistics with a gap.
        var incidents: [IncidentDTO]
    }

    /// An error or a reconnect storm, with the knowledge base's advice.
    struct IncidentDTO: ResponseEncodable {
        var code: String
        var title: String
        var category: String
        var participantId: String?
        var name: String?
        var startMs: Int64
        var startTime: String?
        var endMs: Int64
        var count: Int
        var severity: String
        var explanation: String
        var suggestedFix: String
    }

    struct ProblemDTO: ResponseEncodable {
        /// Absent for a shared path (`direction` `relay`, or `unknown` for everyone at once).
        var participantId: String?
        var name: String?
        /// The other end of a path that could not be pinned to either.
        var otherParticipantId: String?
        var otherName: String?
        var direction: String
        var metric: String
        var startMs: Int64
        var startTime: String?
        var endMs: Int64
        var endTime: String?
        var ongoing: Bool
        var severity: String
        var affectedParticipantIds: [String]
        var affectedSenderIds: [String]
        var evidence: [EvidenceDTO]
        /// For a problem of one TURN relay: its address, and who sent through it.
        var relayAddress: String?
        var relayedParticipantIds: [String]
        /// What the clients reported meanwhile that can explain it.
        var incidents: [IncidentDTO]
    }

    struct EvidenceDTO: ResponseEncodable {
        var metric: String
        var unit: String
        var senderId: String
        var receiverId: String?
        var kind: String
        var side: String
        var startMs: Int64
        var endMs: Int64
        var worst: Double
        var median: Double
        var severity: String
    }
}

extension APIModels.DiagnosisDTO {
    init(_ d: Diagnosis, names: [String: String]) {
        self.init(verdict: d.verdict, problems: d.problems.map { APIModels.ProblemDTO($0, names: names) },
                  incidents: d.incidents.map { APIModels.IncidentDTO($0, names: names) })
    }
}

extension APIModels.ProblemDTO {
    init(_ p: Problem, names: [String: String]) {
        self.init(participantId: p.participantId, name: p.participantId.map { DisplayName.of($0, in: names) },
                  otherParticipantId: p.otherParticipantId, otherName: p.otherParticipantId.map { DisplayName.of($0, in: names) },
                  direction: p.direction.rawValue, metric: p.metric.rawValue,
                  startMs: p.startMs, startTime: APIModels.iso(p.startMs), endMs: p.endMs, endTime: APIModels.iso(p.endMs),
                  ongoing: p.ongoing, severity: p.severity.rawValue, affectedParticipantIds: p.affectedParticipantIds,
                  affectedSenderIds: p.affectedSenderIds, evidence: p.evidence.map(APIModels.EvidenceDTO.init),
                  relayAddress: p.relayAddress, relayedParticipantIds: p.relayedParticipantIds,
                  incidents: p.incidents.map { APIModels.IncidentDTO($0, names: names) })
    }
}

extension APIModels.IncidentDTO {
    init(_ i: CallIncident, names: [String: String]) {
        self.init(code: i.code, title: i.advice.title, category: i.advice.category.rawValue, participantId: i.participantId,
                  name: i.participantId.map { DisplayName.of($0, in: names) }, startMs: i.startMs, startTime: APIModels.iso(i.startMs),
                  endMs: i.endMs, count: i.count, severity: i.severity.rawValue, explanation: i.advice.explanation,
                  suggestedFix: i.advice.fix)
    }
}

extension APIModels.EvidenceDTO {
    init(_ e: ProblemEvidence) {
        self.init(metric: e.metric.rawValue, unit: e.metric.unit, senderId: e.key.senderId, receiverId: e.key.receiverId,
                  kind: e.key.kind.rawValue, side: e.side.rawValue, startMs: e.startMs, endMs: e.endMs,
                  worst: e.worst, median: e.median, severity: e.severity.rawValue)
    }
}
