import CallscopeCore
import CallscopeStore
import Foundation
import Hummingbird

/// JSON shapes of API v1. Times are `…Ms` (ms since the epoch) with an ISO 8601 twin for people.
enum APIModels {
    /// The API's JSON writer (every answer, the JSON export): keys in sorted order, so that an
    /// answer is the same bytes each time and diffs cleanly.
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }

    static func iso(_ ms: Int64?) -> String? {
        guard let ms else { return nil }
        // Half a millisecond more, so that the formatter (which truncates) prints the same ms.
        return Date(timeIntervalSince1970: (Double(ms) + 0.5) / 1000).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    struct SessionSummaryDTO: ResponseEncodable {
        var sessionId: String
        var meetingId: String
        var status: String
        var startMs: Int64
        var startTime: String?
        var endMs: Int64?
        var endTime: String?
        var durationMs: Int64
        var uniqueParticipants: Int
        var errorCount: Int
    }

    struct SessionListDTO: ResponseEncodable {
        var sessions: [SessionSummaryDTO]
        var total: Int
        var limit: Int
        var offset: Int
    }

    struct ServiceDTO: ResponseEncodable {
        var service: String
        var startedMs: Int64
        var startedAt: String?
        var stoppedMs: Int64?
        var stoppedAt: String?
    }

    struct HealthSummaryDTO: ResponseEncodable {
        var kind: String
        var overall: String?
        var good: Double
        var moderate: Double
        var poor: Double
        var slices: Int
    }

    struct ParticipantRowDTO: ResponseEncodable {
        var participantId: String
        var name: String?
        /// Time the participant took to establish its connection (first attempt that reported it).
        var joinTimeMs: Int64?
        var durationMs: Int64
        var present: Bool
        var health: [HealthSummaryDTO]
    }

    struct SessionDTO: ResponseEncodable {
        var sessionId: String
        var meetingId: String
        var status: String
        var initiatingTimeMs: Int64?
        var startMs: Int64
        var startTime: String?
        var endMs: Int64?
        var endTime: String?
        var durationMs: Int64
        var uniqueParticipants: Int
        var participantMinutes: Double
        var errorCount: Int
        var services: [ServiceDTO]
        var participants: [ParticipantRowDTO]
        var diagnosis: DiagnosisDTO
    }

    struct AttemptDTO: ResponseEncodable {
        var joinedMs: Int64
        var joinedAt: String?
        var leftMs: Int64?
        var leftAt: String?
        var leaveReason: String?
        var setupMs: Int64?
    }

    struct HealthSliceDTO: ResponseEncodable {
        var startMs: Int64
        var colour: String?
        var samples: Int64
        var jitterMs: Double?
        var rttMs: Double?
        var lossPercent: Double?
        var sentLossPercent: Double?
        var receivedLossPercent: Double?
        var fps: Double?
        var freezes: Int64
        var bitrateKbps: Double?
    }

    struct KindHealthDTO: ResponseEncodable {
        var participantId: String
        var kind: String
        var summary: HealthSummaryDTO?
        var slices: [HealthSliceDTO]
    }

    struct ParticipantDTO: ResponseEncodable {
        var sessionId: String
        var participantId: String
        var name: String?
        var attempts: [AttemptDTO]
        var totalDurationMs: Int64
        var joiningTimeMs: Int64?
        var location: String
        var platform: String?
        var device: String?
        var os: String?
        var browser: String?
        var userAgent: String?
        var sdkName: String?
        var sdkVersion: String?
        var present: Bool
        var health: [KindHealthDTO]
    }

    struct StreamDTO: ResponseEncodable {
        var streamId: Int64
        var senderId: String
        var receiverId: String?
        var kind: String
        var firstMs: Int64
        var lastMs: Int64
        var senderSamples: Int64
        var receiverSamples: Int64
    }

    /// Samples are sent as ``StreamSample`` encodes itself: its field names are the API's.
    struct SamplesDTO: ResponseEncodable {
        var stream: StreamDTO
        var samples: [StreamSample]
    }

    struct EventDTO: ResponseEncodable {
        var tsMs: Int64
        var time: String?
        var participantId: String?
        var name: String
        var data: JSONBox
    }

    struct ErrorDTO: ResponseEncodable {
        var tsMs: Int64
        var time: String?
        var participantId: String?
        var participantName: String?
        var code: String
        var message: String
        var severity: String
        var source: String
        var data: JSONBox
        /// What the code means and what to do (`ErrorAdvice`).
        var title: String
        var explanation: String
        var suggestedFix: String
    }

    struct ListDTO<Item: Encodable & Sendable>: ResponseEncodable {
        var items: [Item]
    }

    struct KickDTO: ResponseEncodable {
        var sessionId: String
        var participantId: String
        var kicked: Bool
        var delivered: Bool
        var note: String
    }
}

/// Stored JSON text (event data) re-emitted as JSON, not as a string.
struct JSONBox: Encodable, Sendable {
    var value: JSONValue

    init(text: String) {
        value = (try? JSONValue.parse(text)) ?? .object([:])
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch value {
        case .null: try container.encodeNil()
        case .bool(let b): try container.encode(b)
        case .number(let n): try container.encode(n)
        case .string(let s): try container.encode(s)
        case .array(let a): try container.encode(a.map(JSONBoxElement.init))
        case .object(let o): try container.encode(o.mapValues(JSONBoxElement.init))
        }
    }
}

private struct JSONBoxElement: Encodable {
    var value: JSONValue
    init(_ value: JSONValue) { self.value = value }
    func encode(to encoder: any Encoder) throws { try JSONBox(value: value).encode(to: encoder) }
}

extension JSONBox {
    init(value: JSONValue) { self.value = value }
}
