/// Who reported a stats message, and what the app said about its streams: what turns anonymous
/// rtp stats into streams between named participants.
///
/// ```swift
/// // A mesh call: this peer connection of "bob" carries only "alice"'s media.
/// let context = StreamContext(participantId: "bob", remoteParticipantId: "alice")
/// ```
public struct StreamContext: Sendable, Hashable {
    /// The participant whose browser produced the report.
    public var participantId: String
    /// The single remote participant of a mesh call's peer connection; `nil` for an SFU
    /// connection, which carries many remote participants (labels tell them apart).
    public var remoteParticipantId: String?
    public var labels: StreamLabels

    public init(participantId: String, remoteParticipantId: String? = nil, labels: StreamLabels = StreamLabels()) {
        self.participantId = participantId
        self.remoteParticipantId = remoteParticipantId
        self.labels = labels
    }
}
