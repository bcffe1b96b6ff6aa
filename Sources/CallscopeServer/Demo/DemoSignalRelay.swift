import CallscopeCore
import NIOWebSocket

/// The rooms of the demo call's signalling relay: meeting ID → participant ID → the queue of
/// frames going out on that participant's WebSocket.
///
/// Every method is synchronous: a frame is put on the recipient's queue (an `AsyncStream` that
/// the connection's own writer task drains), so frames from one sender reach a recipient in the
/// order they were relayed and a slow socket never holds the actor.
///
/// ```swift
/// let relay = DemoSignalRelay()
/// let (frames, queue) = AsyncStream<DemoSignalRelay.Outgoing>.makeStream()
/// switch relay.join(meetingId: "abcd-efgh-ijkl", participantId: "alice", queue: queue) {
/// case .joined(let connection): …   // "alice" got {"type":"peers","peers":[…]}
/// case .full: …
/// }
/// ```
actor DemoSignalRelay {
    /// Participants per room; the 17th connection is refused.
    static let maxParticipants = 16

    /// What a connection's writer task does next.
    enum Outgoing: Sendable, Equatable {
        case text(String)
        /// Close the socket (the connection was replaced by a newer one of the same participant).
        case close(WebSocketErrorCode, reason: String)
    }

    enum JoinResult: Sendable, Equatable {
        /// Joined; `connection` names this connection in `relay` and `leave`.
        case joined(connection: UInt64)
        /// The room has `maxParticipants` others already.
        case full
    }

    private struct Member {
        let connection: UInt64
        let queue: AsyncStream<Outgoing>.Continuation
    }

    private var rooms: [String: [String: Member]] = [:]
    private var lastConnection: UInt64 = 0

    init() {}

    /// Adds the connection: it gets `{"type":"peers","peers":[…]}` (the others, sorted), the
    /// others get `{"type":"joined","from":P}`, with `"resumed":true` when the page says it is
    /// reconnecting its signalling in the same call (its peer connections still carry media, so
    /// the others keep theirs). An earlier connection of the same participant is closed and
    /// replaced; the others are not told it left (they see `joined` again).
    func join(meetingId: String, participantId: String, resumed: Bool = false,
              queue: AsyncStream<Outgoing>.Continuation) -> JoinResult {
        var room = rooms[meetingId] ?? [:]
        if let old = room[participantId] {
            old.queue.yield(.close(.policyViolation, reason: "replaced by a newer connection"))
            old.queue.finish()
        } else if room.count >= Self.maxParticipants {
            return .full
        }
        lastConnection += 1
        room[participantId] = Member(connection: lastConnection, queue: queue)
        rooms[meetingId] = room

        let peers = room.keys.filter { $0 != participantId }.sorted()
        queue.yield(.text(Self.frame(["type": .string("peers"), "peers": .array(peers.map(JSONValue.string))])))
        var announcement: [String: JSONValue] = ["type": .string("joined"), "from": .string(participantId)]
        if resumed { announcement["resumed"] = .bool(true) }
        let joined = Self.frame(announcement)
        for peer in peers { room[peer]?.queue.yield(.text(joined)) }
        return .joined(connection: lastConnection)
    }

    /// Relays `message` (a JSON object with a string `to`) from `participantId` to its `to`,
    /// with `"from"` set to the sender. Returns `false` (and sends nothing) when the sender's
    /// connection is no longer current, the message has no `to`, or `to` is not in the room.
    @discardableResult
    func relay(_ message: [String: JSONValue], meetingId: String, participantId: String, connection: UInt64) -> Bool {
        guard let room = rooms[meetingId], room[participantId]?.connection == connection,
              let to = message["to"]?.string, to != participantId, let recipient = room[to] else { return false }
        var message = message
        message["from"] = .string(participantId)
        recipient.queue.yield(.text(Self.frame(message)))
        return true
    }

    /// Removes the connection (if it is still the participant's current one) and tells the
    /// others `{"type":"left","from":P}`.
    func leave(meetingId: String, participantId: String, connection: UInt64) {
        guard var room = rooms[meetingId], let member = room[participantId], member.connection == connection else { return }
        member.queue.finish()
        room[participantId] = nil
        if room.isEmpty {
            rooms[meetingId] = nil
            return
        }
        rooms[meetingId] = room
        let left = Self.frame(["type": .string("left"), "from": .string(participantId)])
        for other in room.values { other.queue.yield(.text(left)) }
    }

    /// Participant IDs in `meetingId`, sorted (for tests and logs).
    func participants(meetingId: String) -> [String] {
        (rooms[meetingId]?.keys).map { $0.sorted() } ?? []
    }

    private static func frame(_ members: [String: JSONValue]) -> String {
        JSONValue.object(members).serialized()
    }
}
