import CallscopeCore
@testable import CallscopeServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The sessions list page: columns, filters, sorting, paging, empty states, escaping, live fragment.
@Suite("Dashboard: sessions list")
struct SessionsPageTests {
    @Test("empty state first; then the list's columns, escaped, with strict page headers")
    func listAndEscaping() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let cookie = try await client.signIn()
            let (status0, empty, headers) = try await client.page("/sessions", cookie: cookie)
            #expect(status0 == .ok)
            #expect(empty.contains("No sessions yet"))
            #expect(empty.contains("href=\"/demo\""), "the empty state says what to do next")
            #expect(headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(!empty.contains("<script>"), "no inline script")

            let hostile = "<img src=x onerror=alert(1)>"
            let t0 = Messages.t0
            _ = try await client.ingest(Messages.batch(
                Messages.join("alice", meeting: "m-<b>bold</b>", seq: 1, ts: t0, name: hostile),
                Messages.join("bob", meeting: "m-<b>bold</b>", seq: 1, ts: t0 + 1_000)))
            _ = try await client.ingest(Messages.join("carol", meeting: "quiet-room", seq: 1, ts: t0 + 60_000))
            _ = try await client.ingest(Messages.leave("carol", meeting: "quiet-room", seq: 2, ts: t0 + 125_000))

            let (_, html, _) = try await client.page("/sessions", cookie: cookie)
            #expect(!html.contains("<b>bold</b>"), "meeting IDs are escaped")
            #expect(html.contains("m-&lt;b&gt;bold&lt;/b&gt;"))
            #expect(html.contains("quiet-room"))
            #expect(html.contains("1–2 of 2 sessions"))
            #expect(html.contains("1 min 05 s"), "carol's session lasted 65 s")
            #expect(html.contains("View Analytics"))
            #expect(html.contains("status-ongoing") && html.contains("status-ended"))
            // Newest first: quiet-room started later.
            let quiet = try #require(html.range(of: "quiet-room"))
            let bold = try #require(html.range(of: "m-&lt;b&gt;"))
            #expect(quiet.lowerBound < bold.lowerBound)
        }
    }

    @Test("filters, sorting and the live fragment")
    func filtersAndSort() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let cookie = try await client.signIn()
            let t0 = Messages.t0
            _ = try await client.ingest(Messages.batch(Messages.join("alice", meeting: "room-a", seq: 1, ts: t0, name: "Alice Liddell"),
                                                       Messages.join("bob", meeting: "room-a", seq: 1, ts: t0)))
            _ = try await client.ingest(Messages.join("carol", meeting: "room-b", seq: 1, ts: t0 + 10_000))
            _ = try await client.ingest(Messages.leave("carol", meeting: "room-b", seq: 2, ts: t0 + 20_000))

            let (_, byName, _) = try await client.page("/sessions?participant=liddell", cookie: cookie)
            #expect(byName.contains("room-a") && !byName.contains("room-b"))
            #expect(byName.contains("value=\"liddell\""), "the form keeps what was typed")
            let (_, ended, _) = try await client.page("/sessions?status=ended", cookie: cookie)
            #expect(ended.contains("room-b") && !ended.contains("room-a"))
            let (_, none, _) = try await client.page("/sessions?meetingId=nope", cookie: cookie)
            #expect(none.contains("No session matches these filters"))
            let (_, most, _) = try await client.page("/sessions?sort=participants", cookie: cookie)
            #expect(try #require(most.range(of: "room-a")).lowerBound < #require(most.range(of: "room-b")).lowerBound)
            let (_, oldest, _) = try await client.page("/sessions?sort=oldest", cookie: cookie)
            #expect(try #require(oldest.range(of: "room-a")).lowerBound < #require(oldest.range(of: "room-b")).lowerBound)
            let (_, fragment, _) = try await client.page("/sessions?status=ended&partial=rows", cookie: cookie)
            #expect(fragment.hasPrefix("<tbody>") && fragment.contains("room-b") && !fragment.contains("<html"))
            // room-a's receiver gets 200 ms of jitter: poor quality; room-b has no media at all.
            for (i, seq) in (2...5).enumerated() {
                _ = try await client.ingest(Messages.receiverStats("bob", from: "alice", meeting: "room-a", seq: Int64(seq),
                                                                   ts: t0 + Int64(i + 1) * 2_000, bytes: 100_000 * (i + 1),
                                                                   packets: 100 * (i + 1), lost: 0, frames: 30 * (i + 1), jitter: 0.2))
            }
            let (_, poor, _) = try await client.page("/sessions?poor=1", cookie: cookie)
            #expect(poor.contains("room-a") && !poor.contains("room-b"), "poor quality: only room-a")
            #expect(poor.contains("name=\"poor\" value=\"1\" checked"))
            let (_, bad, _) = try await client.page("/sessions?page=-3&sort=random", cookie: cookie)
            #expect(bad.contains("room-a") && bad.contains("room-b"), "unknown picker values are their defaults")
            // A date is refused by name: it is checked at the edge (years 1970–9999), never guessed.
            for date in ["yesterday", "999999999999999-01-01T00:00", "1969-12-31T23:59", "2026-02-30T10:00", "2026-01-01T24:00"] {
                let (status, body, _) = try await client.page("/sessions?from=\(formEncoded(date))", cookie: cookie)
                #expect(status == .badRequest, "\(date)")
                #expect(body.contains("\"field\":\"from\""), "\(date)")
            }
            let (late, _, _) = try await client.page("/sessions?to=9999-12-31T23:59", cookie: cookie)
            #expect(late == .ok)
        }
    }

    @Test("the UTC date input and the page size")
    func utcAndPaging() async throws {
        #expect(SessionsPageController.Filters.parseUTC("2026-11-25T14:02") == 1_795_615_320_000)
        #expect(SessionsPageController.Filters.parseUTC("2026-13-25T14:02") == nil)
        #expect(SessionsPageController.Filters.parseUTC("2026-11-25T14:02:30") == 1_795_615_350_000)
        #expect(SessionsPageController.Filters.parseUTC("1970-01-01T00:00") == 0)
        #expect(SessionsPageController.Filters.parseUTC("9999-12-31T23:59:59") == 253_402_300_799_000)
        #expect(SessionsPageController.Filters.parseUTC("10000-01-01T00:00") == nil)
        #expect(SessionsPageController.Filters.parseUTC("2024-02-29T00:00") != nil)
        #expect(SessionsPageController.Filters.parseUTC("2023-02-29T00:00") == nil)
        #expect(DisplayFormat.dateTime(1_795_615_323_000) == "2026-11-25 14:02:03 UTC")
        #expect(DisplayFormat.duration(3_725_000) == "1 h 02 min")
        #expect(DisplayFormat.daysFromCivil(year: 1970, month: 1, day: 1) == 0)
        #expect(DisplayFormat.daysFromCivil(year: 2026, month: 11, day: 25) == 20_782)
    }
}

@Suite("Dashboard: session Overview and Errors")
struct SessionPagesTests {
    @Test("Overview fields, participants, timeline, kick out from the page; Errors with advice, escaped")
    func overviewAndErrors() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let cookie = try await client.signIn()
            let t0 = Messages.t0
            let hostile = "<img src=x onerror=alert(1)>"
            let (_, body) = try await client.ingest(Messages.batch(
                Messages.join("alice", seq: 1, ts: t0, setupMs: 850, name: hostile),
                Messages.join("bob", seq: 1, ts: t0 + 2_000, setupMs: 1200),
                #"{"type":"error","meetingId":"abcd-efgh-ijkl","participantId":"bob","seq":2,"ts":\#(t0 + 5_000),"code":"getusermedia-denied","message":"NotAllowedError: <b>Permission</b> denied","data":{"constraints":{"video":true}}}"#))
            let sessionId = try #require(body["acks"]?.array?.first?["sessionId"]?.string)

            let (status, html, _) = try await client.page("/sessions/\(sessionId)", cookie: cookie)
            #expect(status == .ok)
            #expect(html.contains("abcd-efgh-ijkl") && html.contains(sessionId))
            #expect(html.contains("850 ms"), "session initiating time: the first participant's set-up")
            #expect(html.contains("Participant minutes"))
            #expect(!html.contains(hostile) && html.contains("&lt;img src=x onerror=alert(1)&gt;"))
            #expect(html.contains("Kick out"))
            #expect(html.contains("data-live-page"), "an ongoing session's page refreshes itself")
            #expect(html.contains("aria-current=\"page\""))

            let (_, errors, _) = try await client.page("/sessions/\(sessionId)/errors", cookie: cookie)
            #expect(errors.contains("Permission denied (getUserMedia)"))
            #expect(errors.contains("Suggested fix"))
            #expect(!errors.contains("<b>Permission</b>") && errors.contains("&lt;b&gt;Permission&lt;/b&gt;"))
            let (_, api) = try await client.api("/api/v1/sessions/\(sessionId)/errors")
            #expect(api["items"]?.array?.first?["suggestedFix"]?.string?.isEmpty == false)

            try await client.execute(uri: "/sessions/\(sessionId)/participants/bob/kick", method: .post,
                                     headers: [.cookie: cookie, .origin: "http://localhost"]) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location]?.contains("notice=") == true)
            }
            let (_, after, _) = try await client.page("/sessions/\(sessionId)", cookie: cookie)
            #expect(after.contains("kick"), "the kick is on the timeline")
            try await client.execute(uri: "/sessions/\(sessionId)/participants/alice/kick", method: .post,
                                     headers: [.cookie: cookie, .origin: "https://evil.example"]) { response in
                #expect(response.status == .forbidden, "a form from another site is refused")
            }
            let (anonymous, _, anonymousHeaders) = try await client.page("/sessions/\(sessionId)/stats")
            #expect(anonymous == .seeOther && anonymousHeaders[.location]?.hasPrefix("/login?next=") == true)
            let (s404, _, _) = try await client.page("/sessions/nope", cookie: cookie)
            #expect(s404 == .notFound)
        }
    }

    @Test("a run of red health slices is a quality drop on the timeline, in the API and on the page")
    func qualityDropOnTimeline() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let cookie = try await client.signIn()
            let t0 = Messages.t0  // a multiple of the 10 s slice
            let (_, body) = try await client.ingest(Messages.batch(Messages.join("alice", seq: 1, ts: t0, name: "Alice"),
                                                                   Messages.join("bob", seq: 1, ts: t0, name: "Bob")))
            let sessionId = try #require(body["acks"]?.array?.first?["sessionId"]?.string)
            // Bob receives alice's video with 200 ms of jitter for the first slice, 12 ms after it.
            for k in 1...9 {
                _ = try await client.ingest(Messages.receiverStats(
                    "bob", from: "alice", seq: Int64(k + 1), ts: t0 + Int64(k) * 2_000, bytes: 100_000 * k,
                    packets: 100 * k, lost: 0, frames: 30 * k, jitter: k < 5 ? 0.2 : 0.012))
            }
            let (_, events) = try await client.api("/api/v1/sessions/\(sessionId)/events")
            let items = try #require(events["items"]?.array)
            let drops = items.filter { $0["name"]?.string == "quality-drop" }
            #expect(drops.count == 1)
            let drop = try #require(drops.first)
            #expect(drop["participantId"]?.string == "bob" && drop["tsMs"]?.int64 == t0)
            #expect(drop["data"]?["kind"]?.string == "video" && drop["data"]?["endMs"]?.int64 == t0 + 10_000)
            #expect(drop["data"]?["jitterMs"]?.double == 200)
            #expect(drop["data"]?["causes"]?.array?.first?.string == "jitter up to 200 ms (poor above 50 ms)")
            // In time order with the recorded entries: both joins at t0 come first.
            #expect(items.prefix(3).map { $0["name"]?.string ?? "" } == ["join", "join", "quality-drop"])
            let (_, alice) = try await client.api("/api/v1/sessions/\(sessionId)/events?participantId=alice")
            #expect(alice["items"]?.array?.contains { $0["name"]?.string == "quality-drop" } == false)

            let (_, html, _) = try await client.page("/sessions/\(sessionId)", cookie: cookie)
            #expect(html.contains("quality drop") && html.contains("Video poor for 10 s: jitter up to 200 ms (poor above 50 ms)"))
            #expect(html.contains("href=\"/sessions/\(sessionId)/participants/bob\" data-drawer>Health bars</a>"))
        }
    }

    @Test("the timeline holds the errors too; it filters to problems, joins and leaves, one participant, and pages")
    func timelineFiltersAndPages() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let cookie = try await client.signIn()
            let t0 = Messages.t0
            let (_, body) = try await client.ingest(Messages.batch(
                Messages.join("alice", seq: 1, ts: t0, name: "Alice"), Messages.join("bob", seq: 1, ts: t0, name: "Bob"),
                #"{"type":"error","meetingId":"abcd-efgh-ijkl","participantId":"bob","seq":2,"ts":\#(t0 + 1_000),"code":"ice-failed","message":"ICE <failed>"}"#,
                #"{"type":"event","meetingId":"abcd-efgh-ijkl","participantId":"bob","seq":3,"ts":\#(t0 + 1_500),"name":"ice-state","data":{"state":"disconnected"}}"#))
            let sessionId = try #require(body["acks"]?.array?.first?["sessionId"]?.string)
            // 250 mutes and unmutes of alice: more than one page of entries.
            let toggles = (0..<250).map { k in
                #"{"type":"event","meetingId":"abcd-efgh-ijkl","participantId":"alice","seq":\#(k + 2),"ts":\#(t0 + 2_000 + Int64(k) * 100),"name":"\#(k % 2 == 0 ? "mute" : "unmute")","data":{"kind":"audio"}}"#
            }
            _ = try await client.ingest("[" + toggles.joined(separator: ",") + "]")

            let (_, events) = try await client.api("/api/v1/sessions/\(sessionId)/events?participantId=bob")
            let names = events["items"]?.array?.map { $0["name"]?.string ?? "" }
            #expect(names == ["join", "error", "ice-state"], "the error joins the timeline in time order")
            #expect(events["items"]?.array?[1]["data"]?["code"]?.string == "ice-failed")

            let base = "/sessions/\(sessionId)"
            let (_, all, _) = try await client.page(base, cookie: cookie)
            #expect(all.contains("Entries 1–200 of 254") && all.contains("Problems only (2)"))
            #expect(all.contains("Connection failed (ICE): ICE &lt;failed&gt;"))
            #expect(all.contains("ICE &lt;failed&gt;") && !all.contains("ICE <failed>"), "the message is escaped")
            #expect(all.contains("href=\"\(base)/errors\">What it means</a>"))
            #expect(all.contains("href=\"\(base)?tpage=2#timeline\">Later entries →</a>") && !all.contains("Earlier entries"))
            let (_, second, _) = try await client.page(base + "?tpage=2", cookie: cookie)
            #expect(second.contains("Entries 201–254 of 254") && second.contains("Earlier entries") && !second.contains("Later entries"))
            let (_, problems, _) = try await client.page(base + "?show=problems", cookie: cookie)
            #expect(problems.contains("2 entries shown of 254") && !problems.contains(">mute<"))
            #expect(problems.contains("<option value=\"problems\" selected>"))
            let (_, presence, _) = try await client.page(base + "?show=presence&who=alice", cookie: cookie)
            #expect(presence.contains("1 entry shown of 254") && presence.contains(">join<"))
            #expect(presence.contains("<option value=\"alice\" selected>Alice (alice)</option>"))
            let (_, nothing, _) = try await client.page(base + "?show=presence&who=nobody", cookie: cookie)
            #expect(nothing.contains("Nothing of this kind on the timeline."))
            let (_, lenient, _) = try await client.page(base + "?show=bogus&tpage=99", cookie: cookie)
            #expect(lenient.contains("Entries 201–254 of 254"), "an unknown filter is none; a page past the end is the last")
        }
    }
}

@Suite("Dashboard: session stats")
struct SessionStatsPageTests {
    @Test("charts of the chosen stream with the limits drawn; an empty state before any media")
    func charts() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let cookie = try await client.signIn()
            let t0 = Messages.t0
            let (_, body) = try await client.ingest(Messages.batch(Messages.join("alice", seq: 1, ts: t0), Messages.join("bob", seq: 1, ts: t0)))
            let sessionId = try #require(body["acks"]?.array?.first?["sessionId"]?.string)
            let (_, empty, _) = try await client.page("/sessions/\(sessionId)/stats", cookie: cookie)
            #expect(empty.contains("No media streams in this session yet"))

            for (i, seq) in (2...6).enumerated() {
                _ = try await client.ingest(Messages.receiverStats(
                    "bob", from: "alice", seq: Int64(seq), ts: t0 + Int64(i) * 2_000, bytes: 100_000 * (i + 1),
                    packets: 100 * (i + 1), lost: i, frames: 30 * (i + 1), jitter: 0.012 + Double(i) * 0.01))
            }
            let (status, html, _) = try await client.page("/sessions/\(sessionId)/stats?sender=alice&receiver=bob&kind=video", cookie: cookie)
            #expect(status == .ok)
            #expect(html.contains("class=\"cs-chart") || html.contains("cs-chart "))
            #expect(html.contains("Jitter") && html.contains("Packet loss") && html.contains("Frame rate"))
            #expect(html.contains("good ≤ 30 ms"), "the limits are drawn and named")
            #expect(html.contains("<option value=\"bob\" selected>"))
            let from = t0 + 2_000, to = t0 + 6_000
            let (_, zoomed, _) = try await client.page("/sessions/\(sessionId)/stats?sender=alice&receiver=bob&kind=video&from=\(from)&to=\(to)", cookie: cookie)
            #expect(zoomed.contains("data-from=\"\(from)\""))
        }
    }
}

@Suite("Dashboard: notes and export")
struct NotesAndExportTests {
    @Test("notes from the page and the API, escaped; CSV one row per sample; JSON the whole session")
    func notesAndExport() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let cookie = try await client.signIn()
            let t0 = Messages.t0
            let (_, body) = try await client.ingest(Messages.batch(Messages.join("=cmd|'/c calc'!A1", seq: 1, ts: t0),
                                                                   Messages.join("bob", seq: 1, ts: t0)))
            let sessionId = try #require(body["acks"]?.array?.first?["sessionId"]?.string)
            for (i, seq) in (2...4).enumerated() {
                _ = try await client.ingest(Messages.receiverStats("bob", from: "=cmd|'/c calc'!A1", seq: Int64(seq),
                                                                   ts: t0 + Int64(i) * 2_000, bytes: 100_000 * (i + 1),
                                                                   packets: 100 * (i + 1), lost: 0, frames: 30 * (i + 1)))
            }
            try await client.execute(uri: "/sessions/\(sessionId)/notes", method: .post, headers: [
                .cookie: cookie, .origin: "http://localhost", .contentType: "application/x-www-form-urlencoded",
            ], body: ByteBuffer(string: "text=" + formEncoded("Bob's uplink <b>was</b> bad; told IT"))) { response in
                #expect(response.status == .seeOther)
            }
            let (s1, note) = try await client.api("/api/v1/sessions/\(sessionId)/notes", method: .post, body: #"{"text":"checked again"}"#)
            #expect(s1 == .ok && note["author"]?.string == "admin (configured)")
            let (s2, bad) = try await client.api("/api/v1/sessions/\(sessionId)/notes", method: .post, body: #"{"text":"  "}"#)
            #expect(s2 == .badRequest && bad["error"]?["field"]?.string == "text")
            let (_, html, _) = try await client.page("/sessions/\(sessionId)", cookie: cookie)
            #expect(html.contains("Bob&#39;s uplink &lt;b&gt;was&lt;/b&gt; bad; told IT"))
            #expect(html.contains("checked again"))
            let (_, notes) = try await client.api("/api/v1/sessions/\(sessionId)/notes")
            #expect(notes["items"]?.array?.map { $0["author"]?.string } == ["admin", "admin (configured)"])

            let csv = try await client.execute(uri: "/sessions/\(sessionId)/export.csv", method: .get, headers: [.cookie: cookie]) {
                #expect($0.headers[.contentDisposition]?.contains("attachment") == true)
                return String(buffer: $0.body)
            }
            let lines = csv.split(separator: "\r\n")
            #expect(lines.first?.hasPrefix("session_id,meeting_id,stream_id,sender_id") == true)
            #expect(lines.count == 1 + 3, "three receiver-side samples")
            #expect(lines.dropFirst().allSatisfy { $0.contains(",'=cmd|'/c calc'!A1,bob,video,receiver,") },
                    "a cell a spreadsheet would run is defused")
            let (s3, exported) = try await client.api("/api/v1/sessions/\(sessionId)/export.json")
            #expect(s3 == .ok)
            #expect(exported["format"]?.string == "callscope-session-export/1")
            #expect(exported["streams"]?.array?.first?["samples"]?.array?.count == 3)
            #expect(exported["participants"]?.array?.count == 2)
            #expect(exported["notes"]?.array?.count == 2)
        }
    }
}

@Suite("Dashboard: share links")
struct ShareLinkTests {
    @Test("a read-only link opens the session's pages without a login, without actions; revoked it is gone")
    func share() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let cookie = try await client.signIn()
            let t0 = Messages.t0
            let (_, body) = try await client.ingest(Messages.batch(Messages.join("alice", seq: 1, ts: t0), Messages.join("bob", seq: 1, ts: t0)))
            let sessionId = try #require(body["acks"]?.array?.first?["sessionId"]?.string)
            let location = try await client.execute(uri: "/sessions/\(sessionId)/share", method: .post, headers: [
                .cookie: cookie, .origin: "http://localhost", .contentType: "application/x-www-form-urlencoded",
            ], body: ByteBuffer(string: "days=1")) { try #require($0.headers[.location]) }
            // The token never travels in the redirect: only a one-time flash ID does.
            #expect(!location.contains("share%2F") && !location.contains("/share/") && location.contains("?flash="))
            let (_, overview, _) = try await client.page(String(location.prefix { $0 != "#" }), cookie: cookie)
            let token = try #require(overview.range(of: "/share/").map { String(overview[$0.upperBound...].prefix(32)) })
            #expect(token.count == 32)
            let (_, reloaded, _) = try await client.page(String(location.prefix { $0 != "#" }), cookie: cookie)
            #expect(!reloaded.contains("Read-only link (shown once"), "a flash notice is shown once")

            let (status, shared, _) = try await client.page("/share/\(token)")
            #expect(status == .ok)
            #expect(shared.contains("Read-only view"))
            #expect(!shared.contains("Kick out") && !shared.contains("Add note") && !shared.contains("export.csv"))
            #expect(shared.contains("href=\"/share/\(token)/errors\""), "tabs stay inside the share")
            #expect(!shared.contains("href=\"/sessions\""), "no links out of the share")
            for path in ["errors", "stats", "participants/alice"] {
                let (s, _, _) = try await client.page("/share/\(token)/\(path)")
                #expect(s == .ok, "/share/…/\(path)")
            }
            let (sApi, _) = try await client.api("/api/v1/sessions", token: token)
            #expect(sApi == .unauthorized, "a share token is not an API token")

            let (_, owner, _) = try await client.page("/sessions/\(sessionId)", cookie: cookie)
            let revoke = try #require(owner.range(of: "/share/[0-9a-f]{64}/revoke", options: .regularExpression).map { String(owner[$0]) })
            try await client.execute(uri: "/sessions/\(sessionId)\(revoke)", method: .post,
                                     headers: [.cookie: cookie, .origin: "http://localhost"]) { #expect($0.status == .seeOther) }
            let (gone, _, _) = try await client.page("/share/\(token)")
            #expect(gone == .notFound)
            let (wrong, _, _) = try await client.page("/share/0123456789abcdef0123456789abcdef")
            #expect(wrong == .notFound)
        }
    }
}
