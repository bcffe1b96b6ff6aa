import Hummingbird

/// An `application/x-www-form-urlencoded` body (the dashboard's forms), as name → value.
enum FormFields {
    static func parse(_ body: ByteBuffer) -> [String: String] {
        String(buffer: body).split(separator: "&").reduce(into: [String: String]()) { fields, pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
    }
}
