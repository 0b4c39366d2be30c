internal import Crypto

/// The redo/undo journal that makes a multi-file write all-or-nothing.
///
/// Before a write call touches any store file it writes `.mlmd/journal`: for every file, its
/// path, its previous bytes (or "absent") and its new bytes (or "removed"). The journal is
/// written to a temporary name, synced when durability is full, then renamed into place, so
/// `.mlmd/journal` exists only when it is complete. A trailer with the SHA-256 of everything
/// before it guards against torn writes after a power loss.
///
/// The next open (or write) that finds a journal rolls it *forward*: it rewrites every file
/// with its new bytes, reindexes those paths and removes the journal. A write that fails
/// part-way inside the process rolls *back* with the previous bytes instead.
///
/// Layout:
/// ```
/// MLMD-JOURNAL 1\n
/// <entry count>\n
/// per entry: <path length> <old length or -> <new length or ->\n <path bytes><old bytes><new bytes>
/// END <sha-256 hex of all bytes before "END">\n
/// ```
struct Journal: Equatable {
    struct Entry: Equatable {
        /// Store-relative path.
        var path: String
        /// The file's bytes before the write; nil when it did not exist.
        var old: [UInt8]?
        /// The file's bytes after the write; nil when the write removes it.
        var new: [UInt8]?
    }

    var entries: [Entry]

    static let magic = "MLMD-JOURNAL 1\n"

    func encoded() -> [UInt8] {
        var out = Array(Self.magic.utf8)
        out += Array("\(entries.count)\n".utf8)
        for entry in entries {
            let path = Array(entry.path.utf8)
            let old = entry.old.map { String($0.count) } ?? "-"
            let new = entry.new.map { String($0.count) } ?? "-"
            out += Array("\(path.count) \(old) \(new)\n".utf8)
            out += path
            out += entry.old ?? []
            out += entry.new ?? []
        }
        let digest = SHA256.hash(data: out).map { String($0, radix: 16).leftPadded(2) }.joined()
        out += Array("END \(digest)\n".utf8)
        return out
    }

    /// Parses a journal; nil when it is incomplete or damaged (then nothing was applied from it).
    static func decode(_ bytes: [UInt8]) -> Journal? {
        var position = 0
        func readLine() -> String? {
            guard let end = bytes[position...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            defer { position = end + 1 }
            return String(decoding: bytes[position..<end], as: UTF8.self)
        }
        func take(_ count: Int) -> [UInt8]? {
            // `count <= bytes.count - position`, not `position + count <= …`: a header length near
            // Int.max must not overflow (position never exceeds bytes.count).
            guard count >= 0, count <= bytes.count - position else { return nil }
            defer { position += count }
            return Array(bytes[position..<position + count])
        }
        guard readLine().map({ $0 + "\n" }) == magic, let count = readLine().flatMap(Int.init), count >= 0 else { return nil }
        var entries: [Entry] = []
        for _ in 0..<count {
            guard let header = readLine() else { return nil }
            let fields = header.split(separator: " ").map(String.init)
            guard fields.count == 3, let pathLength = Int(fields[0]) else { return nil }
            let oldLength = fields[1] == "-" ? nil : Int(fields[1])
            let newLength = fields[2] == "-" ? nil : Int(fields[2])
            if fields[1] != "-" && oldLength == nil || fields[2] != "-" && newLength == nil { return nil }
            guard let path = take(pathLength) else { return nil }
            var old: [UInt8]?
            var new: [UInt8]?
            if let oldLength { guard let bytes = take(oldLength) else { return nil }; old = bytes }
            if let newLength { guard let bytes = take(newLength) else { return nil }; new = bytes }
            guard let pathString = String(validating: path, as: UTF8.self) else { return nil }
            entries.append(Entry(path: pathString, old: old, new: new))
        }
        let bodyEnd = position
        guard let trailer = readLine(), position == bytes.count, trailer.hasPrefix("END ") else { return nil }
        let digest = SHA256.hash(data: bytes[..<bodyEnd]).map { String($0, radix: 16).leftPadded(2) }.joined()
        guard trailer.dropFirst(4) == digest else { return nil }
        return Journal(entries: entries)
    }
}

extension String {
    func leftPadded(_ width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
