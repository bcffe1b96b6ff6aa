/// The limits one by one, by their API names, with the range each may take: what the projects API
/// and the dashboard's settings page read and write. A project's limits are stored as the JSON of
/// ``HealthThresholds`` (its `Codable` form uses the same names).
extension HealthThresholds {
    /// One limit: its API name, its unit, the range it may take, and where it lives.
    public struct Field: Sendable {
        public let name: String
        public let label: String
        public let unit: String
        public let range: ClosedRange<Double>
        public let keyPath: WritableKeyPath<HealthThresholds, Double> & Sendable
    }

    /// Every limit, in the order the settings page shows them.
    public static let fields: [Field] = [
        Field(name: "jitterGoodMs", label: "Jitter: good up to", unit: "ms", range: 0...10_000, keyPath: \.jitterGoodMs),
        Field(name: "jitterModerateMs", label: "Jitter: moderate up to", unit: "ms", range: 0...10_000, keyPath: \.jitterModerateMs),
        Field(name: "rttGoodMs", label: "RTT: good up to", unit: "ms", range: 0...60_000, keyPath: \.rttGoodMs),
        Field(name: "rttModerateMs", label: "RTT: moderate up to", unit: "ms", range: 0...60_000, keyPath: \.rttModerateMs),
        Field(name: "lossGoodPercent", label: "Packet loss: good up to", unit: "%", range: 0...100, keyPath: \.lossGoodPercent),
        Field(name: "lossModeratePercent", label: "Packet loss: moderate up to", unit: "%", range: 0...100,
              keyPath: \.lossModeratePercent),
        Field(name: "fpsGood", label: "Video frame rate: good from", unit: "fps", range: 1...240, keyPath: \.fpsGood),
        Field(name: "fpsPoor", label: "Video frame rate: poor below", unit: "fps", range: 0...240, keyPath: \.fpsPoor),
    ]

    /// Why a set of limits cannot be used: the field at fault and what it must be.
    public struct Invalid: Error, Sendable, Equatable {
        public let field: String
        public let message: String
        /// Each value is fine on its own, but together they would put the colours out of order
        /// (a good limit past its moderate one), possibly with a limit already in force.
        public var outOfOrder = false
    }

    /// The limits with `values` (API name → number) put over these; every name must be known and
    /// every value finite and in range, and each good limit must be on the better side of its
    /// moderate (or poor) one, so that the three colours stay in order.
    public func replacing(_ values: [String: Double]) throws(Invalid) -> HealthThresholds {
        var result = self
        for (name, value) in values.sorted(by: { $0.key < $1.key }) {
            guard let field = Self.fields.first(where: { $0.name == name }) else {
                throw Invalid(field: name, message: "unknown limit; the limits are "
                              + Self.fields.map(\.name).joined(separator: ", "))
            }
            guard value.isFinite, field.range.contains(value) else {
                throw Invalid(field: name, message: "\(name) is a number from \(Self.number(field.range.lowerBound)) to "
                              + "\(Self.number(field.range.upperBound)) \(field.unit)")
            }
            result[keyPath: field.keyPath] = value
        }
        try result.validateOrder()
        return result
    }

    /// Throws unless every good limit is on the better side of its moderate (or poor) one.
    public func validateOrder() throws(Invalid) {
        if jitterModerateMs < jitterGoodMs {
            throw Invalid(field: "jitterModerateMs", message: "jitterModerateMs must be at least jitterGoodMs", outOfOrder: true)
        }
        if rttModerateMs < rttGoodMs {
            throw Invalid(field: "rttModerateMs", message: "rttModerateMs must be at least rttGoodMs", outOfOrder: true)
        }
        if lossModeratePercent < lossGoodPercent {
            throw Invalid(field: "lossModeratePercent", message: "lossModeratePercent must be at least lossGoodPercent",
                          outOfOrder: true)
        }
        if fpsPoor > fpsGood {
            throw Invalid(field: "fpsPoor", message: "fpsPoor must be at most fpsGood", outOfOrder: true)
        }
    }

    /// Each limit by its API name.
    public var values: [(name: String, value: Double)] {
        Self.fields.map { ($0.name, self[keyPath: $0.keyPath]) }
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

/// Decoding reads the limits by their API names and keeps the default for any that is missing,
/// so limits stored before a new one existed still decode; out-of-range values are refused.
extension HealthThresholds {
    private struct Name: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Name.self)
        var values: [String: Double] = [:]
        for field in Self.fields {
            if let value = try container.decodeIfPresent(Double.self, forKey: Name(stringValue: field.name)) {
                values[field.name] = value
            }
        }
        do {
            self = try HealthThresholds.default.replacing(values)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: [Name(stringValue: error.field)], debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Name.self)
        for (name, value) in values { try container.encode(value, forKey: Name(stringValue: name)) }
    }
}
