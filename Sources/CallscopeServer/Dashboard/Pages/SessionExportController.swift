import CallscopeCore
import CallscopeStore
import Foundation
import Hummingbird

/// A session's data to take away: CSV with one row per stream sample (streamed stream by stream,
/// so an hour of fifty participants never sits in memory), and JSON with the whole session
/// (overview, participants, streams with their samples, timeline, errors, notes). From the page
/// (`/sessions/{id}/export.csv|json`, signed in) and the API (`/api/v1/sessions/{id}/export.csv|json`).
struct SessionExportController: Sendable {
    let queries: SessionQueries

    func addRoutes(pages: some RouterMethods<AppRequestContext>, api group: RouterGroup<AppRequestContext>) {
        pages.get("/sessions/:sessionId/export.csv", use: csv)
        pages.get("/sessions/:sessionId/export.json", use: json)
        group.get("sessions/:sessionId/export.csv", use: csv)
        group.get("sessions/:sessionId/export.json", use: json)
    }

    static let csvColumns = [
        "session_id", "meeting_id", "stream_id", "sender_id", "receiver_id", "kind", "side", "ts_ms", "time_utc",
        "bitrate_kbps", "packets", "packets_lost", "loss_percent", "jitter_ms", "rtt_ms", "fps", "frame_width",
        "frame_height", "freeze_count", "freeze_duration_ms", "concealment_percent", "jitter_buffer_delay_ms",
        "quality_limitation",
    ]

    @Sendable func csv(_ request: Request, context: AppRequestContext) async throws -> Response {
        let session = try await queries.session(request, context)
        let streams = try await queries.streams(of: session)
        let queries = self.queries
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: Self.csvColumns.joined(separator: ",") + "\r\n"))
            for stream in streams {
                let samples = try await queries.samples(of: stream)
                var chunk = ""
                for s in samples {
                    chunk += Self.row(session: session, stream: stream, sample: s)
                    if chunk.utf8.count > 64 * 1024 {
                        try await writer.write(ByteBuffer(string: chunk))
                        chunk = ""
                    }
                }
                if !chunk.isEmpty { try await writer.write(ByteBuffer(string: chunk)) }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: Self.download("text/csv; charset=utf-8", "callscope-\(session.id).csv"), body: body)
    }

    @Sendable func json(_ request: Request, context: AppRequestContext) async throws -> Response {
        let session = try await queries.session(request, context)
        let digest = try await queries.healthDigest(of: session)
        let overview = try await queries.overview(of: session, digest: digest)
        let limits = try await queries.limits(of: session)
        var participants: [APIModels.ParticipantDTO] = []
        for p in overview.participants {
            participants.append(APIModels.ParticipantDTO(try await queries.participant(p.participantId, of: session), limits: limits))
        }
        var streams: [StreamExport] = []
        let streamInfos = try await queries.streams(of: session)
        let diagnosis = try await queries.diagnosis(of: session, streams: streamInfos, names: overview.names)
        for stream in streamInfos {
            streams.append(StreamExport(
                streamId: stream.id, senderId: stream.key.senderId, receiverId: stream.key.receiverId,
                kind: stream.key.kind.rawValue, samples: try await queries.samples(of: stream)))
        }
        let timeline = try await queries.timeline(of: session, digest: digest)
        let export = SessionExport(
            exportedAt: APIModels.iso(queries.clock.nowMs()), session: APIModels.SessionDTO(overview, diagnosis: diagnosis), participants: participants,
            streams: streams, events: timeline.entries.map { APIModels.EventDTO($0, limits: limits) },
            errors: try await queries.errors(of: session).map(APIModels.ErrorDTO.init),
            notes: try await queries.notes(of: session).map(SessionNotesController.dto))
        let data = try APIModels.encoder.encode(export)
        return Response(status: .ok, headers: Self.download("application/json; charset=utf-8", "callscope-\(session.id).json"),
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    struct StreamExport: Encodable, Sendable {
        var streamId: Int64
        var senderId: String
        var receiverId: String?
        var kind: String
        var samples: [StreamSample]
    }

    struct SessionExport: Encodable, Sendable {
        var format = "callscope-session-export/1"
        var exportedAt: String?
        var session: APIModels.SessionDTO
        var participants: [APIModels.ParticipantDTO]
        var streams: [StreamExport]
        var events: [APIModels.EventDTO]
        var errors: [APIModels.ErrorDTO]
        var notes: [SessionNotesController.NoteDTO]
    }

    static func row(session: Session, stream: StreamInfo, sample s: StreamSample) -> String {
        let fields: [String] = [
            session.id, session.meetingId, String(stream.id), stream.key.senderId, stream.key.receiverId ?? "",
            stream.key.kind.rawValue, s.side.rawValue, String(s.tsMs), DisplayFormat.dateTime(s.tsMs),
            number(s.bitrateKbps), s.packets.map(String.init) ?? "", s.packetsLost.map(String.init) ?? "",
            number(s.lossPercent), number(s.jitterMs), number(s.rttMs), number(s.fps), s.frameWidth.map(String.init) ?? "",
            s.frameHeight.map(String.init) ?? "", s.freezeCount.map(String.init) ?? "", number(s.freezeDurationMs),
            number(s.concealmentPercent), number(s.jitterBufferDelayMs), s.qualityLimitation?.rawValue ?? "",
        ]
        return fields.map(cell).joined(separator: ",") + "\r\n"
    }

    /// RFC 4180 quoting; a cell that a spreadsheet would run as a formula (=, +, -, @) is prefixed
    /// with an apostrophe, since participant IDs come from browsers.
    static func cell(_ value: String) -> String {
        var v = value
        if let first = v.first, "=+-@\t\r".contains(first), Double(v) == nil { v = "'" + v }
        guard v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return v }
        return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return String(format: "%.3f", value).replacingOccurrences(of: #"\.?0+$"#, with: "", options: .regularExpression)
    }

    static func download(_ type: String, _ filename: String) -> HTTPFields {
        [.contentType: type, .contentDisposition: "attachment; filename=\"\(filename)\"", .cacheControl: "no-store",
         .xContentTypeOptions: "nosniff"]
    }
}
