@testable import CallscopeServer
import Testing

@Suite("Allowed origins")
struct OriginPolicyTests {
    @Test("an empty list or * allows every origin; no Origin header is always allowed")
    func any() {
        #expect(OriginPolicy([]).allows(origin: "https://evil.example"))
        #expect(OriginPolicy(["*"]).allows(origin: "http://localhost:3000"))
        #expect(OriginPolicy(["https://app.example.com"]).allows(origin: nil))
    }

    @Test("exact origins match after normalisation: case, default port, trailing slash")
    func exact() {
        let policy = OriginPolicy(["HTTPS://App.Example.com:443/", "http://localhost:3000"])
        #expect(policy.patterns == ["https://app.example.com", "http://localhost:3000"])
        #expect(policy.allows(origin: "https://app.example.com"))
        #expect(policy.allows(origin: "https://APP.example.com:443"))
        #expect(policy.allows(origin: "http://localhost:3000"))
        #expect(!policy.allows(origin: "http://localhost:3001"))
        #expect(!policy.allows(origin: "http://app.example.com"), "scheme matters")
        #expect(!policy.allows(origin: "https://app.example.com.evil.net"))
        #expect(!policy.allows(origin: "null"), "opaque origins (sandboxed frames, file://) never match a list")
        #expect(policy.allows(origin: "ws://127.0.0.1"), "WebSocket libraries outside browsers send ws:// origins")
        #expect(!policy.allows(origins: ["ws://127.0.0.1", "https://evil.example"]), "every value of a repeated header counts")
    }

    @Test("*.domain covers subdomains at any depth, not the domain itself nor look-alikes")
    func wildcard() {
        let policy = OriginPolicy(["https://*.example.com"])
        #expect(policy.allows(origin: "https://a.example.com"))
        #expect(policy.allows(origin: "https://a.b.example.com"))
        #expect(!policy.allows(origin: "https://example.com"))
        #expect(!policy.allows(origin: "https://badexample.com"))
        #expect(!policy.allows(origin: "http://a.example.com"))
    }

    @Test("what is not scheme://host[:port] is refused")
    func invalid() {
        #expect(OriginPolicy.normalise("app.example.com") == nil)
        #expect(OriginPolicy.normalise("https://app.example.com/path") == nil)
        #expect(OriginPolicy.normalise("https://user@app.example.com") == nil)
        #expect(OriginPolicy.normalise("https://") == nil)
        #expect(OriginPolicy.normalise("http://localhost:8080/") == "http://localhost:8080")
    }
}
