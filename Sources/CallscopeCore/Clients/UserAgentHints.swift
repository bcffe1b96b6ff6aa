/// What a browser's User-Agent Client Hints say (`navigator.userAgentData` and its
/// `getHighEntropyValues(["platformVersion", "model", "fullVersionList"])`), as a collector sends
/// them in a join's `userAgentData`. Chromium browsers have them; the User-Agent string alone is
/// frozen there (Windows 11 says "NT 10.0", Android says "Android 10; K").
public struct UserAgentHints: Sendable, Hashable {
    public struct Brand: Sendable, Hashable {
        public var brand: String
        public var version: String

        public init(brand: String, version: String) {
            self.brand = brand
            self.version = version
        }
    }

    /// `fullVersionList` when the browser gave it, else the low-entropy `brands`.
    public var brands: [Brand]
    public var mobile: Bool?
    public var platform: String?
    public var platformVersion: String?
    public var model: String?

    public init(brands: [Brand] = [], mobile: Bool? = nil, platform: String? = nil, platformVersion: String? = nil,
                model: String? = nil) {
        self.brands = brands
        self.mobile = mobile
        self.platform = platform
        self.platformVersion = platformVersion
        self.model = model
    }
}
