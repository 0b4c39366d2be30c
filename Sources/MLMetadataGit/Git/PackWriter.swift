import Crypto
import Foundation
internal import CGit2
import MLMetadata

/// Writes objects as one pack file with its index (`objects/pack/pack-<id>.pack` and `.idx`,
/// pack format 2), as `git` does for a push or a repack.
///
/// A commit of a run adds ~80 small objects. As loose objects that is one new file each (most
/// of a commit's time where file creation is slow); libgit2's pack builder costs ~20 ms for
/// them because it searches for deltas. Here each object is deflated once and both files are
/// written in one go.
struct PackWriter {
    /// An object to pack.
    struct Object {
        var oid: GitOID
        /// Git's object type number (1 commit, 2 tree, 3 blob, 4 tag).
        var type: Int
        var content: UnsafeRawBufferPointer
    }

    /// Writes `objects` into `packFolder` (created if missing) and returns the pack's path
    /// without its extension. Nothing is visible to git until the index file is renamed into
    /// place, last. With `sync`, both files and the folder are on disk when it returns (before
    /// other packs holding the same objects may be deleted).
    @discardableResult
    static func write(_ objects: [Object], to packFolder: String, sync: Bool = false) throws -> String {
        guard !objects.isEmpty else { throw StoreError(.internal, "an empty pack was requested") }
        var pack: [UInt8] = Array("PACK".utf8) + uint32(2) + uint32(UInt32(objects.count))
        var offsets: [GitOID: (offset: Int, crc: UInt32)] = [:]
        for object in objects where offsets[object.oid] == nil {
            let start = pack.count
            pack += header(type: object.type, size: object.content.count)
            pack += try deflate(object.content)
            let crc = pack[start...].withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
            offsets[object.oid] = (start, crc)
        }
        let packChecksum = Array(Insecure.SHA1.hash(data: pack))
        pack += packChecksum

        // The index: fan-out, sorted ids, CRCs, offsets, checksums.
        let sorted = offsets.keys.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        var index: [UInt8] = [0xFF, 0x74, 0x4F, 0x63] + uint32(2)
        var fanout = [UInt32](repeating: 0, count: 256)
        for oid in sorted { fanout[Int(oid.bytes[0])] += 1 }
        var running: UInt32 = 0
        for byte in 0..<256 {
            running += fanout[byte]
            index += uint32(running)
        }
        for oid in sorted { index += oid.bytes }
        for oid in sorted { index += uint32(offsets[oid]!.crc) }
        for oid in sorted { index += uint32(UInt32(offsets[oid]!.offset)) }
        index += packChecksum
        index += Array(Insecure.SHA1.hash(data: index))

        try FileManager.default.createDirectory(atPath: packFolder, withIntermediateDirectories: true)
        let name = packFolder + "/pack-" + packChecksum.map { String(format: "%02x", $0) }.joined()
        try writeFile(name + ".pack", pack, sync: sync)
        try writeFile(name + ".idx", index, sync: sync)
        if sync {
            let folder = open(packFolder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if folder >= 0 {
                fsync(folder)
                close(folder)
            }
        }
        return name
    }

    /// Type and size: 3 bits of type and 4 of size in the first byte, then 7 bits per byte.
    private static func header(type: Int, size: Int) -> [UInt8] {
        var remaining = size >> 4
        var first = UInt8(type << 4) | UInt8(size & 0x0F)
        var out: [UInt8] = []
        if remaining > 0 { first |= 0x80 }
        out.append(first)
        while remaining > 0 {
            var byte = UInt8(remaining & 0x7F)
            remaining >>= 7
            if remaining > 0 { byte |= 0x80 }
            out.append(byte)
        }
        return out
    }

    private static func deflate(_ content: UnsafeRawBufferPointer) throws -> [UInt8] {
        var length = compressBound(uLong(content.count))
        var out = [UInt8](repeating: 0, count: Int(length))
        let code = out.withUnsafeMutableBufferPointer { buffer in
            compress2(buffer.baseAddress, &length, content.baseAddress?.assumingMemoryBound(to: Bytef.self), uLong(content.count), 1)
        }
        guard code == Z_OK else { throw StoreError(.internal, "zlib could not compress an object (\(code))") }
        out.removeSubrange(Int(length)...)
        return out
    }

    /// Writes a temporary file and renames it into place (read-only, as git leaves packs).
    private static func writeFile(_ path: String, _ bytes: [UInt8], sync: Bool) throws {
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o444)
        guard descriptor >= 0 else { throw StoreError(.internal, "cannot create \(temporary): \(String(cString: strerror(errno)))") }
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        let synced = !sync || fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw StoreError(.internal, "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    private static func uint32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
