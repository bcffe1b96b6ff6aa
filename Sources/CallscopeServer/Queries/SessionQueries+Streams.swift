import CallscopeCore
import CallscopeStore

extension SessionQueries {
    func streams(of session: Session) async throws -> [StreamInfo] {
        try await store.streams(sessionId: session.id)
    }

    /// A stream of `session`; 404 (`streamId`) for another session's or an unknown one.
    func stream(_ id: Int64, of session: Session) async throws -> StreamInfo {
        guard let stream = try await store.stream(id: id), stream.sessionId == session.id else {
            throw APIError.notFound("stream \(id)", field: "streamId")
        }
        return stream
    }

    /// A stream's samples, oldest first, with `fromMs <= tsMs < toMs` when bounds are given.
    func samples(of stream: StreamInfo, side: StreamSide? = nil, fromMs: Int64? = nil, toMs: Int64? = nil) async throws
        -> [StreamSample] {
        try await store.samples(streamId: stream.id, side: side, fromMs: fromMs, toMs: toMs)
    }

    /// What the Session stats charts draw of `stream` from `fromMs` to `toMs` (both included):
    /// both sides of it, and, through an SFU, the sender's side of its uplink (a stream without a
    /// receiver, what the sender measured of what every receiver gets) when the stream itself has
    /// no sender samples. `streams` are the session's.
    func chartSamples(of stream: StreamInfo, among streams: [StreamInfo], fromMs: Int64, toMs: Int64) async throws
        -> [StreamSample] {
        let end = toMs.adding(saturating: 1)
        var samples = try await samples(of: stream, fromMs: fromMs, toMs: end)
        if stream.senderSamples == 0, stream.key.receiverId != nil,
           let uplink = streams.first(where: {
               $0.key.senderId == stream.key.senderId && $0.key.receiverId == nil && $0.key.kind == stream.key.kind
           }) {
            samples += try await self.samples(of: uplink, side: .sender, fromMs: fromMs, toMs: end)
        }
        return samples
    }
}
