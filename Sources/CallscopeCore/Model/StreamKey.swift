/// Identifies one media flow inside a session: who sends it, who receives it, and what it carries.
///
/// `receiverId` is `nil` for what a participant sends to an SFU, where the receivers are unknown
/// to the sender. `senderId` is always set; when the app did not label a received stream it is
/// `"unknown:<mid or ssrc>"` so that streams from different unknown senders stay apart.
public struct StreamKey: Sendable, Hashable, Codable, CustomStringConvertible {
    public var senderId: String
    public var receiverId: String?
    public var kind: MediaKind

    public init(senderId: String, receiverId: String?, kind: MediaKind) {
        self.senderId = senderId
        self.receiverId = receiverId
        self.kind = kind
    }

    public var description: String { "\(senderId)→\(receiverId ?? "*") \(kind.rawValue)" }
}
