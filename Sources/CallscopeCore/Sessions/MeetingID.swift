/// Meeting IDs: any app-given ID is accepted (within sane limits); when the app gives none the
/// server generates one of the form `abcd-efgh-ijkl` (docs/ingest-protocol.md §6.1.1).
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

}

/// The rules every app-given ID (meeting, participant, peer connection) follows: 1 to
/// `maxBytes` bytes of UTF-8 — bytes, not characters, since one character (a grapheme cluster)
/// can carry any number of combining marks — and no control characters (C0, DEL, C1), since IDs
/// end up in URLs, pages, logs and file names.
public enum IngestID {
    public static func validate(_ id: String, name: String, field: String,
                                maxBytes: Int = MeetingID.maxLength) throws(IngestValidationError) {
        guard !id.isEmpty, id.utf8.count <= maxBytes else {
            throw IngestValidationError(.invalidField, "\(name) must be 1 to \(maxBytes) bytes of UTF-8", field: field)
        }
        guard !id.unicodeScalars.contains(where: isControl) else {
            throw IngestValidationError(.invalidField, "\(name) must not contain control characters", field: field)
        }
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
