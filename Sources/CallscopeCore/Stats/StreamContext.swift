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
    /// The `ts` of the message that carried the report: stats whose own `timestamp` is far from
    /// it are dropped. `nil` (a report with no message, e.g. restored after a restart): only
    /// times from 1970 to year 9999 are taken.
    public var messageTsMs: Int64?

    public init(participantId: String, remoteParticipantId: String? = nil, labels: StreamLabels = StreamLabels(),
                messageTsMs: Int64? = nil) {
        self.participantId = participantId
        self.remoteParticipantId = remoteParticipantId
        self.labels = labels
        self.messageTsMs = messageTsMs
    }
}
