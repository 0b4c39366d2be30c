internal import Crypto

/// The redo/undo journal that makes a multi-file write all-or-nothing.
///
/// Before a write call touches any store file it writes `.mlmd/journal`: for every file, its
/// path, its previous bytes (or "absent") and its new bytes (or "removed"). The journal is
/// written in place and synced when durability is full; a trailer with the SHA-256 of everything
/// before it tells a complete journal from a torn one.
///
/// The next open (or write) that finds a journal rolls it *forward*: it rewrites every file
/// with its new bytes, reindexes those paths and empties the journal. A write that fails
/// part-way inside the process rolls *back* with the previous bytes instead; if even that fails
/// (a full disk), the journal's last line is turned to `B`, so that recovery rolls it back.
///
/// A journal is replayed only by the store that wrote it: its header names the inode of the
/// store folder, which a `git clone`, a copy or an archive cannot reproduce. Every path is a
/// store data path (``StoreLayout/checkDataPath(_:)``), checked before anything is applied.
///
/// Layout:
/// ```
/// MLMD-JOURNAL 2\n
/// store <inode of the store folder>\n
/// <entry count>\n
/// per entry: <path length> <old length or -> <new length or ->\n <path bytes><old bytes><new bytes>
/// END <sha-256 hex of all bytes before "END">\n
/// F\n  (or B\n: roll back)
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

    /// Which bytes recovery gives the files.
    enum Direction: UInt8 {
        /// The new bytes: the write completes.
        case forward = 0x46  // "F"
        /// The old bytes: the write is undone (it failed, and undoing it in the process failed too).
        case backward = 0x42  // "B"
    }

    var entries: [Entry]
    /// The inode of the store folder that wrote the journal.
    var storeInode: Int64 = 0
    var direction: Direction = .forward

    static let magic = "MLMD-JOURNAL 2\n"
    /// The direction is the journal's second-to-last byte.
    static let directionOffsetFromEnd = 2
    /// Bounds on what a journal may declare, checked before anything is allocated.
    static let maximumEntries = 1 << 20

    func encoded() -> [UInt8] {
        var out = Array(Self.magic.utf8)
        out += Array("store \(storeInode)\n".utf8)
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
        out += Array("END \(Self.digest(out[...]))\n".utf8)
        out += [direction.rawValue, UInt8(ascii: "\n")]
        return out
    }

    private static func digest(_ bytes: ArraySlice<UInt8>) -> String {
        SHA256.hash(data: bytes).map { String($0, radix: 16).leftPadded(2) }.joined()
    }

    /// Parses a journal; nil when it is incomplete, damaged or not a journal (then nothing was
    /// applied from it). Never traps, whatever the bytes: every length is checked against what
    /// is left before it is used. Paths are not checked here (see ``StoreLayout/checkDataPath(_:)``).
    static func decode(_ bytes: [UInt8]) -> Journal? {
        var position = 0
        func readLine() -> String? {
            guard position < bytes.count, let end = bytes[position...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            defer { position = end + 1 }
            return String(decoding: bytes[position..<end], as: UTF8.self)
        }
        func take(_ count: Int) -> [UInt8]? {
            guard count >= 0, count <= bytes.count - position else { return nil }
            defer { position += count }
            return Array(bytes[position..<position + count])
        }
        /// A decimal length: digits only (no sign), at most what the journal can hold.
        func length(_ text: String) -> Int? {
            guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int(text),
                  value <= bytes.count else { return nil }
            return value
        }
        guard readLine().map({ $0 + "\n" }) == magic else { return nil }
        guard let store = readLine(), store.hasPrefix("store "), let inode = Int64(store.dropFirst(6)) else { return nil }
        guard let countLine = readLine(), let count = length(countLine), count <= maximumEntries else { return nil }
        var entries: [Entry] = []
        for _ in 0..<count {
            guard let header = readLine() else { return nil }
            let fields = header.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3, let pathLength = length(fields[0]) else { return nil }
            let oldLength = fields[1] == "-" ? nil : length(fields[1])
            let newLength = fields[2] == "-" ? nil : length(fields[2])
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
        guard let trailer = readLine(), trailer.hasPrefix("END "), trailer.dropFirst(4) == digest(bytes[..<bodyEnd]) else { return nil }
        guard position + directionOffsetFromEnd == bytes.count, bytes.last == UInt8(ascii: "\n"),
              let direction = Direction(rawValue: bytes[position]) else { return nil }
        return Journal(entries: entries, storeInode: inode, direction: direction)
    }
}

extension String {
    func leftPadded(_ width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
