import Foundation

/// The OpenAPI 3 description of API v1, served at `/api/openapi.json`.
enum OpenAPIDocument {
    static let json: String = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
              let data = try? Data(contentsOf: url) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }()
}
