import CallscopeCore
@testable import CallscopeServer
import CallscopeStore
import Testing

@Suite("Live hub")
struct LiveHubTests {
    @Test("a commit wakes the pages of its sessions and the list, not the others; unsubscribing ends the stream")
    func routing() async throws {
        let hub = LiveHub()
        let (a, changesA) = hub.subscribe("s-a")
        let (b, changesB) = hub.subscribe("s-b")
        let (list, changesList) = hub.subscribe(nil)
        var itA = changesA.makeAsyncIterator()
        var itList = changesList.makeAsyncIterator()

        var samplesOnly = IngestBatch()
        samplesOnly.events = [TimelineEvent(sessionId: "s-a", participantId: "p", tsMs: 1, name: "mute")]
        hub.notice(samplesOnly)
        hub.notice(samplesOnly) // coalesced: the newest signal only
        #expect(await itA.next() != nil)

        var joined = IngestBatch()
        joined.participants = [Participant(sessionId: "s-a", participantId: "q")]
        hub.notice(joined)
        #expect(await itList.next() != nil, "a join changes the list")
        #expect(await itA.next() != nil)

        hub.unsubscribe(b)
        var itB = changesB.makeAsyncIterator()
        #expect(await itB.next() == nil, "s-b never changed, and its stream ended")
        hub.unsubscribe(a)
        hub.unsubscribe(list)
        #expect(hub.count == 0)
    }
}
