import CallscopeCore

/// A sample with the stream it belongs to.
public struct KeyedSample: Sendable, Hashable {
    public var sessionId: String
    public var key: StreamKey
    public var sample: StreamSample

    public init(sessionId: String, key: StreamKey, sample: StreamSample) {
        self.sessionId = sessionId
        self.key = key
        self.sample = sample
    }
}
