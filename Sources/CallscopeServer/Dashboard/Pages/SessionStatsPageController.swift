import CallscopeCore
import CallscopeStore
import Foundation
import Hummingbird

/// `/sessions/{id}/stats`: the Session stats tab. Sender on the left, receiver from a dropdown,
/// media kind, time window (whole session, last 5 minutes, or a range picked on a chart:
/// `?from=&to=`), and one chart per metric with the sender side beside the receiver side on one
/// time axis. `sender` defaults to the first participant that sends anything.
struct SessionStatsPageController: Sendable {
    let queries: SessionQueries
    let templates: DashboardTemplates

    struct Model: Sendable {
        var frame: SessionPageFrame
        var senders: [SelectOption]
        var receivers: [SelectOption]
        var kinds: [SelectOption]
        var windows: [SelectOption]
        var from: String
        var to: String
        var heading: String
        /// SVG from `MetricChart`, which escapes every text it draws: inserted with `{{{…}}}`.
        var charts: [String]
        var hasCharts: Bool
        var emptyText: String
    }

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/sessions/:sessionId/stats", use: stats)
    }

    func addSharedRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/share/:token/stats", use: stats)
    }

    @Sendable func stats(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await SessionScope.resolve(request, context, queries: queries)
        let session = scope.session
        let limits = try await queries.limits(of: session)
        let q = request.uri.queryParameters
        let people = try await queries.participants(of: session)
        let names = Dictionary(people.map { ($0.participantId, $0.name ?? $0.participantId) }, uniquingKeysWith: { a, _ in a })
        let joinOrder = people.map(\.participantId)
        let streams = try await queries.streams(of: session)
        let senderIds = Self.ordered(streams.map(\.key.senderId), by: joinOrder)
        let sender = q.get("sender").flatMap { s in senderIds.contains(s) ? s : nil } ?? senderIds.first
        let fromSender = streams.filter { $0.key.senderId == sender }
        let receiverIds = Self.ordered(fromSender.map { $0.key.receiverId ?? "" }, by: joinOrder)
        let receiver = q.get("receiver").flatMap { r in receiverIds.contains(r) ? r : nil } ?? receiverIds.first
        let pair = fromSender.filter { ($0.key.receiverId ?? "") == receiver }
        let kinds = MediaKind.allCases.filter { k in pair.contains { $0.key.kind == k } }
        let kind = q.get("kind").flatMap(MediaKind.init(rawValue:)).flatMap { kinds.contains($0) ? $0 : nil } ?? kinds.first
        let stream = pair.first { $0.key.kind == kind }

        let end = queries.endOrNowMs(of: session)
        let window = q.get("window") ?? "all"
        var fromMs = session.startMs, toMs = end
        if window == "last5" { fromMs = max(session.startMs, end.subtracting(saturating: 5 * 60_000)) }
        // A range dragged on a chart. Out-of-range or reversed values are refused by name: they
        // come from a URL, and the window's arithmetic below must not overflow.
        let picked = try QueryReader(request).timeRange()
        if let f = picked.fromMs, let t = picked.toMs {
            guard f < t else { throw APIError.badRequest("from must be before to", field: "from") }
            (fromMs, toMs) = (f, t)
        }
        (fromMs, toMs) = (EpochTime.clamped(fromMs), EpochTime.clamped(toMs))

        var charts: [String] = []
        if let stream, let kind {
            let samples = try await queries.chartSamples(of: stream, among: streams, fromMs: fromMs, toMs: toMs)
            let senderName = DisplayName.of(stream.key.senderId, in: names)
            let receiverName = stream.key.receiverId.map { DisplayName.of($0, in: names) } ?? "the SFU's receivers"
            charts = ChartMetric.metrics(for: kind).map { metric in
                MetricChart(metric: metric, fromMs: fromMs, toMs: toMs, samples: samples, senderName: senderName,
                            receiverName: receiverName, limits: limits,
                            subject: "\(senderName) → \(receiverName), \(kind.displayName)").renderBothSizes()
            }
        }
        let label = { (id: String) in id.isEmpty ? "SFU / unknown receiver" : "\(DisplayName.of(id, in: names)) (\(id))" }
        let model = Model(
            frame: scope.frame(title: "Session stats · \(session.meetingId)", user: context.user?.username,
                               tab: "Session stats", livePath: "/stats"),
            senders: senderIds.map { .init(value: $0, label: label($0), selected: $0 == sender) },
            receivers: receiverIds.map { .init(value: $0, label: label($0), selected: $0 == receiver) },
            kinds: kinds.map { .init(value: $0.rawValue, label: $0.displayName, selected: $0 == kind) },
            windows: [("all", "Whole session"), ("last5", "Last 5 minutes")].map {
                .init(value: $0.0, label: $0.1, selected: $0.0 == window && q.get("from") == nil)
            },
            from: q.get("from") ?? "", to: q.get("to") ?? "",
            heading: stream.map { _ in
                "\(sender.map(label) ?? "") → \(receiver.map(label) ?? ""), \(kind.map(\.displayName) ?? "")"
            } ?? "",
            charts: charts, hasCharts: !charts.isEmpty,
            emptyText: streams.isEmpty ? "No media streams in this session yet: stats arrive every 2 s once participants send audio or video."
                : "Pick a sender, a receiver and a kind.")
        return try templates.page("session-stats", model)
    }

    /// Participants in join order first, anything else (unknown senders) after, each once.
    static func ordered(_ ids: [String], by order: [String]) -> [String] {
        let present = Set(ids)
        var seen = Set<String>()
        return (order.filter(present.contains) + ids.sorted()).filter { seen.insert($0).inserted }
    }
}
