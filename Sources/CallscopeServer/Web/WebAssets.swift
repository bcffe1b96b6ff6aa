import Crypto
import Foundation

/// The files the server hands to browsers (the collector SDK, the demo call), read once from the
/// package's `Resources/web` folder at start-up. They are small, so they are kept in memory with
/// an ETag each: a browser revalidates and gets a 304 until the server is upgraded.
struct WebAssets: Sendable {
    struct Asset: Sendable {
        var bytes: [UInt8]
        var contentType: String
        var etag: String
    }

    /// Keyed by path below `web/`, e.g. `sdk/callscope.js`.
    let assets: [String: Asset]

    subscript(path: String) -> Asset? { assets[path] }

    static let bundled: WebAssets = {
        guard let root = Bundle.module.url(forResource: "web", withExtension: nil) else { return WebAssets(assets: [:]) }
        return load(root: root)
    }()

    static func load(root: URL) -> WebAssets {
        var assets: [String: Asset] = [:]
        let rootPath = root.standardizedFileURL.path
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = files?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                  let data = try? Data(contentsOf: url) else { continue }
            let path = String(url.standardizedFileURL.path.dropFirst(rootPath.count + 1))
            let digest = SHA256.hash(data: data).prefix(12).map { String(format: "%02x", $0) }.joined()
            assets[path] = Asset(bytes: [UInt8](data), contentType: contentType(of: path), etag: "\"\(digest)\"")
        }
        return WebAssets(assets: assets)
    }

    static func contentType(of path: String) -> String {
        switch path.split(separator: ".").last {
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "html": "text/html; charset=utf-8"
        case "json": "application/json; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        default: "application/octet-stream"
        }
    }
}
