/// Bounds on connections and the work they may cause, beside ``IngestLimits``'s bounds on data:
/// how long an idle HTTP connection may stay open, how many live-update streams and collector
/// frames may be open or queued, how many bcrypt checks may run at once. `docs/limits.md` lists
/// each with its flag.
public struct ConnectionLimits: Sendable, Hashable {
    /// An HTTP/1 connection with no request in progress (or a request whose head does not
    /// arrive) is closed after this long: a slow client cannot hold sockets forever.
    public var idleTimeoutSeconds = 60
    /// Server-sent-event streams (open dashboard pages) per signed-in browser session.
    public var maxLiveStreamsPerViewer = 16
    /// Server-sent-event streams per share link (everyone holding one link together).
    public var maxLiveStreamsPerShareLink = 16
    /// Server-sent-event streams in total.
    public var maxLiveStreams = 1_000
    /// Frames of one collector WebSocket read but not yet answered: past it the server stops
    /// reading that socket until answers are written (a client that does not read its answers
    /// cannot make the server queue them without end).
    public var maxCollectorFramesInFlight = 16
    /// bcrypt checks running at once for one client address, and in total: beyond them a
    /// sign-in is answered 429 at once instead of queueing CPU work.
    public var maxSignInsInFlightPerAddress = 2
    public var maxSignInsInFlight = 8
    /// Demo signalling: rooms, sockets in total, and frames queued for one socket before it is
    /// closed as a reader that does not read.
    public var maxDemoRooms = 200
    public var maxDemoSockets = 1_000
    public var maxDemoQueuedFrames = 256

    public init() {}
}
