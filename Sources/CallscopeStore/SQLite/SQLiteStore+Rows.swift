import CallscopeCore
import Foundation
import GRDB

/// How model values map to rows and back. Enums are stored as their raw values and read back
/// strictly (``StoredValueError``); a participant's client info and attempts are JSON objects in
/// the models' `Codable` form, because they are read and written whole and their fields grow.
extension SQLiteStore {
    static func session(_ row: Row) throws -> Session {
        Session(id: row["id"], projectId: row["project_id"], meetingId: row["meeting_id"],
                status: try parse(Session.Status.self, row["status"], "session", "status"),
                startMs: row["start_ms"], endMs: row["end_ms"], initiatingMs: row["initiating_ms"],
                errorCount: row["error_count"])
    }

    static func participant(_ row: Row) throws -> Participant {
        let seqsText: String = row["seqs"]
        guard let seqs = SeqRanges(parsing: seqsText) else {
            throw StoredValueError(table: "participant", column: "seqs", value: seqsText)
        }
        return Participant(
            sessionId: row["session_id"], participantId: row["participant_id"], name: row["name"],
            client: try json(ClientInfo.self, row["client"], "participant", "client"),
            attempts: try json([Attempt].self, row["attempts"], "participant", "attempts"),
            seqs: seqs, lastSeenMs: row["last_seen_ms"])
    }

    static func service(_ row: Row) throws -> ServiceUse {
        ServiceUse(sessionId: row["session_id"],
                   service: try parse(ServiceUse.Service.self, row["service"], "service_use", "service"),
                   startedMs: row["started_ms"], stoppedMs: row["stopped_ms"])
    }

    static func healthSlice(_ row: Row) throws -> HealthSlice {
        var figures = HealthAccumulator()
        figures.samples = row["samples"]
        figures.jitterSumMs = row["jitter_sum_ms"]
        figures.jitterCount = row["jitter_count"]
        figures.rttSumMs = row["rtt_sum_ms"]
        figures.rttCount = row["rtt_count"]
        figures.packetsExpected = row["packets_expected"]
        figures.packetsLost = row["packets_lost"]
        figures.sentPacketsExpected = row["sent_packets_expected"]
        figures.sentPacketsLost = row["sent_packets_lost"]
        figures.fpsSum = row["fps_sum"]
        figures.fpsCount = row["fps_count"]
        figures.freezeCount = row["freeze_count"]
        figures.bitrateSumKbps = row["bitrate_sum_kbps"]
        figures.bitrateCount = row["bitrate_count"]
        return HealthSlice(sessionId: row["session_id"], participantId: row["participant_id"],
                           kind: try parse(MediaKind.self, row["kind"], "health_slice", "kind"),
                           startMs: row["start_ms"], figures: figures)
    }

    static func event(_ row: Row) -> TimelineEvent {
        TimelineEvent(sessionId: row["session_id"], participantId: row["participant_id"], tsMs: row["ts_ms"],
                      name: row["name"], dataJSON: row["data"])
    }

    static func error(_ row: Row) throws -> SessionError {
        SessionError(sessionId: row["session_id"], participantId: row["participant_id"], tsMs: row["ts_ms"],
                     code: row["code"], message: row["message"],
                     severity: try parse(SessionError.Severity.self, row["severity"], "error", "severity"),
                     source: try parse(SessionError.Source.self, row["source"], "error", "source"),
                     dataJSON: row["data"])
    }

    static func streamInfo(_ row: Row) throws -> StreamInfo {
        let receiver: String = row["receiver_id"]
        let key = StreamKey(senderId: row["sender_id"], receiverId: receiver.isEmpty ? nil : receiver,
                            kind: try parse(MediaKind.self, row["kind"], "stream", "kind"))
        return StreamInfo(id: row["id"], sessionId: row["session_id"], key: key, firstMs: row["first_ms"],
                          lastMs: row["last_ms"], senderSamples: row["sender_samples"],
                          receiverSamples: row["receiver_samples"])
    }

    // MARK: Columns

    /// `sample_chunk.side`: 0 sender, 1 receiver.
    static func sideColumn(_ side: StreamSide) -> Int64 { side == .sender ? 0 : 1 }

    static func side(column value: Int64) throws -> StreamSide {
        switch value {
        case 0: .sender
        case 1: .receiver
        default: throw StoredValueError(table: "sample_chunk", column: "side", value: String(value))
        }
    }

    static func jsonText(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static func json<T: Decodable>(_ type: T.Type, _ text: String, _ table: String, _ column: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw StoredValueError(table: table, column: column, value: text)
        }
    }

    static func parse<T: RawRepresentable<String>>(_ type: T.Type, _ text: String, _ table: String,
                                                           _ column: String) throws -> T {
        guard let value = T(rawValue: text) else { throw StoredValueError(table: table, column: column, value: text) }
        return value
    }
}
