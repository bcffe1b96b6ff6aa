import CallscopeCore

/// An application or environment that sends data: its write-only ingest key.
public struct Project: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var ingestKey: String
    public var createdMs: Int64
    /// Web origins (`https://app.example.com`, `https://*.example.com`) whose pages may send
    /// with this project's key. Empty: any origin, the default.
    public var allowedOrigins: [String]
    /// How this project's calls are coloured and judged (PRODUCT.md §5 by default).
    public var thresholds: HealthThresholds

    public init(id: String, name: String, ingestKey: String, createdMs: Int64, allowedOrigins: [String] = [],
                thresholds: HealthThresholds = .default) {
        self.id = id
        self.name = name
        self.ingestKey = ingestKey
        self.createdMs = createdMs
        self.allowedOrigins = allowedOrigins
        self.thresholds = thresholds
    }
}
