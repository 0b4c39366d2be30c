import Foundation

/// Limits on names and text fields, checked before anything is written and when files are read.
///
/// Type names become folder and file names, so they must be safe, unambiguous path components on
/// every system git runs on (Linux, macOS, Windows): no path separators, control characters,
/// characters Windows forbids (`<>:"|?*`), Windows device names (`CON`, `aux.txt`, …), trailing
/// dots or spaces, and only Unicode NFC spellings. Names and external ids are limited to MLMD's
/// schema width (`VARCHAR(255)`), and no text that identifies something may hold control
/// characters.
///
/// The `…Problem` functions are pure and return the message of the first broken rule (nil when
/// the text is fine); ``EntityRules`` attaches the field, the writer throws, `mlmd fsck` reports.
enum NameRules {
    /// MLMD's schema declares names and external ids as `VARCHAR(255)`.
    static let maximumNameBytes = 255
    static let maximumURIBytes = 65_536
    /// Largest entity file the store writes or reads.
    static let maximumFileBytes = 16 << 20

    /// Characters Windows does not allow in file names (besides `/`, `\` and control characters).
    static let windowsForbiddenCharacters: Set<Unicode.Scalar> = ["<", ">", ":", "\"", "|", "?", "*"]

    /// Device names Windows reserves in every folder, with or without an extension (`aux.txt`),
    /// compared case-insensitively with the part of a name before its first dot.
    static let windowsReservedNames: Set<String> = {
        var names: Set<String> = ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
        for suffix in ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "\u{B9}", "\u{B2}", "\u{B3}"] {
            names.insert("COM" + suffix)
            names.insert("LPT" + suffix)
        }
        return names
    }()

    /// The message for a type name or version that cannot be a portable path component, or nil.
    ///
    /// - Returns: the broken rule and the field it is about (`name` or `version`).
    static func typeNameProblem(_ name: String, version: String?, kind: TypeKind) -> (field: String, message: String)? {
        let what = "\(kind.messageName) name"
        guard !name.isEmpty else { return ("name", "No type name is specified.") }
        if let message = pathComponentProblem(name, what: what, isStemStart: true) { return ("name", message) }
        if let version, !version.isEmpty,
            let message = pathComponentProblem(version, what: "\(kind.messageName) '\(preview(name))' version", isStemStart: false)
        {
            return ("version", message)
        }
        let stem = StoreLayout.stem(name: name, version: version)
        guard stem.utf8.count + ".json".utf8.count <= maximumNameBytes else {
            return ("name", "\(what) '\(preview(name))' is too long: \(stem.utf8.count) bytes with its version; at most "
                + "\(maximumNameBytes - 5) are allowed because it becomes a file name")
        }
        return nil
    }

    /// Checks a type's name and version, which form a path component (`name` or `name@version`).
    static func checkTypeName(_ name: String, version: String?, kind: TypeKind) throws(StoreError) {
        if let problem = typeNameProblem(name, version: version, kind: kind) {
            throw .invalidArgument(problem.message, field: problem.field)
        }
    }

    /// The rules for text that becomes (part of) a file or folder name. `isStemStart`: the text
    /// starts a path component (a type name; a version only follows `@`), so Windows device names
    /// matter.
    private static func pathComponentProblem(_ text: String, what: String, isStemStart: Bool) -> String? {
        let why = "type names become file names"
        if let bad = text.unicodeScalars.first(where: isControl) {
            return "\(what) '\(preview(text))' contains the control character U+\(hex(bad.value)); \(why)"
        }
        if text.utf8.contains(UInt8(ascii: "/")) || text.utf8.contains(UInt8(ascii: "\\")) {
            return "\(what) '\(preview(text))' contains a path separator ('/' or '\\'); \(why)"
        }
        if text.hasPrefix(".") {
            return "\(what) '\(preview(text))' starts with '.'; \(why) and may not be hidden or relative"
        }
        if let bad = text.unicodeScalars.first(where: { windowsForbiddenCharacters.contains($0) }) {
            return "\(what) '\(preview(text))' contains '\(bad)', which Windows does not allow in file names; \(why)"
        }
        if let last = text.unicodeScalars.last, last == "." || last == " " {
            return "\(what) '\(preview(text))' ends with \(last == "." ? "a dot" : "a space"), which Windows drops from file names; \(why)"
        }
        if isStemStart, let device = windowsDeviceName(text) {
            return "\(what) '\(preview(text))' is the Windows device name \(device) (also with an extension); \(why)"
        }
        if !isNFC(text) {
            return "\(what) '\(preview(text))' is not in Unicode normalization form C (NFC); \(why), and macOS and Windows "
                + "treat its NFC and NFD spellings as the same file: write it precomposed"
        }
        return nil
    }

    /// The reserved device name `text` is on Windows (`CON`, `aux.txt`, `Lpt1.json`), or nil:
    /// the part before the first dot, without trailing spaces, case-insensitively.
    static func windowsDeviceName(_ text: String) -> String? {
        var stem = Substring(text.prefix { $0 != "." })
        while stem.hasSuffix(" ") { stem = stem.dropLast() }
        let upper = stem.uppercased()
        return windowsReservedNames.contains(upper) ? upper : nil
    }

    /// Whether the text's scalars are already in Unicode normalization form C.
    static func isNFC(_ text: String) -> Bool {
        // String equality is canonical equivalence: compare the scalars themselves.
        text.unicodeScalars.elementsEqual(text.precomposedStringWithCanonicalMapping.unicodeScalars)
    }

    /// The key under which two names collide on case-insensitive, normalization-insensitive file
    /// systems (macOS, Windows): NFC, then case-folded (upper- then lower-cased, so that `ſ`, `K`
    /// (Kelvin) and `ß` meet their twins too), then NFC again.
    static func portableKey(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping.uppercased().lowercased().precomposedStringWithCanonicalMapping
    }

    /// The message for a node name, external id or property name that breaks the text rules, or nil.
    static func identifierTextProblem(_ text: String, what: String) -> String? {
        if let bad = text.unicodeScalars.first(where: isControl) {
            return "\(what) '\(preview(text))' contains the control character U+\(hex(bad.value))"
        }
        guard text.utf8.count <= maximumNameBytes else {
            return "\(what) '\(preview(text))' is too long: \(text.utf8.count) bytes; at most \(maximumNameBytes) are allowed (MLMD's VARCHAR(255))"
        }
        return nil
    }

    /// Checks a name or external id of a node, or a property name.
    static func checkIdentifierText(_ text: String, what: String, field: String? = nil) throws(StoreError) {
        if let message = identifierTextProblem(text, what: what) { throw .invalidArgument(message, field: field) }
    }

    /// The message for an artifact uri that breaks the rules, or nil.
    static func uriProblem(_ uri: String, what: String) -> String? {
        if uri.unicodeScalars.contains(where: { $0.value == 0 }) {
            return "\(what) contains a NUL character"
        }
        guard uri.utf8.count <= maximumURIBytes else {
            return "\(what) is too long: \(uri.utf8.count) bytes; at most \(maximumURIBytes) are allowed"
        }
        return nil
    }

    static func checkURI(_ uri: String, what: String) throws(StoreError) {
        if let message = uriProblem(uri, what: what) { throw .invalidArgument(message, field: "uri") }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool { scalar.value < 0x20 || scalar.value == 0x7F }

    /// The first 40 characters of a text, with control characters made visible, for messages.
    static func preview(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(40) {
            if isControl(scalar) {
                out += "\\u{\(hex(scalar.value))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return text.unicodeScalars.count > 40 ? out + "…" : out
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
