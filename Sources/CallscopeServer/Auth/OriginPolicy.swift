/// Which web origins may send with a project's ingest key. Browsers send `Origin` on
/// cross-origin requests and on every WebSocket handshake; servers and native apps usually
/// send none, and are let through: an origin list limits pages, the key itself limits callers.
struct OriginPolicy: Sendable, Equatable {
    /// Normalised patterns: `scheme://host[:port]`, the host optionally starting with `*.`.
    let patterns: [String]

    /// An empty list allows every origin.
    init(_ allowed: [String]) {
        patterns = allowed.compactMap(Self.normalise)
    }

    var allowsAny: Bool { patterns.isEmpty || patterns.contains("*") }

    func allows(origin: String?) -> Bool {
        guard !allowsAny, let origin else { return true }
        // Browsers send the page's origin (http, https, or "null"); WebSocket libraries outside a
        // browser send ws:// or wss:// of the URL they connect to. Those are not pages, and could
        // send any Origin anyway.
        if origin.lowercased().hasPrefix("ws://") || origin.lowercased().hasPrefix("wss://") { return true }
        guard let candidate = Self.normalise(origin) else { return false }
        return patterns.contains { Self.matches(pattern: $0, origin: candidate) }
    }

    /// Every `Origin` value of a request must be allowed (a browser sends one; two are a forgery).
    func allows(origins: [String]) -> Bool {
        origins.allSatisfy { allows(origin: $0) }
    }

    /// Lower-cases scheme and host, drops a default port and a trailing slash, so that
    /// `HTTPS://App.Example.com:443/` and `https://app.example.com` are the same origin.
    /// Returns nil for anything that is not `scheme://host[:port]` (or `*`).
    static func normalise(_ raw: String) -> String? {
        var text = raw.trimmingSpaces().lowercased()
        if text == "*" { return text }
        while text.hasSuffix("/") { text.removeLast() }
        guard let schemeEnd = text.range(of: "://") else { return nil }
        let scheme = String(text[..<schemeEnd.lowerBound])
        var host = String(text[schemeEnd.upperBound...])
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }),
              !host.isEmpty, !host.contains("/"), !host.contains("@"), !host.contains("?"), !host.contains("#")
        else { return nil }
        if (scheme == "https" && host.hasSuffix(":443")) || (scheme == "http" && host.hasSuffix(":80")) {
            host = String(host[..<host.lastIndex(of: ":")!])
        }
        return "\(scheme)://\(host)"
    }

    private static func matches(pattern: String, origin: String) -> Bool {
        if pattern == origin { return true }
        guard let star = pattern.range(of: "://*.") else { return false }
        let scheme = pattern[..<star.lowerBound]
        let suffix = "." + pattern[star.upperBound...]
        guard origin.hasPrefix(scheme + "://") else { return false }
        let host = origin.dropFirst(scheme.count + 3)
        // `*.example.com` covers `a.example.com` and `a.b.example.com`, not `example.com` itself.
        return host.hasSuffix(suffix) && host.count > suffix.count
    }
}
