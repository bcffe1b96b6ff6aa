/// What an error code means and what to do about it: the Errors tab's description and suggested
/// fix, and the category the diagnosis uses to tie an error to the problem it explains (an ICE
/// failure to the minutes without media). Keyed by the codes the collector, the server API's
/// callers and the importers report (docs/ingest-protocol.md §6.5, docs/errors.md); unknown codes
/// get honest generic advice rather than a guess.
///
/// ```swift
/// ErrorAdvice.forCode("ice-failed").fix            // "Usually a firewall or NAT that blocks UDP. …"
/// ErrorAdvice.forError(code: "turn-error", dataJSON: #"{"errorCode":701}"#).title
///                                                  // "TURN server unreachable"
/// ```
public struct ErrorAdvice: Sendable, Hashable {
    public var title: String
    public var explanation: String
    public var fix: String
    public var category: ErrorCategory

    public init(title: String, explanation: String, fix: String, category: ErrorCategory = .other) {
        self.title = title
        self.explanation = explanation
        self.fix = fix
        self.category = category
    }

    /// Advice by code alone.
    public static func forCode(_ code: String) -> ErrorAdvice {
        forError(code: code, dataJSON: "{}")
    }

    /// Advice by code, refined by the error's data where the code alone is too coarse: a TURN
    /// error's STUN error code, a failed negotiation's message.
    public static func forError(code: String, dataJSON: String, message: String = "") -> ErrorAdvice {
        let key = code.lowercased()
        for prefix in ["getusermedia-", "getdisplaymedia-"] where key.hasPrefix(prefix) {
            return media(String(key.dropFirst(prefix.count)), screen: prefix == "getdisplaymedia-")
        }
        if key == "turn-error" || key == "ice-candidate-error" {
            return turn(errorCode: Self.errorCode(in: dataJSON), url: Self.string("url", in: dataJSON))
        }
        if let negotiation = negotiation(key, message: message) { return negotiation }
        if let advice = catalog[key] { return advice }
        return ErrorAdvice(title: code, explanation: "The app or SDK reported this error; Callscope has no explanation for its code.",
                           fix: "Look at the message and data below, and at the app's own logs around this time.")
    }

    // A small reader for the two fields advice needs: the data is a JSON object text.
    private static func errorCode(in dataJSON: String) -> Int? {
        guard let value = try? JSONValue.parse(Array(dataJSON.utf8))["errorCode"] else { return nil }
        return value.int64.flatMap { Int(exactly: $0) } ?? value.string.flatMap { Int($0) }
    }

    private static func string(_ key: String, in dataJSON: String) -> String? {
        (try? JSONValue.parse(Array(dataJSON.utf8)))?[key]?.string
    }
}

/// What part of a call an error is about, so the diagnosis can tell which problems it explains.
public enum ErrorCategory: String, Sendable, Hashable, Codable, CaseIterable {
    /// Camera, microphone or screen capture (getUserMedia, getDisplayMedia, a track that ended).
    case capture
    /// The network path: ICE, DTLS, a reconnect storm.
    case connection
    /// A TURN server: unreachable, refused credentials, out of allocations.
    case relay
    /// Offer/answer: createOffer, setRemoteDescription, codecs.
    case negotiation
    /// The app's connection to its signalling server.
    case signalling
    /// Callscope's own collector (messages dropped): the statistics have gaps.
    case collector
    /// A session-wide service or the infrastructure: recording, HLS, RTMP, media servers.
    case service
    case other

    /// Whether an error of this category can explain bad or missing media of its participant.
    public var affectsMedia: Bool {
        switch self {
        case .capture, .connection, .relay, .negotiation, .signalling: true
        case .collector, .service, .other: false
        }
    }
}
