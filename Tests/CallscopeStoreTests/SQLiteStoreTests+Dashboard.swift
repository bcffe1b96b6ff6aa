import CallscopeCore
import GRDB
import Testing

@testable import CallscopeStore

/// What the protocol cannot show yet (it deletes no sessions or users): the dashboard's rows go
/// with the session or user they belong to.
extension SQLiteStoreTests {
    @Test func dashboardRowsGoWithTheirSessionAndUser() async throws {
        try await withStore { store, _ in
            let f = Fixture()
            try await store.createProject(f.project)
            var other = f.session
            other.id = "session-2"
            var batch = IngestBatch()
            batch.sessions = [f.session, other]
            try await store.write(batch)
            _ = try await store.addNote(sessionId: f.session.id, author: "admin", text: "gone", createdMs: 1)
            let kept = try await store.addNote(sessionId: other.id, author: "admin", text: "kept", createdMs: 2)
            try await store.createShareLink(ShareLink(tokenHash: "s1", sessionId: f.session.id, createdBy: "admin",
                                                      createdMs: 1, expiresMs: 10))
            let keptLink = ShareLink(tokenHash: "s2", sessionId: other.id, createdBy: "admin", createdMs: 1, expiresMs: 10)
            try await store.createShareLink(keptLink)
            try await store.createUser(DashboardUser(id: "u1", username: "admin", passwordHash: "h", createdMs: 0))
            try await store.createUser(DashboardUser(id: "u2", username: "ops", passwordHash: "h", createdMs: 0))
            let keptSession = WebSession(tokenHash: "w2", userId: "u2", createdMs: 0, expiresMs: 10, lastSeenMs: 0)
            try await store.createWebSession(WebSession(tokenHash: "w1", userId: "u1", createdMs: 0, expiresMs: 10, lastSeenMs: 0))
            try await store.createWebSession(keptSession)

            try await store.pool.write { db in
                try db.execute(sql: "DELETE FROM session WHERE id = ?", arguments: [f.session.id])
                try db.execute(sql: "DELETE FROM user WHERE id = 'u1'")
            }
            #expect(try await store.notes(sessionId: f.session.id) == [])
            #expect(try await store.notes(sessionId: other.id) == [kept])
            #expect(try await store.shareLink(tokenHash: "s1") == nil)
            #expect(try await store.shareLinks(sessionId: other.id) == [keptLink])
            #expect(try await store.webSession(tokenHash: "w1", nowMs: 0) == nil)
            #expect(try await store.webSession(tokenHash: "w2", nowMs: 0) == keptSession)
        }
    }

    @Test func dashboardForeignKeysAreIndexed() async throws {
        try await withStore { store, _ in
            let plans = try await store.pool.read { db in
                try ["SELECT * FROM note WHERE session_id = 'x'", "SELECT * FROM share_link WHERE session_id = 'x'",
                     "SELECT * FROM web_session WHERE user_id = 'x'", "DELETE FROM web_session WHERE expires_ms <= 5"]
                    .map { sql in
                        try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: "; ")
                    }
            }
            for plan in plans {
                #expect(plan.contains("USING INDEX") || plan.contains("USING COVERING INDEX"), "\(plan)")
            }
        }
    }
}
