/// The last full stats report of one peer connection, saved at a graceful shutdown so that the
/// collectors' next `delta` messages still apply after the restart.
public struct PeerConnectionSnapshot: Sendable, Hashable {
    public var sessionId: String
    public var participantId: String
    public var pcId: String
    /// The reconstructed report as JSON text.
    public var reportJSON: String

    public init(sessionId: String, participantId: String, pcId: String, reportJSON: String) {
        self.sessionId = sessionId
        self.participantId = participantId
        self.pcId = pcId
        self.reportJSON = reportJSON
    }
}
