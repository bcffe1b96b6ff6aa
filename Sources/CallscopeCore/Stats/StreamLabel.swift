/// What the app told the collector about one media stream: who is on the other end, and whether
/// it is a screen share. getStats knows neither, so without labels the dashboard could not tell
/// a screen share from a camera, nor whose stream an SFU forwards.
///
/// ```swift
/// let label = StreamLabel(remoteParticipantId: "alice", kind: .screenVideo)
/// ```
public struct StreamLabel: Sendable, Hashable {
    /// The participant at the other end: the sender of a received stream, the receiver of a sent one.
    public var remoteParticipantId: String?
    /// The kind the app gave; only its screen-share part overrides the rtp stat's own `kind`.
    public var kind: MediaKind?

    public init(remoteParticipantId: String? = nil, kind: MediaKind? = nil) {
        self.remoteParticipantId = remoteParticipantId
        self.kind = kind
    }
}
