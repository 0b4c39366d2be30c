import Foundation
internal import CGit2
import MLMetadata

extension GitRepository {
    /// Packs smaller than this count as the ones run commits write (one each).
    static let smallPackBytes = 1 << 20
    /// Past this many small packs they are merged into one: the count at which `git gc --auto`
    /// would repack (`gc.autoPackLimit`), so that a repository where only runs are committed does
    /// not slow down with thousands of packs.
    static let smallPackLimit = 50

    /// Merges the small packs into one when there are more than `limit` of them; returns how
    /// many were merged (0: nothing to do). Safe against a crash at any point and against other
    /// processes: the new pack is written and synced, and every object of every old pack is
    /// checked to be in it, before any old pack is deleted; a pack with a `.keep` file, or one
    /// that appears meanwhile, is left alone.
    @discardableResult
    func consolidateSmallPacks(limit: Int = smallPackLimit) throws -> Int {
        let folder = commondir + "objects/pack"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let present = Set(names)
        var candidates: [(base: String, size: Int)] = []
        for name in names.sorted() where name.hasPrefix("pack-") && name.hasSuffix(".pack") {
            let base = String(name.dropLast(5))
            guard present.contains(base + ".idx"), !present.contains(base + ".keep"), !present.contains(base + ".promisor"),
                  let size = (try? FileManager.default.attributesOfItem(atPath: "\(folder)/\(name)"))?[.size] as? Int,
                  size < Self.smallPackBytes else { continue }
            candidates.append((base, size))
        }
        guard candidates.count > limit else { return 0 }
        // At most 1 GiB at once: the pack writer's offsets are 31-bit.
        var small: [String] = []
        var total = 0
        for candidate in candidates where total + candidate.size < 1 << 30 {
            small.append(candidate.base)
            total += candidate.size
        }

        var ids: [GitOID] = []
        var seen: Set<GitOID> = []
        for base in small {
            for id in try Self.objectIDs(ofIndex: "\(folder)/\(base).idx") where seen.insert(id).inserted { ids.append(id) }
        }
        var odb: OpaquePointer?
        try Git.check(git_repository_odb(&odb, handle), "open the object database")
        defer { git_odb_free(odb) }
        var read: [OpaquePointer] = []
        defer { read.forEach { git_odb_object_free($0) } }
        var objects: [PackWriter.Object] = []
        for id in ids {
            var raw = id.raw
            var object: OpaquePointer?
            try Git.check(git_odb_read(&object, odb, &raw), "read object \(id)")
            read.append(object!)
            objects.append(PackWriter.Object(oid: id, type: Int(git_odb_object_type(object).rawValue),
                                             content: UnsafeRawBufferPointer(start: git_odb_object_data(object), count: git_odb_object_size(object))))
        }
        let merged = try PackWriter.write(objects, to: folder, sync: true)
        let kept = Set(try Self.objectIDs(ofIndex: merged + ".idx"))
        guard kept.isSuperset(of: seen) else {
            throw StoreError(.internal, "the merged pack \(merged).pack lacks objects of the packs it replaces; they were kept")
        }
        for base in small where "\(folder)/\(base)" != merged {
            // The index first: a pack without its index is invisible, never half-present.
            for suffix in [".idx", ".rev", ".bitmap", ".pack"] { unlink("\(folder)/\(base)\(suffix)") }
        }
        return small.count
    }

    /// The object ids listed by a pack index (version 2).
    static func objectIDs(ofIndex path: String) throws -> [GitOID] {
        guard let data = FileManager.default.contents(atPath: path), data.count >= 8 + 256 * 4 else {
            throw StoreError(.internal, "cannot read the pack index \(path)")
        }
        let bytes = [UInt8](data)
        guard bytes[0..<8].elementsEqual([0xFF, 0x74, 0x4F, 0x63, 0, 0, 0, 2]) else {
            throw StoreError(.internal, "\(path) is not a version 2 pack index")
        }
        let countOffset = 8 + 255 * 4
        let count = bytes[countOffset..<countOffset + 4].reduce(0) { $0 << 8 | Int($1) }
        let start = 8 + 256 * 4
        guard bytes.count >= start + count * 20 else { throw StoreError(.internal, "the pack index \(path) is truncated") }
        return (0..<count).map { index in
            var raw = git_oid()
            withUnsafeMutableBytes(of: &raw.id) { $0.copyBytes(from: bytes[(start + index * 20)..<(start + index * 20 + 20)]) }
            return GitOID(raw)
        }
    }
}
