import CallscopeCore
import Hummingbird

extension APIModels {
    /// `diagnosis` of a session: the verdict's sentences and the problems behind them.
    struct DiagnosisDTO: ResponseEncodable {
        var verdict: [String]
        var problems: [ProblemDTO]
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
        self.init(verdict: d.verdict, problems: d.problems.map { APIModels.ProblemDTO($0, names: names) })
    }
}

extension APIModels.ProblemDTO {
    init(_ p: Problem, names: [String: String]) {
        self.init(participantId: p.participantId, name: p.participantId.map { names[$0] ?? $0 },
                  otherParticipantId: p.otherParticipantId, otherName: p.otherParticipantId.map { names[$0] ?? $0 },
                  direction: p.direction.rawValue, metric: p.metric.rawValue,
                  startMs: p.startMs, startTime: APIModels.iso(p.startMs), endMs: p.endMs, endTime: APIModels.iso(p.endMs),
                  ongoing: p.ongoing, severity: p.severity.rawValue, affectedParticipantIds: p.affectedParticipantIds,
                  affectedSenderIds: p.affectedSenderIds, evidence: p.evidence.map(APIModels.EvidenceDTO.init))
    }
}

extension APIModels.EvidenceDTO {
    init(_ e: ProblemEvidence) {
        self.init(metric: e.metric.rawValue, unit: e.metric.unit, senderId: e.key.senderId, receiverId: e.key.receiverId,
                  kind: e.key.kind.rawValue, side: e.side.rawValue, startMs: e.startMs, endMs: e.endMs,
                  worst: e.worst, median: e.median, severity: e.severity.rawValue)
    }
}
