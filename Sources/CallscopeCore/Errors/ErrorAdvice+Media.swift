/// getUserMedia and getDisplayMedia failures, by the collector's reason (`getusermedia-denied`)
/// or by the browser's exception name as an importer finds it (`getusermedia-notallowederror`).
extension ErrorAdvice {
    /// DOMException names (lower-cased) → the collector's reasons.
    static let mediaExceptionReasons = [
        "notallowederror": "denied", "permissiondeniederror": "denied", "notfounderror": "no-device",
        "devicesnotfounderror": "no-device", "notreadableerror": "in-use", "trackstarterror": "in-use",
        "overconstrainederror": "overconstrained", "constraintnotsatisfiederror": "overconstrained",
        "aborterror": "aborted", "securityerror": "blocked", "typeerror": "invalid-constraints",
    ]

    static func media(_ given: String, screen: Bool) -> ErrorAdvice {
        let reason = mediaExceptionReasons[given] ?? given
        let what = screen ? "screen capture" : "camera or microphone"
        let api = screen ? "getDisplayMedia" : "getUserMedia"
        let (title, explanation, fix): (String, String, String) = switch reason {
        case "denied":
            ("Permission denied (\(api))", "The user or the browser refused access to the \(what).",
             screen ? "Ask the user to allow screen sharing; on macOS also allow the browser under System Settings › Privacy & Security › Screen Recording."
                 : "Ask the user to allow the \(what) for this site (the icon in the address bar), and check the operating system's privacy settings.")
        case "no-device":
            ("No device found (\(api))", "No \(what) matching the request is connected or enabled.",
             "Check that a device is plugged in and not disabled; let the user join without it.")
        case "in-use":
            ("Device in use or unreadable (\(api))",
             "The \(what) exists but could not be started: another application holds it, or the driver failed.",
             "Close other apps using the \(what) (other calls, camera apps) or pick another device, then retry.")
        case "overconstrained":
            ("Constraints cannot be met (\(api))",
             "No \(what) can satisfy the requested resolution, frame rate or device ID (the data names the constraint).",
             "Use `ideal` instead of `exact`/`min` constraints, or fall back to the default device.")
        case "aborted":
            ("Capture aborted (\(api))", "The browser or the user stopped the request before it completed.",
             "Retry; if it repeats, check for an operating-system prompt the user dismissed.")
        case "blocked":
            ("Blocked by the page's security (\(api))",
             "Media capture is not allowed here: the page is not served over HTTPS, or a Permissions-Policy or iframe without `allow` forbids it.",
             "Serve the app over HTTPS and, in an iframe, add allow=\"camera; microphone; display-capture\".")
        case "invalid-constraints":
            ("Invalid request (\(api))", "The app called \(api) with constraints the browser does not accept (e.g. neither audio nor video).",
             "Fix the app's constraints object (see the data below).")
        default:
            ("\(api) failed", "The \(what) could not be started for a reason the browser did not classify.",
             "Look at the message below; retry, or try another browser or device.")
        }
        return ErrorAdvice(title: title, explanation: explanation, fix: fix, category: .capture)
    }
}
