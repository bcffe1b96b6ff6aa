/// The sidebar's platform, device, OS and browser, read from a User-Agent string and, where the
/// browser has them, its Client Hints. Done on the server so that every source gets the same
/// answer (the browser collector, other SDKs, rtcstats dumps that carry only the string) and a
/// better parser needs no new collector in every app.
///
/// It says no more than the browser does: the device is a model only when the hints name one
/// (`Pixel 8`) or the string says iPhone/iPad; otherwise it is the kind of device (`Windows PC`,
/// `Mac`, `Linux desktop`, `Chromebook`, `Android phone`). Values frozen by reduced User-Agent
/// strings (macOS 10.15, Windows NT 10.0 for 11, "Android 10; K") are not reported as facts.
public struct UserAgentDescription: Sendable, Hashable {
    public var platform: ClientInfo.Platform
    public var device: String?
    public var os: String?
    public var browser: String?

    public init(userAgent: String, hints: UserAgentHints? = nil) {
        let ua = userAgent
        browser = Self.browsers.lazy.compactMap { name, pattern in
            Self.capture(pattern, in: ua).map { "\(name) \($0)" }
        }.first
        if let nt = Self.capture(#/Windows NT ([\d.]+)/#, in: ua) {
            (os, device) = (nt == "10.0" ? "Windows 10/11" : "Windows", "Windows PC")
        } else if let android = Self.capture(#/Android ([\d.]+)/#, in: ua) {
            let reduced = ua.contains("; K)")
            (os, device) = (reduced ? "Android" : "Android \(Self.version(android))",
                            ua.contains("Mobile") ? "Android phone" : "Android tablet")
        } else if let apple = ua.firstMatch(of: #/(iPhone|iPad|iPod).*? OS ([\d_]+)/#) {
            (os, device) = ("iOS \(Self.version(String(apple.2)))", String(apple.1))
        } else if let mac = Self.capture(#/Mac OS X ([\d_.]+)/#, in: ua) {
            let frozen = mac.hasPrefix("10_15") || mac.hasPrefix("10.15")
            (os, device) = (frozen ? "macOS" : "macOS \(Self.version(mac))", "Mac")
        } else if ua.contains("CrOS") {
            (os, device) = ("ChromeOS", "Chromebook")
        } else if ua.contains("Linux") {
            (os, device) = ("Linux", "Linux desktop")
        }
        var mobile = ua.contains("Mobi") || ua.contains("Android") || ua.contains("iPhone") || ua.contains("iPad")
            || ua.contains("iPod")
        if let hints {
            if let known = hints.brands.lazy.compactMap({ b in Self.brandNames[b.brand].map { ($0, b.version) } }).first,
               let major = known.1.split(separator: ".").first {
                browser = "\(known.0) \(major)"
            }
            if let version = hints.platformVersion, let major = Int(version.split(separator: ".").first ?? "") {
                switch hints.platform {
                // Microsoft: platformVersion 13 and above is Windows 11, 1–10 is Windows 10.
                case "Windows" where major > 0: os = major >= 13 ? "Windows 11" : "Windows 10"
                case "macOS": os = "macOS \(Self.version(version))"
                case "Android": os = "Android \(Self.version(version))"
                default: break
                }
            }
            if let model = hints.model, !model.isEmpty { device = model }
            if let m = hints.mobile { mobile = m }
        }
        platform = mobile ? .mobile : .desktop
    }

    /// First match wins: Edge, Opera and Samsung Internet also say Chrome; Chrome also says Safari.
    /// (Computed: `Regex` is not `Sendable`, and a join is rare enough to build them each time.)
    private static var browsers: [(String, Regex<(Substring, Substring)>)] { [
        ("Samsung Internet", #/SamsungBrowser\/(\d+)/#), ("Edge", #/Edg(?:e|A|iOS)?\/(\d+)/#),
        ("Opera", #/OPR\/(\d+)/#), ("Firefox", #/(?:Firefox|FxiOS)\/(\d+)/#),
        ("Chrome", #/(?:Chrome|CriOS)\/(\d+)/#), ("Safari", #/Version\/(\d+).*Safari/#),
    ] }

    /// Client Hints brands worth naming; the others ("Chromium", "Not_A Brand") say nothing.
    private static let brandNames = [
        "Google Chrome": "Chrome", "Microsoft Edge": "Edge", "Opera": "Opera", "Samsung Internet": "Samsung Internet",
    ]

    private static func capture(_ pattern: Regex<(Substring, Substring)>, in text: String) -> String? {
        text.firstMatch(of: pattern).map { String($0.1) }
    }

    /// `17_4` → `17.4`, `14.0.0` → `14`, `10.14` → `10.14`: two components, no trailing `.0`.
    static func version(_ raw: String) -> String {
        let parts = raw.split(whereSeparator: { $0 == "." || $0 == "_" }).prefix(2)
        var text = parts.joined(separator: ".")
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }
}

extension ClientInfo {
    /// Fills what the join left out from its User-Agent string and hints; what it says wins.
    public mutating func describe(hints: UserAgentHints?) {
        guard !(userAgent ?? "").isEmpty || hints != nil else { return }
        let described = UserAgentDescription(userAgent: userAgent ?? "", hints: hints)
        platform = platform ?? described.platform
        device = device ?? described.device
        os = os ?? described.os
        browser = browser ?? described.browser
    }
}
