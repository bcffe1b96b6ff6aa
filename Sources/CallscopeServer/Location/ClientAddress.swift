/// Which address a request comes from: the peer of the TCP connection, unless that peer is a
/// trusted proxy, in which case its `X-Forwarded-For` chain says who it forwarded for.
///
/// Each proxy appends the address it received the request from, so the chain reads client first,
/// nearest proxy last. It is read right to left: trusted proxies are skipped and the first address
/// that is not trusted is the client; only the trusted hops could have written what lies to its
/// left, so nothing further left is believed. If every entry is trusted, the left-most is taken.
/// An entry that is not an address (`unknown`, an obfuscated `_hidden`, garbage) where the
/// reading stops means the chain cannot be trusted: the peer is the answer.
public enum ClientAddress {
    /// - Parameters:
    ///   - peer: the TCP connection's remote address, `nil` when unknown (then nothing is believed).
    ///   - forwardedFor: the request's `X-Forwarded-For` field values, in order (several header
    ///     lines are one comma-separated list).
    public static func resolve(peer: IPAddress?, forwardedFor: [String], trusted: TrustedProxies) -> IPAddress? {
        guard let peer else { return nil }
        guard trusted.contains(peer) else { return peer }
        let entries = forwardedFor.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
        guard !entries.isEmpty else { return peer }
        var leftMost = peer
        for entry in entries.reversed() {
            guard let address = forwardedAddress(entry) else { return peer }
            guard trusted.contains(address) else { return address }
            leftMost = address
        }
        return leftMost
    }

    /// One `X-Forwarded-For` entry: an address, optionally with a port (`81.2.69.1:5678`) or in
    /// brackets (`[2a02:8010::1]`, `[2a02:8010::1]:443`), as some proxies write it.
    static func forwardedAddress(_ entry: Substring) -> IPAddress? {
        var text = Substring(entry.strippingSpacesAndTabs)
        if text.first == "[" {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let rest = text[text.index(after: close)...]
            guard rest.isEmpty || (rest.first == ":" && rest.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }
                                   && rest.count > 1) else { return nil }
            text = text[text.index(after: text.startIndex)..<close]
            guard text.contains(":") else { return nil }
        } else if let colon = text.firstIndex(of: ":"), text.lastIndex(of: ":") == colon {
            // Exactly one colon: IPv4 with a port.
            let port = text[text.index(after: colon)...]
            guard !port.isEmpty, port.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            text = text[..<colon]
        }
        return IPAddress(text)
    }
}
