import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The record that makes an import written in several batches all or nothing.
///
/// Each batch is an ordinary journaled write. Before a batch's journal is written, the paths it
/// creates, and the old bytes of the files it rewrites, are appended to `.mlmd/import-pending`;
/// before the last batch's, its *token* (a file only the last batch creates). If the process
/// dies before the last batch is complete, the next open (or write) finds the record without its
/// token on disk, removes every file the earlier batches created and gives the rewritten ones
/// their old bytes back: the store is as before the import. With the token on disk the import
/// completed, and the record is only cleared.
///
/// Layout (appended, never rewritten; empty when no import is pending; kept, not deleted, for the
/// reason ``JournaledFiles`` keeps its journal):
/// ```
/// MLMD-IMPORT 1\n
/// store <inode of the store folder>\n
/// + <path>\n            (one per file a batch created)
/// ~ <path> <base64>\n   (one per file a batch rewrote: its bytes before)
/// = <path>\n            (the last batch's token)
/// ```
/// A line without its newline was torn by a kill: its batch never wrote its journal, and it is ignored.
struct PendingImport {
    var storeInode: Int64
    var created: [String] = []
    /// Files a batch rewrote, with their bytes before the import (the first ones recorded).
    var rewritten: [(path: String, old: [UInt8])] = []
    var tokens: [String] = []

    static let magic = "MLMD-IMPORT 1\n"

    static func decode(_ bytes: [UInt8]) -> PendingImport? {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        // The last element is what follows the last newline: empty, or a torn line.
        lines.removeLast()
        guard lines.count >= 2, lines[0] + "\n" == magic, lines[1].hasPrefix("store "),
              let inode = Int64(lines[1].dropFirst("store ".count)) else { return nil }
        var record = PendingImport(storeInode: inode)
        for line in lines.dropFirst(2) {
            if line.hasPrefix("+ ") { record.created.append(String(line.dropFirst(2))) }
            if line.hasPrefix("= ") { record.tokens.append(String(line.dropFirst(2))) }
            if line.hasPrefix("~ "), let space = line.lastIndex(of: " "), space > line.index(line.startIndex, offsetBy: 1),
               let old = Data(base64Encoded: String(line[line.index(after: space)...])) {
                record.rewritten.append((String(line[line.index(line.startIndex, offsetBy: 2)..<space]), Array(old)))
            }
        }
        return record
    }
}

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fd, buffer, count)
    #else
    Darwin.write(fd, buffer, count)
    #endif
}

extension JournaledFiles {
    private var importRecordPath: String { privateFolder + "/import-pending" }

    /// Appends to the import record; `start` begins a new record and takes its lock, which the
    /// process holds until ``finishImport()`` (or until it dies): a record whose lock is held
    /// belongs to an import in progress, which recovery leaves alone. With `sync`, to the disk.
    func recordImport(created: [String], rewritten: [(path: String, old: [UInt8])] = [], token: String?, start: Bool,
                      sync: Bool) throws(StoreError) {
        let path = importRecordPath
        if start {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
            guard fd >= 0 else {
                if errno == ELOOP { throw FileSystem.symbolicLinkError(path) }
                throw .io("open import record", path, errno: errno)
            }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                close(fd)
                throw StoreError(.unavailable, "another import into this store is in progress; try again when it has finished", path: path)
            }
            guard ftruncate(fd, 0) == 0 else {
                close(fd)
                throw .io("truncate import record", path, errno: errno)
            }
            importRecord.withLock { $0 = fd }
        }
        guard let fd = importRecord.withLock({ $0 }) else { return }
        var text = start ? PendingImport.magic + "store \(storeInode)\n" : ""
        for path in created { text += "+ \(path)\n" }
        for (path, old) in rewritten { text += "~ \(path) \(Data(old).base64EncodedString())\n" }
        if let token { text += "= \(token)\n" }
        let bytes = Array(text.utf8)
        guard lseek(fd, 0, SEEK_END) >= 0 else { throw .io("seek import record", path, errno: errno) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { systemWrite(fd, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .io("write import record", path, errno: errno)
            }
            written += count
        }
        if sync, fsync(fd) != 0 { throw .io("fsync import record", path, errno: errno) }
    }

    /// Whether this process is writing an import in batches.
    var isImporting: Bool { importRecord.withLock { $0 != nil } }

    /// Ends this process's import: empties the record and releases its lock.
    func finishImport() throws(StoreError) {
        guard let fd = importRecord.withLock({ descriptor in defer { descriptor = nil }; return descriptor }) else { return }
        defer { close(fd) }
        guard ftruncate(fd, 0) == 0 else { throw .io("truncate import record", importRecordPath, errno: errno) }
    }

    /// Lets go of this process's import record without ending it, so that recovery undoes it.
    func releaseImport() {
        guard let fd = importRecord.withLock({ descriptor in defer { descriptor = nil }; return descriptor }) else { return }
        close(fd)
    }

    /// The record of an import that did not finish and whose process is gone, with the
    /// function that clears it; nil when there is none (or its import is still running).
    func unfinishedImport() throws(StoreError) -> (record: PendingImport, clear: () throws(StoreError) -> Void)? {
        let path = importRecordPath
        guard let signature = FileSystem.signature(path), signature.size > 0 else { return nil }
        let fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw .io("open import record", path, errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        let clear: () throws(StoreError) -> Void = { () throws(StoreError) -> Void in
            defer { close(fd) }
            guard ftruncate(fd, 0) == 0 else { throw StoreError.io("truncate import record", path, errno: errno) }
        }
        guard let record = PendingImport.decode(try FileSystem.readFile(path, limit: Int.max)) else {
            // Torn in its header: no batch had written a journal yet.
            try clear()
            return nil
        }
        return (record, clear)
    }

    /// Whether some import left a record (finished or not, this process's or another's).
    var hasPendingImport: Bool { (FileSystem.signature(importRecordPath)?.size ?? 0) > 0 }
}
