/// The store's JSON Lines files (edge files, origins files): one compact JSON message per line,
/// lines sorted by their bytes, no duplicates, each ending with `\n`.
enum JSONLines {
    /// The canonical bytes of a file holding `lines` (each without its newline).
    static func bytes(_ lines: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        for line in Set(lines).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            out += line
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// Decodes every non-empty line; an error names the file and the line.
    static func decode<T>(_ bytes: [UInt8], path: String, _ decode: (JSONValue, Int) throws(ProtoJSONError) -> T) throws(StoreError) -> [T] {
        var items: [T] = []
        var lineNumber = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.isEmpty { continue }
            let json: JSONValue
            do {
                json = try JSONParser.parse(line)
            } catch {
                throw StoreError(.dataLoss, "not valid JSON: \(error.message) (column \(error.column))", path: path, line: lineNumber)
            }
            do {
                items.append(try decode(json, lineNumber))
            } catch {
                throw StoreError(.dataLoss, error.description, path: path, line: lineNumber)
            }
        }
        return items
    }
}
