import Crypto

/// Making and checking secrets. API tokens are stored only as SHA-256 hashes: a copy of the
/// database does not let anyone read the API. Ingest keys are stored as they are: they sit in
/// browser code anyway and only write.
public enum Credentials {
    /// A new random secret: `prefix` + 32 lowercase hex digits (128 bits).
    public static func generate(prefix: String) -> String {
        var rng = SystemRandomNumberGenerator()
        let words = (0..<2).map { _ in rng.next() as UInt64 }
        return prefix + words.map { String($0, radix: 16).leftPadded(to: 16) }.joined()
    }

    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
