/// The colour of a health slice: green, orange or red on the call-health bars.
public enum HealthColour: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case good, moderate, poor

    private var rank: Int {
        switch self {
        case .good: 0
        case .moderate: 1
        case .poor: 2
        }
    }

    public static func < (lhs: HealthColour, rhs: HealthColour) -> Bool { lhs.rank < rhs.rank }
}
