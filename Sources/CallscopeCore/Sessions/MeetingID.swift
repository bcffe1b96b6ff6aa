/// Meeting IDs: any app-given ID is accepted (within sane limits); when the app gives none the
/// server generates one of the seed's form `abcd-efgh-ijkl`.
public enum MeetingID {
    public static let maxLength = 128

    /// A new `abcd-efgh-ijkl` ID: 12 random lowercase letters (26^12 ≈ 9.5e16 possibilities).
    public static func generate<G: RandomNumberGenerator>(using generator: inout G) -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        var out = ""
        for group in 0..<3 {
            if group > 0 { out.append("-") }
            for _ in 0..<4 { out.append(letters[Int.random(in: 0..<26, using: &generator)]) }
        }
        return out
    }

    public static func generate() -> String {
        var rng = SystemRandomNumberGenerator()
        return generate(using: &rng)
    }

    /// `true` for IDs of the generated form.
    public static func isGeneratedForm(_ id: String) -> Bool {
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3 && parts.allSatisfy { $0.count == 4 && $0.allSatisfy { ("a"..."z").contains($0) } }
    }

    /// App-given IDs: 1–128 characters, no control characters (they end up in URLs and pages).
    public static func validate(_ id: String, field: String) throws(IngestValidationError) {
        guard !id.isEmpty, id.count <= maxLength else {
            throw IngestValidationError(.invalidField, "meetingId must be 1 to \(maxLength) characters", field: field)
        }
        guard !id.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw IngestValidationError(.invalidField, "meetingId must not contain control characters", field: field)
        }
    }
}
