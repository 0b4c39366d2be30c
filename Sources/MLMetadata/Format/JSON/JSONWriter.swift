/// Writes JSON in the store's canonical form.
///
/// The bytes are exactly what Python's `json.dumps(value, sort_keys=True, ensure_ascii=False)`
/// prints — with `indent=2` for ``Style/pretty`` — which is also what protobuf's
/// `json_format.MessageToJson(message, preserving_proto_field_name=True, sort_keys=True,
/// ensure_ascii=False)` produces. Members are sorted by the UTF-8 bytes of their keys (the same
/// order as Python's code-point order); only `"`, `\` and control characters are escaped.
enum JSONWriter {
    enum Style {
        /// Two-space indent, one member or element per line (entity files).
        case pretty
        /// One line, `", "` and `": "` separators (edge lines).
        case compact
    }

    static func write(_ value: JSONValue, style: Style) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        write(value, style: style, indent: 0, into: &out)
        return out
    }

    /// The canonical bytes of an entity file: pretty JSON plus a trailing newline.
    static func fileBytes(_ value: JSONValue) -> [UInt8] {
        var out = write(value, style: .pretty)
        out.append(UInt8(ascii: "\n"))
        return out
    }

    private static func write(_ value: JSONValue, style: Style, indent: Int, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let string): writeString(string, into: &out)
        case .array(let elements):
            if elements.isEmpty {
                out.append(contentsOf: "[]".utf8)
                return
            }
            out.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                separate(style: style, indent: indent + 1, into: &out)
                write(element, style: style, indent: indent + 1, into: &out)
            }
            close(style: style, indent: indent, into: &out)
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            if object.isEmpty {
                out.append(contentsOf: "{}".utf8)
                return
            }
            out.append(UInt8(ascii: "{"))
            let sorted = object.members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (position, member) in sorted.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                separate(style: style, indent: indent + 1, into: &out)
                writeString(member.key, into: &out)
                out.append(contentsOf: ": ".utf8)
                write(member.value, style: style, indent: indent + 1, into: &out)
            }
            close(style: style, indent: indent, into: &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Before an element: a newline and indentation (pretty) or a space after the comma (compact).
    private static func separate(style: Style, indent: Int, into out: inout [UInt8]) {
        switch style {
        case .pretty:
            out.append(UInt8(ascii: "\n"))
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indent))
        case .compact:
            if out.last == UInt8(ascii: ",") { out.append(UInt8(ascii: " ")) }
        }
    }

    private static func close(style: Style, indent: Int, into out: inout [UInt8]) {
        guard style == .pretty else { return }
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indent))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func writeString(_ string: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case 0x0A: out.append(contentsOf: "\\n".utf8)
            case 0x0D: out.append(contentsOf: "\\r".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case 0x08: out.append(contentsOf: "\\b".utf8)
            case 0x0C: out.append(contentsOf: "\\f".utf8)
            case 0x00..<0x20:
                out.append(contentsOf: "\\u00".utf8)
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension JSONValue {
    /// Whether two values (or absences) are the same JSON: compared by their canonical bytes,
    /// since parsed values also carry the lines they came from.
    static func sameCanonically(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
        a.map { JSONWriter.write($0, style: .compact) } == b.map { JSONWriter.write($0, style: .compact) }
    }
}
