import HummingbirdBcrypt
import NIOPosix

/// bcrypt for dashboard passwords. Hashing and checking take ~250 ms at cost 12 by design, so
/// they run on NIO's blocking-work thread pool: never on an event loop or Swift's cooperative
/// threads, which keep serving other requests meanwhile.
struct PasswordHasher: Sendable {
    /// log2 of bcrypt's rounds (4…31).
    let cost: UInt8
    /// A hash of a random password at `cost`: checking an unknown username against it takes as
    /// long as checking a real user's password, so timing tells nobody which usernames exist.
    let dummyHash: String

    /// Computes the dummy hash (one bcrypt run at `cost`).
    init(cost: UInt8) async throws {
        self.cost = cost
        let random = Credentials.generate(prefix: "dummy-")
        self.dummyHash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(random, cost: cost) }
    }

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Checks `password` against `hash`, or against the dummy hash when there is no user (and then
    /// answers false), in the same time either way.
    func verify(_ password: String, hash: String?) async throws -> Bool {
        let target = hash ?? dummyHash
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: target) }
        return matches && hash != nil
    }

    /// Hashes on the thread pool without a hasher (for ``Bootstrap``, which runs before the server).
    static func hash(_ password: String, cost: UInt8) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    static func verify(_ password: String, against hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
