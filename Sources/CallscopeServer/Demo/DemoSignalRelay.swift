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
/// let (frames, queue) = AsyncStream<DemoSignalRelay.Outgoing>.makeStream(bufferingPolicy: .bufferingOldest(256))
/// switch relay.join(meetingId: "abcd-efgh-ijkl", participantId: "alice", queue: queue) {
/// case .joined(let connection, let token): …   // "alice" got {"type":"peers","peers":[…],"token":…}
/// case .full, .taken, .busy: …
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
        /// Joined; `connection` names this connection in `relay` and `leave`; `token` lets a later
        /// connection of the same participant (a reload, a reconnect) take its place.
        case joined(connection: UInt64, token: String)
        /// The room has `maxParticipants` others already.
        case full
        /// The participant is connected already and this connection did not bring its token:
        /// nobody takes over another's participant ID.
        case taken
        /// The relay holds `maxRooms` rooms or `maxSockets` sockets already.
        case busy
    }

    private struct Member {
        let connection: UInt64
        let token: String
        let queue: AsyncStream<Outgoing>.Continuation
    }

    let maxRooms: Int
    let maxSockets: Int
    private var rooms: [String: [String: Member]] = [:]
    private var sockets = 0
    private var lastConnection: UInt64 = 0

    init(maxRooms: Int = 200, maxSockets: Int = 1_000) {
        self.maxRooms = maxRooms
        self.maxSockets = maxSockets
    }

    /// Adds the connection: it gets `{"type":"peers","peers":[…],"token":T}` (the others, sorted,
    /// and the token a later connection of this participant must bring), the others get
    /// `{"type":"joined","from":P}`, with `"resumed":true` when the page says it is
    /// reconnecting its signalling in the same call (its peer connections still carry media, so
    /// the others keep theirs). An earlier connection of the same participant is closed and
    /// replaced only when `token` is its token (the same tab reloading or reconnecting); the
    /// others are not told it left (they see `joined` again).
    ///
    /// `queue` must buffer a bounded number of frames (`bufferingOldest`): a member whose queue
    /// is full does not read, and is dropped from the room (its queue finished).
    func join(meetingId: String, participantId: String, token: String? = nil, resumed: Bool = false,
              queue: AsyncStream<Outgoing>.Continuation) -> JoinResult {
        var room = rooms[meetingId] ?? [:]
        let memberToken: String
        if let old = room[participantId] {
            guard let token, token == old.token else { return .taken }
            old.queue.yield(.close(.policyViolation, reason: "replaced by a newer connection"))
            old.queue.finish()
            memberToken = old.token
        } else {
            if room.count >= Self.maxParticipants { return .full }
            if sockets >= maxSockets || (room.isEmpty && rooms.count >= maxRooms) { return .busy }
            sockets += 1
            memberToken = Credentials.generate(prefix: "")
        }
        lastConnection += 1
        room[participantId] = Member(connection: lastConnection, token: memberToken, queue: queue)
        rooms[meetingId] = room

        let peers = room.keys.filter { $0 != participantId }.sorted()
        queue.yield(.text(Self.frame(["type": .string("peers"), "peers": .array(peers.map(JSONValue.string)),
                                      "token": .string(memberToken)])))
        var announcement: [String: JSONValue] = ["type": .string("joined"), "from": .string(participantId)]
        if resumed { announcement["resumed"] = .bool(true) }
        send(Self.frame(announcement), to: peers, in: meetingId)
        return .joined(connection: lastConnection, token: memberToken)
    }

    /// Relays `message` (a JSON object with a string `to`) from `participantId` to its `to`,
    /// with `"from"` set to the sender. Returns `false` (and sends nothing) when the sender's
    /// connection is no longer current, the message has no `to`, or `to` is not in the room.
    @discardableResult
    func relay(_ message: [String: JSONValue], meetingId: String, participantId: String, connection: UInt64) -> Bool {
        guard let room = rooms[meetingId], room[participantId]?.connection == connection,
              let to = message["to"]?.string, to != participantId, room[to] != nil else { return false }
        var message = message
        message["from"] = .string(participantId)
        send(Self.frame(message), to: [to], in: meetingId)
        return true
    }

    /// Removes the connection (if it is still the participant's current one) and tells the
    /// others `{"type":"left","from":P}`.
    func leave(meetingId: String, participantId: String, connection: UInt64) {
        guard let member = rooms[meetingId]?[participantId], member.connection == connection else { return }
        remove(participantId, from: meetingId)
    }

    /// Participant IDs in `meetingId`, sorted (for tests and logs).
    func participants(meetingId: String) -> [String] {
        (rooms[meetingId]?.keys).map { $0.sorted() } ?? []
    }

    /// Queues `frame` for each of `recipients`; one whose queue is full is not reading, and is
    /// dropped from the room (its writer ends, which closes its socket).
    private func send(_ frame: String, to recipients: [String], in meetingId: String) {
        var stalled: [String] = []
        for id in recipients {
            guard let member = rooms[meetingId]?[id] else { continue }
            if case .dropped = member.queue.yield(.text(frame)) { stalled.append(id) }
        }
        for id in stalled { remove(id, from: meetingId) }
    }

    private func remove(_ participantId: String, from meetingId: String) {
        guard var room = rooms[meetingId], let member = room.removeValue(forKey: participantId) else { return }
        member.queue.finish()
        sockets -= 1
        rooms[meetingId] = room.isEmpty ? nil : room
        guard !room.isEmpty else { return }
        send(Self.frame(["type": .string("left"), "from": .string(participantId)]), to: Array(room.keys), in: meetingId)
    }

    private static func frame(_ members: [String: JSONValue]) -> String {
        JSONValue.object(members).serialized()
    }
}
