import CallscopeCore
import Hummingbird

extension APIModels {
    /// `GET /api/v1/sessions/{id}/quality`: quality scores over time (docs/quality.md §2–3).
    struct QualityDTO: ResponseEncodable {
        /// One point per slice of this length, at the slice's start.
        var sliceMs: Int64
        var streams: [StreamQualityDTO]
        /// Per participant and kind: what they received (`direction` `received`) and how the
        /// others received them (`sent`).
        var participants: [ParticipantQualityDTO]
    }

    struct QualityPointDTO: ResponseEncodable {
        var startMs: Int64
        var score: Double
    }

    struct StreamQualityDTO: ResponseEncodable {
        var streamId: Int64?
        var senderId: String
        var receiverId: String?
        var kind: String
        /// `mos` (audio, 1–4.5) or `video` (1–5).
        var scale: String
        var median: Double?
        var worst: Double?
        var points: [QualityPointDTO]
    }

    struct ParticipantQualityDTO: ResponseEncodable {
        var participantId: String
        var name: String
        var direction: String
        var kind: String
        var scale: String
        var median: Double?
        var worst: Double?
        var points: [QualityPointDTO]
    }
}

extension APIModels.QualityDTO {
    init(_ scores: QualityScores, streamIds: [StreamKey: Int64], names: [String: String]) {
        func points(_ series: QualityScores.Series) -> [APIModels.QualityPointDTO] {
            series.points.map { .init(startMs: $0.startMs, score: ($0.score * 1000).rounded() / 1000) }
        }
        func round(_ x: Double?) -> Double? { x.map { ($0 * 1000).rounded() / 1000 } }
        func scale(_ kind: MediaKind) -> String { kind.isVideo ? "video" : "mos" }
        let people = { (direction: String, list: [QualityScores.ParticipantScores]) in
            list.map { p in
                APIModels.ParticipantQualityDTO(participantId: p.participantId, name: DisplayName.of(p.participantId, in: names),
                                                direction: direction, kind: p.kind.rawValue, scale: scale(p.kind),
                                                median: round(p.scores.median), worst: round(p.scores.worst), points: points(p.scores))
            }
        }
        self.init(
            sliceMs: scores.sliceMs,
            streams: scores.streams.map { s in
                APIModels.StreamQualityDTO(streamId: streamIds[s.key], senderId: s.key.senderId, receiverId: s.key.receiverId,
                                           kind: s.key.kind.rawValue, scale: scale(s.key.kind), median: round(s.scores.median),
                                           worst: round(s.scores.worst), points: points(s.scores))
            },
            participants: people("received", scores.received) + people("sent", scores.sent))
    }
}
