import CallscopeCore

/// A stream of a session and how many samples each side has.
public struct StreamInfo: Sendable, Hashable {
    public var id: Int64
    public var sessionId: String
    public var key: StreamKey
    public var firstMs: Int64
    public var lastMs: Int64
    public var senderSamples: Int64
    public var receiverSamples: Int64

    public init(id: Int64, sessionId: String, key: StreamKey, firstMs: Int64, lastMs: Int64,
                senderSamples: Int64, receiverSamples: Int64) {
        self.id = id
        self.sessionId = sessionId
        self.key = key
        self.firstMs = firstMs
        self.lastMs = lastMs
        self.senderSamples = senderSamples
        self.receiverSamples = receiverSamples
    }
}
