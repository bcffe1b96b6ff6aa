import Foundation

/// The server's one time source: milliseconds since the epoch. Every part that needs "now"
/// (ingest's time windows, session time-outs, kicks, durations of ongoing sessions, sign-in
/// sessions, share links' expiry, notes) reads the ``ServerConfiguration/clock`` it was given,
/// so that tests can run "in" the days of their fixtures or step time by hand.
///
/// (It is not a Swift `Clock`: those measure intervals for sleeping; this one tells the date.)
public struct WallClock: Sendable {
    private let readMs: @Sendable () -> Int64

    /// The system's clock.
    public static let system = WallClock { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    /// A clock that reads `readMs`.
    public init(_ readMs: @escaping @Sendable () -> Int64) {
        self.readMs = readMs
    }

    /// The system's clock shifted by `offsetMs`.
    public init(offsetMs: Int64) {
        self.init { WallClock.system.nowMs() + offsetMs }
    }

    public func nowMs() -> Int64 { readMs() }
}
