import CallscopeCore

/// Checks a JSON value against an OpenAPI 3.0 schema object: the part of JSON Schema that
/// `openapi.json` uses (`$ref` into `components`, `type`, `nullable`, `properties`, `required`,
/// `additionalProperties`, `items`, `enum`, `oneOf`, `anyOf`, `minimum`, `maximum`, `minLength`,
/// `maxLength`, `maxItems`). Returns every mismatch with its path, so that a failing test says
/// which field of which answer the document gets wrong.
struct OpenAPISchemaValidator {
    let document: JSONValue

    func problems(_ value: JSONValue, against schema: JSONValue, at path: String = "$") -> [String] {
        if let ref = schema["$ref"]?.string { return problems(value, against: resolve(ref), at: path) }
        if value.isNull {
            return schema["nullable"]?.bool == true || schema["type"] == nil && schema["oneOf"] == nil && schema["anyOf"] == nil
                ? [] : ["\(path): null, but the schema is not nullable"]
        }
        if let options = schema["oneOf"]?.array ?? schema["anyOf"]?.array {
            let fits = options.filter { problems(value, against: $0, at: path).isEmpty }.count
            let oneOf = schema["oneOf"] != nil
            if fits == 0 || (oneOf && fits > 1) {
                return ["\(path): matches \(fits) of the \(oneOf ? "oneOf" : "anyOf") schemas"]
            }
        }
        if let allowed = schema["enum"]?.array, !allowed.contains(value) {
            return ["\(path): \(value.serialized()) is not one of \(JSONValue.array(allowed).serialized())"]
        }
        guard let type = schema["type"]?.string else { return objectProblems(value, schema, path) }
        switch (type, value) {
        case ("object", .object): return objectProblems(value, schema, path)
        case ("array", .array(let items)):
            var found: [String] = []
            if let max = schema["maxItems"]?.double, Double(items.count) > max { found.append("\(path): more than \(max) items") }
            if let itemSchema = schema["items"] {
                for (i, item) in items.enumerated() { found += problems(item, against: itemSchema, at: "\(path)[\(i)]") }
            }
            return found
        case ("string", .string(let s)):
            let count = Double(s.unicodeScalars.count)
            if let min = schema["minLength"]?.double, count < min { return ["\(path): shorter than \(min)"] }
            if let max = schema["maxLength"]?.double, count > max { return ["\(path): longer than \(max)"] }
            return []
        case ("integer", .number(let n)) where n.rounded() == n, ("number", .number(let n)):
            if let min = schema["minimum"]?.double, n < min { return ["\(path): \(n) below the minimum \(min)"] }
            if let max = schema["maximum"]?.double, n > max { return ["\(path): \(n) above the maximum \(max)"] }
            return []
        case ("boolean", .bool): return []
        default: return ["\(path): \(value.serialized().prefix(80)) is not of type \(type)"]
        }
    }

    private func objectProblems(_ value: JSONValue, _ schema: JSONValue, _ path: String) -> [String] {
        guard case .object(let members) = value else { return [] }
        let properties = schema["properties"]?.object ?? [:]
        var found: [String] = []
        for name in schema["required"]?.array?.compactMap(\.string) ?? [] where members[name] == nil {
            found.append("\(path).\(name): required, but missing")
        }
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            if let propertySchema = properties[name] {
                found += problems(member, against: propertySchema, at: "\(path).\(name)")
            } else if let extra = schema["additionalProperties"] {
                if extra.bool == false { found.append("\(path).\(name): not in the document") }
                else if case .object = extra { found += problems(member, against: extra, at: "\(path).\(name)") }
            } else if !properties.isEmpty {
                // Every documented object lists its members: one the document does not know is a gap in it.
                found.append("\(path).\(name): returned, but not in the document")
            }
        }
        return found
    }

    private func resolve(_ ref: String) -> JSONValue {
        ref.split(separator: "/").dropFirst().reduce(document) { $0[String($1)] ?? .null }
    }
}
