/// One stream's metrics at one stats tick, with the stream it belongs to.
///
/// ```swift
/// for derived in samples where derived.key.kind == .video {
///     print(derived.key, derived.sample.bitrateKbps ?? 0)
/// }
/// ```
public struct DerivedSample: Sendable, Hashable {
    public var key: StreamKey
    public var sample: StreamSample

    public init(key: StreamKey, sample: StreamSample) {
        self.key = key
        self.sample = sample
    }
}
