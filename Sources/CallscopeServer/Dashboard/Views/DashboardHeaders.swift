import HTTPTypes

/// Headers of every dashboard page: no inline code, no framing, no session IDs leaking to other
/// sites through referrers. (`same-origin`, not `no-referrer`: under `no-referrer` browsers send
/// `Origin: null` on form posts, and the same-origin check could no longer tell our own forms.)
enum DashboardHeaders {
    static let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

    static var html: HTTPFields {
        [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy: contentSecurityPolicy,
            .xContentTypeOptions: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "same-origin",
            HTTPField.Name("X-Frame-Options")!: "DENY",
            .cacheControl: "no-store",
        ]
    }
}
