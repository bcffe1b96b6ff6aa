import HTTPTypes
import Hummingbird

/// The CSRF defence beyond `SameSite=Strict` for requests a session cookie authenticates:
/// a request that changes state must come from one of this server's own pages. Browsers send
/// `Origin` on every such request (`fetch` POST/PUT/DELETE, form posts); when one is missing,
/// `Sec-Fetch-Site: same-origin` must vouch for it instead.
///
/// The server's own origin is the request's `Host` (a reverse proxy in front must pass the
/// browser's `Host` on), with `https` when ``ServerConfiguration/secureCookies`` is set and
/// either scheme otherwise (a TLS-terminating proxy may forward plain HTTP).
struct SameOriginCheck: Sendable {
    let secureCookies: Bool

    static func changesState(_ method: HTTPRequest.Method) -> Bool {
        !(method == .get || method == .head || method == .options)
    }

    /// True when the request comes from a page of this server.
    func allows(_ request: Request) -> Bool {
        let origins = request.headers[values: .origin]
        if origins.isEmpty {
            return request.headers[HTTPField.Name("Sec-Fetch-Site")!]?.lowercased() == "same-origin"
        }
        guard origins.count == 1, let host = request.head.authority, !host.isEmpty,
              let origin = OriginPolicy.normalise(origins[0])
        else { return false }
        let schemes = secureCookies ? ["https"] : ["http", "https"]
        return schemes.contains { scheme in OriginPolicy.normalise("\(scheme)://\(host)") == origin }
    }

    /// For sign-in forms, which no cookie authenticates yet: a foreign `Origin` is refused, none
    /// is allowed (scripts, old browsers).
    func allowsForm(_ request: Request) -> Bool {
        request.headers[values: .origin].isEmpty || allows(request)
    }
}
