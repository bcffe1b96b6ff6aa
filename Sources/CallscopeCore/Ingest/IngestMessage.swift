/// One message of ingest protocol v1 (`docs/ingest-protocol.md`): what every source of data —
/// the browser collector, an rtcstats client, an imported dump, `callscope simulate` — becomes.
///
/// ```swift
/// let messages = try IngestMessage.decodeBatch(JSONValue.parse(body))
/// ```
public struct IngestMessage: Sendable, Hashable {
    /// `nil` only on a `join` that asks the server to generate a meeting ID, or on a `service`
    /// message from an app's backend that names the session instead.
    public var meetingId: String?
    /// `nil` only on a `service` message sent by an app's backend.
    public var participantId: String?
    /// Per-participant strictly increasing; `nil` only where `participantId` is.
    public var seq: Int64?
    /// Client timestamp, ms since the epoch.
    public var tsMs: Int64
    public var payload: Payload

    public init(meetingId: String?, participantId: String?, seq: Int64?, tsMs: Int64, payload: Payload) {
        self.meetingId = meetingId
        self.participantId = participantId
        self.seq = seq
        self.tsMs = tsMs
        self.payload = payload
    }

    public enum Payload: Sendable, Hashable {
        case join(Join)
        case leave(reason: String)
        case stats(Stats)
        case event(name: String, data: JSONValue)
        case error(Failure)
        case service(ServiceChange)
    }

    public struct Join: Sendable, Hashable {
        public var name: String?
        public var client: ClientInfo
        public var setupMs: Int64?

        public init(name: String?, client: ClientInfo, setupMs: Int64?) {
            self.name = name
            self.client = client
            self.setupMs = setupMs
        }
    }

    public struct Stats: Sendable, Hashable {
        public enum Body: Sendable, Hashable {
            /// The whole `getStats()` report.
            case full(JSONValue)
            /// Only what changed since the previous report of this `pc` (see `StatsReport.apply`).
            case delta(JSONValue)
        }

        public var pc: String
        public var remoteParticipantId: String?
        public var labels: JSONValue?
        public var body: Body
        /// The report's timestamp for stats that carry none in a delta.
        public var timestampMs: Double?

        public init(pc: String, remoteParticipantId: String?, labels: JSONValue?, body: Body, timestampMs: Double?) {
            self.pc = pc
            self.remoteParticipantId = remoteParticipantId
            self.labels = labels
            self.body = body
            self.timestampMs = timestampMs
        }
    }

    public struct Failure: Sendable, Hashable {
        public var code: String
        public var message: String
        public var severity: SessionError.Severity
        public var source: SessionError.Source
        public var data: JSONValue

        public init(code: String, message: String, severity: SessionError.Severity, source: SessionError.Source,
                    data: JSONValue) {
            self.code = code
            self.message = message
            self.severity = severity
            self.source = source
            self.data = data
        }
    }

    public struct ServiceChange: Sendable, Hashable {
        public enum Action: String, Sendable, Hashable, CaseIterable { case started, stopped }

        public var service: ServiceUse.Service
        public var action: Action
        /// A backend may name the session directly instead of the meeting.
        public var sessionId: String?

        public init(service: ServiceUse.Service, action: Action, sessionId: String? = nil) {
            self.service = service
            self.action = action
            self.sessionId = sessionId
        }
    }

    public var isJoin: Bool {
        if case .join = payload { return true }
        return false
    }

    /// The protocol's name of the message type.
    public var typeName: String {
        switch payload {
        case .join: "join"
        case .leave: "leave"
        case .stats: "stats"
        case .event: "event"
        case .error: "error"
        case .service: "service"
        }
    }
}
