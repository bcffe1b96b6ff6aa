import CallscopeCore
import CallscopeStore
import Testing

/// The dashboard's rows: users, web sessions (only unexpired ones are found), notes, share links
/// (revoked and expired ones are found: the caller decides).
extension StoreConformanceSuite {
    func dashboardUsers(_ store: any AnalyticsStore) async throws {
        let admin = DashboardUser(id: "u1", username: "admin", passwordHash: "$2b$04$hash-a", createdMs: 1000)
        let ops = DashboardUser(id: "u2", username: "ops", passwordHash: "$2b$04$hash-b", createdMs: 2000)
        try await store.createUser(admin)
        try await store.createUser(ops)
        #expect(try await store.user(username: "admin") == admin)
        #expect(try await store.user(id: "u2") == ops)
        #expect(try await store.user(username: "Admin") == nil, "usernames match exactly")
        #expect(try await store.user(username: "nobody") == nil)
        #expect(try await store.user(id: "u9") == nil)
        await #expect(throws: (any Error).self, "usernames are unique") {
            try await store.createUser(DashboardUser(id: "u3", username: "admin", passwordHash: "x", createdMs: 3000))
        }
        await #expect(throws: (any Error).self, "ids are unique") {
            try await store.createUser(DashboardUser(id: "u1", username: "other", passwordHash: "x", createdMs: 3000))
        }

        #expect(try await store.setPassword(userId: "u1", passwordHash: "$2b$04$hash-new"))
        #expect(try await store.user(username: "admin")?.passwordHash == "$2b$04$hash-new")
        #expect(try await store.user(id: "u2") == ops, "other users keep theirs")
        #expect(try await store.setPassword(userId: "u9", passwordHash: "x") == false, "unknown user")
    }

    func dashboardWebSessions(_ store: any AnalyticsStore) async throws {
        let admin = DashboardUser(id: "u1", username: "admin", passwordHash: "h", createdMs: 0)
        let ops = DashboardUser(id: "u2", username: "ops", passwordHash: "h", createdMs: 0)
        try await store.createUser(admin)
        try await store.createUser(ops)
        let a = WebSession(tokenHash: "t-a", userId: "u1", createdMs: 1000, expiresMs: 10_000, lastSeenMs: 1000)
        let b = WebSession(tokenHash: "t-b", userId: "u1", createdMs: 2000, expiresMs: 5000, lastSeenMs: 2000)
        let c = WebSession(tokenHash: "t-c", userId: "u2", createdMs: 3000, expiresMs: 20_000, lastSeenMs: 3000)
        try await store.createWebSession(a)
        try await store.createWebSession(b)
        try await store.createWebSession(c)
        await #expect(throws: (any Error).self, "a session belongs to a stored user") {
            try await store.createWebSession(WebSession(tokenHash: "t-x", userId: "u9", createdMs: 0, expiresMs: 9, lastSeenMs: 0))
        }
        await #expect(throws: (any Error).self, "a token hash is stored once") {
            try await store.createWebSession(a)
        }

        #expect(try await store.webSession(tokenHash: "t-a", nowMs: 4000) == a)
        #expect(try await store.webSession(tokenHash: "t-b", nowMs: 4999) == b)
        #expect(try await store.webSession(tokenHash: "t-b", nowMs: 5000) == nil, "expired at expiresMs")
        #expect(try await store.webSession(tokenHash: "t-nope", nowMs: 0) == nil)

        // Sliding expiry.
        #expect(try await store.touchWebSession(tokenHash: "t-b", lastSeenMs: 4500, expiresMs: 8000))
        #expect(try await store.webSession(tokenHash: "t-b", nowMs: 7000)
            == WebSession(tokenHash: "t-b", userId: "u1", createdMs: 2000, expiresMs: 8000, lastSeenMs: 4500))
        #expect(try await store.touchWebSession(tokenHash: "t-nope", lastSeenMs: 1, expiresMs: 2) == false)

        #expect(try await store.deleteExpiredWebSessions(nowMs: 8000) == 1, "t-b ends at 8000")
        #expect(try await store.webSession(tokenHash: "t-a", nowMs: 0) == a)
        #expect(try await store.webSession(tokenHash: "t-b", nowMs: 0) == nil, "deleted, not only expired")

        try await store.deleteWebSession(tokenHash: "t-a")
        try await store.deleteWebSession(tokenHash: "t-a")  // deleting twice is fine
        #expect(try await store.webSession(tokenHash: "t-a", nowMs: 0) == nil)
        #expect(try await store.webSession(tokenHash: "t-c", nowMs: 0) == c)

        try await store.createWebSession(a)
        #expect(try await store.deleteWebSessions(userId: "u1") == 1)
        #expect(try await store.webSession(tokenHash: "t-a", nowMs: 0) == nil)
        #expect(try await store.webSession(tokenHash: "t-c", nowMs: 0) == c, "other users stay signed in")
    }

    func dashboardNotes(_ store: any AnalyticsStore) async throws {
        let f = Fixture()
        try await store.createProject(f.project)
        var other = f.session
        other.id = "session-2"
        var batch = IngestBatch()
        batch.sessions = [f.session, other]
        try await store.write(batch)

        #expect(try await store.notes(sessionId: f.session.id) == [])
        let first = try await store.addNote(sessionId: f.session.id, author: "admin", text: "Bob's audio dropped", createdMs: 5000)
        let second = try await store.addNote(sessionId: f.session.id, author: "ops", text: "<b>not bold</b>\nline 2",
                                             createdMs: 3000)
        let third = try await store.addNote(sessionId: f.session.id, author: "admin", text: "same time", createdMs: 5000)
        let elsewhere = try await store.addNote(sessionId: other.id, author: "admin", text: "other", createdMs: 1)
        #expect(first.sessionId == f.session.id && first.author == "admin" && first.text == "Bob's audio dropped"
            && first.createdMs == 5000)
        #expect(Set([first.id, second.id, third.id, elsewhere.id]).count == 4, "ids are unique")
        #expect(second.id > first.id && third.id > second.id, "ids increase")
        #expect(try await store.notes(sessionId: f.session.id) == [second, first, third], "oldest first, then as added")
        #expect(try await store.notes(sessionId: other.id) == [elsewhere])
        await #expect(throws: (any Error).self, "a note belongs to a stored session") {
            _ = try await store.addNote(sessionId: "no-such-session", author: "admin", text: "x", createdMs: 0)
        }
    }

    func dashboardShareLinks(_ store: any AnalyticsStore) async throws {
        let f = Fixture()
        try await store.createProject(f.project)
        var other = f.session
        other.id = "session-2"
        var batch = IngestBatch()
        batch.sessions = [f.session, other]
        try await store.write(batch)

        let a = ShareLink(tokenHash: "s-a", sessionId: f.session.id, createdBy: "admin", createdMs: 2000, expiresMs: 100_000)
        let b = ShareLink(tokenHash: "s-b", sessionId: f.session.id, createdBy: "ops", createdMs: 1000, expiresMs: 50_000)
        let c = ShareLink(tokenHash: "s-c", sessionId: other.id, createdBy: "admin", createdMs: 3000, expiresMs: 4000)
        try await store.createShareLink(a)
        try await store.createShareLink(b)
        try await store.createShareLink(c)
        await #expect(throws: (any Error).self, "a link belongs to a stored session") {
            try await store.createShareLink(ShareLink(tokenHash: "s-x", sessionId: "nope", createdBy: "a", createdMs: 0, expiresMs: 1))
        }
        await #expect(throws: (any Error).self, "a token hash is stored once") { try await store.createShareLink(a) }

        #expect(try await store.shareLink(tokenHash: "s-a") == a)
        #expect(try await store.shareLink(tokenHash: "s-c") == c, "expired links are found too")
        #expect(try await store.shareLink(tokenHash: "s-nope") == nil)
        #expect(try await store.shareLinks(sessionId: f.session.id) == [b, a], "oldest first")
        #expect(try await store.shareLinks(sessionId: "nope") == [])
        #expect(c.isUsable(atMs: 3999) && !c.isUsable(atMs: 4000))

        #expect(try await store.revokeShareLink(tokenHash: "s-a", revokedMs: 7000))
        #expect(try await store.revokeShareLink(tokenHash: "s-a", revokedMs: 9000), "revoking again is fine")
        var revoked = a
        revoked.revokedMs = 7000
        #expect(try await store.shareLink(tokenHash: "s-a") == revoked, "revoked links are found, with the first time")
        #expect(revoked.isUsable(atMs: 8000) == false)
        #expect(try await store.shareLinks(sessionId: f.session.id) == [b, revoked])
        #expect(try await store.revokeShareLink(tokenHash: "s-nope", revokedMs: 1) == false)
    }
}
