/// Limits on names and text fields, checked before anything is written.
///
/// Type names become folder and file names, so they must be safe path components on every
/// system git runs on. Names and external ids are limited to MLMD's schema width
/// (`VARCHAR(255)`), and no text that identifies something may hold control characters.
enum NameRules {
    /// MLMD's schema declares names and external ids as `VARCHAR(255)`.
    static let maximumNameBytes = 255
    static let maximumURIBytes = 65_536
    /// Largest entity file the store writes or reads.
    static let maximumFileBytes = 16 << 20

    /// Checks a type's name and version, which form a path component (`name` or `name@version`).
    static func checkTypeName(_ name: String, version: String?, kind: TypeKind) throws(StoreError) {
        let what = "\(kind.messageName) name"
        guard !name.isEmpty else { throw .invalidArgument("No type name is specified.") }
        try checkPathComponent(name, what: what)
        if let version, !version.isEmpty {
            try checkPathComponent(version, what: "\(kind.messageName) '\(name)' version")
        }
        let stem = StoreLayout.stem(name: name, version: version)
        guard stem.utf8.count + ".json".utf8.count <= maximumNameBytes else {
            throw .invalidArgument("\(what) '\(preview(name))' is too long: \(stem.utf8.count) bytes with its version; at most \(maximumNameBytes - 5) are allowed because it becomes a file name")
        }
    }

    private static func checkPathComponent(_ text: String, what: String) throws(StoreError) {
        if let bad = text.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw .invalidArgument("\(what) '\(preview(text))' contains the control character U+\(hex(bad.value)); type names become file names")
        }
        if text.utf8.contains(UInt8(ascii: "/")) || text.utf8.contains(UInt8(ascii: "\\")) {
            throw .invalidArgument("\(what) '\(preview(text))' contains a path separator ('/' or '\\'); type names become file names")
        }
        if text == "." || text == ".." || text.hasPrefix(".") {
            throw .invalidArgument("\(what) '\(preview(text))' starts with '.'; type names become file names and may not be hidden or relative")
        }
    }

    /// Checks a name or external id of a node, or a property name.
    static func checkIdentifierText(_ text: String, what: String) throws(StoreError) {
        if let bad = text.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw .invalidArgument("\(what) '\(preview(text))' contains the control character U+\(hex(bad.value))")
        }
        guard text.utf8.count <= maximumNameBytes else {
            throw .invalidArgument("\(what) '\(preview(text))' is too long: \(text.utf8.count) bytes; at most \(maximumNameBytes) are allowed (MLMD's VARCHAR(255))")
        }
    }

    static func checkURI(_ uri: String, what: String) throws(StoreError) {
        if uri.unicodeScalars.contains(where: { $0.value == 0 }) {
            throw .invalidArgument("\(what) contains a NUL character")
        }
        guard uri.utf8.count <= maximumURIBytes else {
            throw .invalidArgument("\(what) is too long: \(uri.utf8.count) bytes; at most \(maximumURIBytes) are allowed")
        }
    }

    /// The first 40 characters of a text, with control characters made visible, for messages.
    static func preview(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(40) {
            if scalar.value < 0x20 || scalar.value == 0x7F {
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
