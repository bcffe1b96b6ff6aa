/// What an error code means and what to do about it: the Errors tab's description and suggested
/// fix, keyed by the codes collectors send (protocol §6.5). Unknown codes get honest generic
/// advice rather than a guess.
public struct ErrorAdvice: Sendable, Hashable {
    public var title: String
    public var explanation: String
    public var fix: String

    public init(title: String, explanation: String, fix: String) {
        self.title = title
        self.explanation = explanation
        self.fix = fix
    }

    public static func forCode(_ code: String) -> ErrorAdvice {
        if let advice = known[code] { return advice }
        for prefix in ["getusermedia-", "getdisplaymedia-"] where code.hasPrefix(prefix) {
            let screen = prefix == "getdisplaymedia-"
            return media(String(code.dropFirst(prefix.count)), screen: screen)
        }
        return ErrorAdvice(title: code, explanation: "The app or SDK reported this error; Callscope has no explanation for its code.",
                           fix: "Look at the message and data below, and at the app's own logs around this time.")
    }

    private static let known: [String: ErrorAdvice] = [
        "ice-failed": ErrorAdvice(
            title: "Connection failed (ICE)",
            explanation: "No network path between this participant and the other side worked: every candidate pair failed its checks.",
            fix: "Usually a firewall or NAT that blocks UDP. Add a TURN server (TCP/TLS on 443) to the app's iceServers, and check that the participant's network allows WebRTC."),
        "dtls-failed": ErrorAdvice(
            title: "Encryption handshake failed (DTLS)",
            explanation: "The network path worked, but the DTLS handshake that sets up media encryption did not complete.",
            fix: "Often a middlebox that drops large UDP packets or a certificate mismatch after renegotiation. Retry the call; if it repeats on one network, relay over TURN/TLS."),
        "signalling-disconnected": ErrorAdvice(
            title: "Signalling connection lost",
            explanation: "The app's connection to its signalling server dropped; new negotiations (joins, screen shares) cannot happen until it is back.",
            fix: "Check the signalling server's availability and the participant's network; make the app reconnect with back-off."),
    ]

    private static func media(_ reason: String, screen: Bool) -> ErrorAdvice {
        let what = screen ? "screen capture" : "camera or microphone"
        let api = screen ? "getDisplayMedia" : "getUserMedia"
        switch reason {
        case "denied":
            return ErrorAdvice(title: "Permission denied (\(api))",
                               explanation: "The user or the browser refused access to the \(what).",
                               fix: screen ? "Ask the user to allow screen sharing; on macOS also allow the browser under System Settings › Privacy & Security › Screen Recording."
                                   : "Ask the user to allow the \(what) for this site (the icon in the address bar), and check the operating system's privacy settings.")
        case "no-device":
            return ErrorAdvice(title: "No device found (\(api))", explanation: "No \(what) matching the request is connected or enabled.",
                               fix: "Check that a device is plugged in and not disabled; let the user join without it.")
        case "in-use":
            return ErrorAdvice(title: "Device in use or unreadable (\(api))",
                               explanation: "The \(what) exists but could not be started: another application holds it, or the driver failed.",
                               fix: "Close other apps using the \(what) (other calls, camera apps) or pick another device, then retry.")
        case "overconstrained":
            return ErrorAdvice(title: "Constraints cannot be met (\(api))",
                               explanation: "No \(what) can satisfy the requested resolution, frame rate or device ID (the data names the constraint).",
                               fix: "Use `ideal` instead of `exact`/`min` constraints, or fall back to the default device.")
        case "aborted":
            return ErrorAdvice(title: "Capture aborted (\(api))", explanation: "The browser or the user stopped the request before it completed.",
                               fix: "Retry; if it repeats, check for an operating-system prompt the user dismissed.")
        case "blocked":
            return ErrorAdvice(title: "Blocked by the page's security (\(api))",
                               explanation: "Media capture is not allowed here: the page is not served over HTTPS, or a Permissions-Policy or iframe without `allow` forbids it.",
                               fix: "Serve the app over HTTPS and, in an iframe, add allow=\"camera; microphone; display-capture\".")
        case "invalid-constraints":
            return ErrorAdvice(title: "Invalid request (\(api))", explanation: "The app called \(api) with constraints the browser does not accept (e.g. neither audio nor video).",
                               fix: "Fix the app's constraints object (see the data below).")
        default:
            return ErrorAdvice(title: "\(api) failed", explanation: "The \(what) could not be started for a reason the browser did not classify.",
                               fix: "Look at the message below; retry, or try another browser or device.")
        }
    }
}
