import ArgumentParser
import CallscopeCore
import CallscopeServer

/// `callscope serve`'s limit flags: one per bound of ``IngestLimits`` and ``ConnectionLimits``,
/// each defaulting to the library's default. `docs/limits.md` is the table of them.
struct LimitOptions: ParsableArguments {
    private static let ingest = IngestLimits()
    private static let connections = ConnectionLimits()

    @Option(help: "Hours a message's ts may be from the server's clock (and a stat's timestamp from its message's ts).")
    var maxClockSkewHours = Int(Self.ingest.maxClockSkewMs / 3_600_000)
    @Option(help: "Participants one session (meeting) may hold.")
    var maxParticipants = Self.ingest.maxParticipantsPerMeeting
    @Option(help: "Ongoing meetings per project.")
    var maxOngoingMeetings = Self.ingest.maxOngoingMeetingsPerProject
    @Option(help: "Peer connections per project whose last report the server keeps.")
    var maxPeerConnections = Self.ingest.maxPeerConnectionsPerProject
    @Option(help: "Stat objects in one stats report.")
    var maxStatsPerReport = Self.ingest.maxStatsPerReport
    @Option(help: "Gaps between stored seqs per participant.")
    var maxSeqGaps = Self.ingest.maxSeqRanges
    @Option(help: "How far above a participant's highest stored seq a new seq may be.")
    var maxSeqJump = Int(Self.ingest.maxSeqJump)
    @Option(help: "Entries per label section (mid, trackIdentifier, ssrc) of a stats message.")
    var maxLabels = Self.ingest.maxLabelsPerSection
    @Option(help: "Bytes (UTF-8) of a meeting, participant or peer-connection ID.")
    var maxIdBytes = Self.ingest.maxIDBytes
    @Option(help: "Seconds an idle HTTP connection (or one whose request head does not arrive) stays open.")
    var idleTimeout = Self.connections.idleTimeoutSeconds
    @Option(help: "Live-update streams (open dashboard pages) in total.")
    var maxLiveStreams = Self.connections.maxLiveStreams
    @Option(help: "Live-update streams per signed-in browser.")
    var maxLiveStreamsPerViewer = Self.connections.maxLiveStreamsPerViewer
    @Option(help: "Live-update streams per share link.")
    var maxLiveStreamsPerLink = Self.connections.maxLiveStreamsPerShareLink
    @Option(help: "Frames of one collector WebSocket read ahead of their answers.")
    var maxFramesInFlight = Self.connections.maxCollectorFramesInFlight
    @Option(help: "Password checks (sign-ins) running at once in total.")
    var maxSignIns = Self.connections.maxSignInsInFlight
    @Option(help: "Password checks (sign-ins) running at once per client address.")
    var maxSignInsPerAddress = Self.connections.maxSignInsInFlightPerAddress
    @Option(help: "Rooms of the demo call's signalling relay.")
    var maxDemoRooms = Self.connections.maxDemoRooms
    @Option(help: "Sockets of the demo call's signalling relay.")
    var maxDemoSockets = Self.connections.maxDemoSockets
    @Option(help: "Frames queued for one demo signalling socket before it is closed as not reading.")
    var maxDemoQueue = Self.connections.maxDemoQueuedFrames

    func validate() throws {
        let all: [(String, Int)] = [
            ("--max-clock-skew-hours", maxClockSkewHours), ("--max-participants", maxParticipants),
            ("--max-ongoing-meetings", maxOngoingMeetings), ("--max-peer-connections", maxPeerConnections),
            ("--max-stats-per-report", maxStatsPerReport), ("--max-seq-gaps", maxSeqGaps), ("--max-seq-jump", maxSeqJump),
            ("--max-labels", maxLabels), ("--max-id-bytes", maxIdBytes), ("--idle-timeout", idleTimeout),
            ("--max-live-streams", maxLiveStreams), ("--max-live-streams-per-viewer", maxLiveStreamsPerViewer),
            ("--max-live-streams-per-link", maxLiveStreamsPerLink), ("--max-frames-in-flight", maxFramesInFlight),
            ("--max-sign-ins", maxSignIns), ("--max-sign-ins-per-address", maxSignInsPerAddress),
            ("--max-demo-rooms", maxDemoRooms), ("--max-demo-sockets", maxDemoSockets), ("--max-demo-queue", maxDemoQueue),
        ]
        for (flag, value) in all where value < 1 {
            throw ValidationError("\(flag) must be at least 1, not \(value)")
        }
        guard maxClockSkewHours <= 24 * 366 else { throw ValidationError("--max-clock-skew-hours must be at most a year") }
        guard maxIdBytes <= 1024 else { throw ValidationError("--max-id-bytes must be at most 1024") }
    }

    func apply(to configuration: inout ServerConfiguration) {
        var ingest = IngestLimits()
        ingest.maxClockSkewMs = Int64(maxClockSkewHours) * 3_600_000
        ingest.maxStatTimestampSkewMs = ingest.maxClockSkewMs
        ingest.maxParticipantsPerMeeting = maxParticipants
        ingest.maxOngoingMeetingsPerProject = maxOngoingMeetings
        ingest.maxPeerConnectionsPerProject = maxPeerConnections
        ingest.maxStatsPerReport = maxStatsPerReport
        ingest.maxSeqRanges = maxSeqGaps
        ingest.maxSeqJump = Int64(maxSeqJump)
        ingest.maxLabelsPerSection = maxLabels
        ingest.maxIDBytes = maxIdBytes
        configuration.ingestLimits = ingest

        var connections = ConnectionLimits()
        connections.idleTimeoutSeconds = idleTimeout
        connections.maxLiveStreams = maxLiveStreams
        connections.maxLiveStreamsPerViewer = maxLiveStreamsPerViewer
        connections.maxLiveStreamsPerShareLink = maxLiveStreamsPerLink
        connections.maxCollectorFramesInFlight = maxFramesInFlight
        connections.maxSignInsInFlight = maxSignIns
        connections.maxSignInsInFlightPerAddress = maxSignInsPerAddress
        connections.maxDemoRooms = maxDemoRooms
        connections.maxDemoSockets = maxDemoSockets
        connections.maxDemoQueuedFrames = maxDemoQueue
        configuration.connectionLimits = connections
    }
}
