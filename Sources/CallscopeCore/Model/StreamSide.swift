/// Which end of a stream measured a sample: the sender (from its `outbound-rtp` and
/// `remote-inbound-rtp` stats) or the receiver (from its `inbound-rtp` stats).
/// The session-stats screen draws the two sides of one stream against each other.
public enum StreamSide: String, Sendable, Hashable, CaseIterable, Codable {
    case sender
    case receiver
}
