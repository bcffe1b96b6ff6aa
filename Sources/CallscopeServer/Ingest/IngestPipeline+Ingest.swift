import CallscopeCore
import CallscopeStore

extension IngestPipeline {
    /// Routes, derives and commits `messages`: the valid prefix of a request, `rejected` being the
    /// decode error that cut it, if any. Returns once everything stored is durable.
    /// `batchIsArray` says whether the request body was an array, so that error field paths
    /// start with `[i].` only when they should.
    public func ingest(_ messages: [IngestMessage], projectId: String, serverNowMs: Int64,
                       rejected: (index: Int, error: IngestValidationError)? = nil,
                       batchIsArray: Bool = true) async throws -> IngestResult {
        var result = IngestResult()
        var routed: [(index: Int, message: IngestMessage)] = []
        routed.reserveCapacity(messages.count)
        for (index, original) in messages.enumerated() {
            var message = original
            if message.meetingId == nil, message.isJoin, let pid = message.participantId {
                // A join without a meeting ID asks for one; later messages use it.
                let generated = result.assignedMeetingIds[pid] ?? MeetingID.generate()
                result.assignedMeetingIds[pid] = generated
                message.meetingId = generated
            }
            if message.meetingId == nil, case .service(let change) = message.payload, let sessionId = change.sessionId {
                // A backend names the session; its meeting decides the shard.
                message.meetingId = try await store.session(id: sessionId)?.meetingId
            }
            routed.append((index, message))
        }

        // Consecutive messages of one meeting go to its shard together.
        var start = routed.startIndex
        while start < routed.endIndex {
            let target = shardOf(routed[start].message, projectId: projectId)
            var end = start + 1
            while end < routed.endIndex, shardOf(routed[end].message, projectId: projectId) === target { end += 1 }
            let part = try await target.ingest(routed[start..<end], projectId: projectId, serverNowMs: serverNowMs,
                                               batchIsArray: batchIsArray)
            result.merge(part)
            if result.rejected != nil { return result }
            start = end
        }
        result.rejected = rejected
        return result
    }

    private func shardOf(_ message: IngestMessage, projectId: String) -> IngestShard {
        shard(projectId: projectId, meetingId: message.meetingId ?? "")
    }

    /// Records a kick in the participant's session (durably) and returns once it is stored.
    public func kick(session: Session, participantId: String, by actor: String, serverNowMs: Int64) async throws {
        try await shard(projectId: session.projectId, meetingId: session.meetingId)
            .kick(sessionId: session.id, participantId: participantId, by: actor, serverNowMs: serverNowMs)
    }

    /// A service start or stop sent by an app's backend through the API.
    /// Returns `false` when the session is not ongoing (nor just ended).
    public func recordService(_ change: IngestMessage.ServiceChange, session: Session, tsMs: Int64,
                              serverNowMs: Int64) async throws -> Bool {
        try await shard(projectId: session.projectId, meetingId: session.meetingId)
            .recordService(change, projectId: session.projectId, tsMs: tsMs, serverNowMs: serverNowMs)
    }
}
