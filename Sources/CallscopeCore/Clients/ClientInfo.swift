/// What a participant's `join` says about its client (the participant sidebar's fields, docs/metrics.md §4.7).
public struct ClientInfo: Sendable, Hashable, Codable {
    public enum Platform: String, Sendable, Hashable, Codable, CaseIterable { case desktop, mobile }

    public var userAgent: String?
    public var platform: Platform?
    public var device: String?
    public var os: String?
    public var browser: String?
    public var sdkName: String?
    public var sdkVersion: String?
    /// Approximate location, when the app or a GeoIP lookup knows it.
    public var location: String?

    public init(userAgent: String? = nil, platform: Platform? = nil, device: String? = nil, os: String? = nil,
                browser: String? = nil, sdkName: String? = nil, sdkVersion: String? = nil, location: String? = nil) {
        self.userAgent = userAgent
        self.platform = platform
        self.device = device
        self.os = os
        self.browser = browser
        self.sdkName = sdkName
        self.sdkVersion = sdkVersion
        self.location = location
    }
}
