/// The collectors' open WebSocket connections by participant, so that an API action (a kick)
/// reaches the participant's browser. A kick for a participant with no open connection waits
/// here for a while: it goes out when the collector reconnects, or with its next HTTP answer
/// (a collector on the HTTP fallback has no channel the server can push into).
actor CollectorConnections {
    typealias ConnectionID = Int
    /// Hands a frame to the connection's writer; never blocks the registry.
    typealias Push = @Sendable (String) -> Void

    /// How long an undelivered kick waits for its participant.
    let pendingLifetimeMs: Int64

    private var nextID = 0
    private var pushes: [ConnectionID: Push] = [:]
    private var addressesOf: [ConnectionID: Set<ParticipantAddress>] = [:]
    private var connectionsOf: [ParticipantAddress: Set<ConnectionID>] = [:]
    private var pending: [ParticipantAddress: (notice: KickNotice, expiresMs: Int64)] = [:]

    init(pendingLifetimeMs: Int64 = 5 * 60_000) {
        self.pendingLifetimeMs = pendingLifetimeMs
    }

    func open(push: @escaping Push) -> ConnectionID {
        nextID += 1
        pushes[nextID] = push
        return nextID
    }

    /// Records that `connection` speaks for `address` (from its URL, or from the acks of what it
    /// sent), and pushes a kick that was waiting for that participant.
    func attach(_ connection: ConnectionID, to address: ParticipantAddress, nowMs: Int64) {
        guard let push = pushes[connection] else { return }
        if addressesOf[connection, default: []].insert(address).inserted {
            connectionsOf[address, default: []].insert(connection)
        }
        if let waiting = takePending(address, nowMs: nowMs) { push(waiting.frame) }
    }

    func close(_ connection: ConnectionID) {
        pushes[connection] = nil
        for address in addressesOf.removeValue(forKey: connection) ?? [] {
            connectionsOf[address]?.remove(connection)
            if connectionsOf[address]?.isEmpty == true { connectionsOf[address] = nil }
        }
    }

    /// Pushes the kick to every open connection of the participant. Returns false, and keeps the
    /// kick for later delivery, when there is none.
    func deliver(_ notice: KickNotice, to address: ParticipantAddress, nowMs: Int64) -> Bool {
        let open = connectionsOf[address, default: []].compactMap { pushes[$0] }
        guard !open.isEmpty else {
            pending = pending.filter { $0.value.expiresMs > nowMs }
            pending[address] = (notice, nowMs + pendingLifetimeMs)
            return false
        }
        for push in open { push(notice.frame) }
        return true
    }

    /// Kicks waiting for any of `addresses`, removed from the queue (for an HTTP answer).
    func takePending(_ addresses: some Sequence<ParticipantAddress>, nowMs: Int64) -> [KickNotice] {
        guard !pending.isEmpty else { return [] }
        return addresses.compactMap { takePending($0, nowMs: nowMs) }
    }

    func isConnected(_ address: ParticipantAddress) -> Bool { connectionsOf[address] != nil }

    private func takePending(_ address: ParticipantAddress, nowMs: Int64) -> KickNotice? {
        guard let waiting = pending.removeValue(forKey: address) else { return nil }
        return waiting.expiresMs > nowMs ? waiting.notice : nil
    }
}
