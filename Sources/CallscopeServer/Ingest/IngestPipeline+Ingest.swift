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
        try await stage(messages, projectId: projectId, serverNowMs: serverNowMs, rejected: rejected,
                        batchIsArray: batchIsArray).durable()
    }

    /// Like ``ingest(_:projectId:serverNowMs:rejected:batchIsArray:)`` but returns as soon as the
    /// messages are applied, with the commit still to wait for. A connection stages its frames in
    /// order and answers each once it is durable, so that its next frames are worked on while
    /// the previous ones are being written.
    public func stage(_ messages: [IngestMessage], projectId: String, serverNowMs: Int64,
                      rejected: (index: Int, error: IngestValidationError)? = nil,
                      batchIsArray: Bool = true) async throws -> StagedIngest {
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
            if message.meetingId == nil, case .service(let change) = message.payload, let sessionId = change.sessionId,
               let named = try await store.session(id: sessionId), named.projectId == projectId {
                // A backend names the session, of its own project only; its meeting decides the shard.
                message.meetingId = named.meetingId
            }
            routed.append((index, message))
        }

        // Consecutive messages of one meeting go to its shard together.
        var commits: [(shard: IngestShard, generation: Int)] = []
        var start = routed.startIndex
        while start < routed.endIndex {
            let target = shardOf(routed[start].message, projectId: projectId)
            var end = start + 1
            while end < routed.endIndex, shardOf(routed[end].message, projectId: projectId) === target { end += 1 }
            let part = await target.stage(routed[start..<end], projectId: projectId, serverNowMs: serverNowMs,
                                          batchIsArray: batchIsArray)
            result.merge(part.result)
            commits.append((target, part.generation))
            if result.rejected != nil { break }
            start = end
        }
        if result.rejected == nil { result.rejected = rejected }
        return StagedIngest(result: result, commits: commits)
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

/// An applied request whose commits may still be running.
public struct StagedIngest: Sendable {
    let result: IngestResult
    let commits: [(shard: IngestShard, generation: Int)]

    /// The answer, once every commit holding the request's messages is durable.
    public func durable() async throws -> IngestResult {
        for commit in commits { try await commit.shard.waitDurable(commit.generation) }
        return result
    }
}
