@testable import CallscopeCore
import Testing

@Suite("Client info from the User-Agent and Client Hints")
struct UserAgentDescriptionTests {
    static let chromeWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
    static let chromeMac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
    static let chromeLinux = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
    static let chromeAndroidReduced = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"

    /// Real strings: user agent, platform, device, OS, browser.
    static let table: [(String, ClientInfo.Platform, String?, String?, String?)] = [
        (chromeWindows, .desktop, "Windows PC", "Windows 10/11", "Chrome 131"),
        (chromeMac, .desktop, "Mac", "macOS", "Chrome 131"),
        (chromeLinux, .desktop, "Linux desktop", "Linux", "Chrome 131"),
        (chromeAndroidReduced, .mobile, "Android phone", "Android", "Chrome 131"),
        ("Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36",
         .mobile, "Android phone", "Android 13", "Chrome 116"),
        ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
         .mobile, "Android tablet", "Android", "Chrome 131"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
         .mobile, "iPhone", "iOS 17.4", "Chrome 131"),
        ("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
         .desktop, "Chromebook", "ChromeOS", "Chrome 131"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
         .mobile, "iPhone", "iOS 17.4", "Safari 17"),
        ("Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
         .mobile, "iPad", "iOS 16.6", "Safari 16"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
         .desktop, "Mac", "macOS", "Safari 17"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
         .desktop, "Windows PC", "Windows 10/11", "Firefox 133"),
        ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
         .desktop, "Linux desktop", "Linux", "Firefox 133"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10.14; rv:78.0) Gecko/20100101 Firefox/78.0",
         .desktop, "Mac", "macOS 10.14", "Firefox 78"),
        ("Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0", .mobile, "Android phone", "Android 14", "Firefox 133"),
        (chromeWindows + " Edg/131.0.0.0", .desktop, "Windows PC", "Windows 10/11", "Edge 131"),
        (chromeAndroidReduced + " EdgA/131.0.0.0", .mobile, "Android phone", "Android", "Edge 131"),
        ("Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
         .mobile, "Android phone", "Android 13", "Samsung Internet 23"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36 OPR/115.0.0.0",
         .desktop, "Windows PC", "Windows 10/11", "Opera 115"),
        ("", .desktop, nil, nil, nil),
    ]

    @Test("User-Agent strings of the common browsers and systems", arguments: table.indices)
    func userAgent(_ i: Int) {
        let (ua, platform, device, os, browser) = Self.table[i]
        let d = UserAgentDescription(userAgent: ua)
        #expect(d == UserAgentDescription.expected(platform: platform, device: device, os: os, browser: browser), "\(ua)")
    }

    @Test("Client Hints tell Windows 11 from 10 (platformVersion ≥ 13)")
    func windows11() {
        var hints = UserAgentHints(brands: [.init(brand: "Google Chrome", version: "131.0.6778.86"), .init(brand: "Chromium", version: "131.0.6778.86"),
                                            .init(brand: "Not_A Brand", version: "24.0.0.0")],
                                   mobile: false, platform: "Windows", platformVersion: "15.0.0", model: "")
        #expect(UserAgentDescription(userAgent: Self.chromeWindows, hints: hints)
            == .expected(platform: .desktop, device: "Windows PC", os: "Windows 11", browser: "Chrome 131"))
        hints.platformVersion = "10.0.0"
        #expect(UserAgentDescription(userAgent: Self.chromeWindows, hints: hints).os == "Windows 10")
    }

    @Test("Client Hints give the model and the real Android version behind a reduced string")
    func androidModel() {
        let hints = UserAgentHints(brands: [.init(brand: "Not)A;Brand", version: "99.0.0.0"), .init(brand: "Google Chrome", version: "131.0.6778.81")],
                                   mobile: true, platform: "Android", platformVersion: "14.0.0", model: "Pixel 8")
        #expect(UserAgentDescription(userAgent: Self.chromeAndroidReduced, hints: hints)
            == .expected(platform: .mobile, device: "Pixel 8", os: "Android 14", browser: "Chrome 131"))
    }

    @Test("Client Hints: Edge on macOS with its real version; low-entropy hints invent nothing")
    func edgeMac() {
        let hints = UserAgentHints(brands: [.init(brand: "Microsoft Edge", version: "131.0.2903.70"), .init(brand: "Chromium", version: "131.0.6778.86")],
                                   mobile: false, platform: "macOS", platformVersion: "14.4.1", model: "")
        #expect(UserAgentDescription(userAgent: Self.chromeMac + " Edg/131.0.0.0", hints: hints)
            == .expected(platform: .desktop, device: "Mac", os: "macOS 14.4", browser: "Edge 131"))
        let low = UserAgentHints(brands: [.init(brand: "Chromium", version: "131"), .init(brand: "Google Chrome", version: "131")],
                                 mobile: false, platform: "Linux")
        #expect(UserAgentDescription(userAgent: Self.chromeLinux, hints: low)
            == .expected(platform: .desktop, device: "Linux desktop", os: "Linux", browser: "Chrome 131"))
    }

    @Test("a join's own fields win; the rest is described from userAgent and userAgentData")
    func joinDecoding() throws {
        let json = """
        {"type":"join","meetingId":"m","participantId":"p","seq":0,"ts":1,"userAgent":"\(Self.chromeAndroidReduced)",
         "device":"Lab phone 3","userAgentData":{"mobile":true,"platform":"Android","platformVersion":"14.0.0","model":"Pixel 8",
         "fullVersionList":[{"brand":"Google Chrome","version":"131.0.6778.81"}],"brands":[{"brand":"Chromium","version":"131"}]}}
        """
        let message = try IngestMessage.decode(try JSONValue.parse(Array(json.utf8)), path: "")
        guard case .join(let join) = message.payload else { Issue.record("not a join"); return }
        #expect(join.client.device == "Lab phone 3")
        #expect(join.client.os == "Android 14")
        #expect(join.client.browser == "Chrome 131")
        #expect(join.client.platform == .mobile)
    }

    @Test("a malformed userAgentData names its field")
    func badHints() throws {
        let json = #"{"type":"join","meetingId":"m","participantId":"p","seq":0,"ts":1,"userAgentData":{"brands":[{"version":"1"}]}}"#
        #expect(throws: IngestValidationError.self) {
            _ = try IngestMessage.decode(try JSONValue.parse(Array(json.utf8)), path: "")
        }
        do {
            _ = try IngestMessage.decode(try JSONValue.parse(Array(json.utf8)), path: "")
        } catch let error as IngestValidationError {
            #expect(error.field == "userAgentData.brands[0].brand")
        }
    }
}

extension UserAgentDescription {
    static func expected(platform: ClientInfo.Platform, device: String?, os: String?, browser: String?) -> Self {
        var d = UserAgentDescription(userAgent: "")
        d.platform = platform
        d.device = device
        d.os = os
        d.browser = browser
        return d
    }
}
