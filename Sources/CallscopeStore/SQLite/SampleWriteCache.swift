import CallscopeCore

/// What the SQLite write path remembers between batches so that a sample costs one statement:
/// the row id of each recent stream, and the chunk each stream side is filling with the encoder
/// state its next bytes continue from.
///
/// A write transaction reads it and collects its changes in ``Changes``; they are applied only
/// after the commit, so a failed batch leaves the cache as it was. It is only a cache: after a
/// restart it is empty and the first sample of each stream side starts a new chunk (chunks are
/// self-contained); a stale entry is detected by the statement that uses it (no row changed) and
/// replaced.
///
/// Streams are grouped by session so that a session's entries go, in time proportional to its
/// own streams, when a batch ends it: an ended session rarely gets samples again (a late one just
/// looks its stream up again and starts a new chunk).
struct SampleWriteCache: Sendable {
    struct StreamRef: Hashable, Sendable {
        var sessionId: String
        var key: StreamKey
    }

    struct ChunkRef: Hashable, Sendable {
        var streamId: Int64
        var side: StreamSide
    }

    /// The chunk a stream side appends to: its row id and the encoder state after its last sample
    /// (which also knows the chunk's start, last timestamp and count).
    struct OpenChunk: Sendable, Hashable {
        var id: Int64
        var encoder: SampleChunkCodec.Encoder
    }

    /// Beyond this many sessions or open chunks everything is dropped: only a memory bound for
    /// sessions that never end (a crashed ingest pipeline), since ended sessions leave one by one.
    static let maxSessions = 20_000
    static let maxOpenChunks = 200_000

    private var streamIds: [String: [StreamKey: Int64]] = [:]
    private var openChunks: [ChunkRef: OpenChunk] = [:]

    /// The cache entries one write transaction made.
    struct Changes: Sendable {
        var streamIds: [StreamRef: Int64] = [:]
        var openChunks: [ChunkRef: OpenChunk] = [:]
        /// Sessions the batch ended.
        var endedSessions: Set<String> = []
    }

    func streamId(_ ref: StreamRef) -> Int64? { streamIds[ref.sessionId]?[ref.key] }
    func openChunk(_ ref: ChunkRef) -> OpenChunk? { openChunks[ref] }

    mutating func apply(_ changes: Changes) {
        for (ref, id) in changes.streamIds { streamIds[ref.sessionId, default: [:]][ref.key] = id }
        for (ref, chunk) in changes.openChunks { openChunks[ref] = chunk }
        for session in changes.endedSessions {
            guard let streams = streamIds.removeValue(forKey: session) else { continue }
            for id in streams.values {
                for side in StreamSide.allCases { openChunks[ChunkRef(streamId: id, side: side)] = nil }
            }
        }
        if streamIds.count > Self.maxSessions { streamIds.removeAll() }
        if openChunks.count > Self.maxOpenChunks { openChunks.removeAll() }
    }
}
