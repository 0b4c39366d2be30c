import MLMetadata

/// The index's `TREE` extension: the tree id of each folder whose index entries are unchanged
/// since it was computed, which lets `git commit` skip rebuilding those trees.
struct TreeCache {
    struct Node {
        var name: [UInt8]
        /// Index entries covered; -1 when the node is invalid (its id is then absent).
        var entryCount: Int
        var oid: [UInt8]?
        var children: [Node]
    }

    var root: Node

    static func parse(_ bytes: [UInt8]) throws -> TreeCache {
        var position = 0
        func node() throws -> Node {
            func field(until terminator: UInt8) throws -> [UInt8] {
                guard let end = bytes[position...].firstIndex(of: terminator) else {
                    throw StoreError(.dataLoss, "the git index's tree cache is malformed")
                }
                defer { position = end + 1 }
                return Array(bytes[position..<end])
            }
            let name = try field(until: 0)
            guard let entryCount = Int(String(decoding: try field(until: UInt8(ascii: " ")), as: UTF8.self)),
                  let childCount = Int(String(decoding: try field(until: UInt8(ascii: "\n")), as: UTF8.self)) else {
                throw StoreError(.dataLoss, "the git index's tree cache is malformed")
            }
            var oid: [UInt8]?
            if entryCount >= 0 {
                guard position + 20 <= bytes.count else { throw StoreError(.dataLoss, "the git index's tree cache is truncated") }
                oid = Array(bytes[position..<position + 20])
                position += 20
            }
            var children: [Node] = []
            for _ in 0..<childCount { children.append(try node()) }
            return Node(name: name, entryCount: entryCount, oid: oid, children: children)
        }
        return TreeCache(root: try node())
    }

    /// Marks the folders on `path`'s way (and the root) as changed.
    mutating func invalidate(path: String) {
        let folders = path.split(separator: "/").dropLast().map { Array($0.utf8) }
        func walk(_ node: inout Node, _ remaining: ArraySlice<[UInt8]>) {
            node.entryCount = -1
            node.oid = nil
            guard let next = remaining.first, let child = node.children.firstIndex(where: { $0.name == next }) else { return }
            walk(&node.children[child], remaining.dropFirst())
        }
        walk(&root, folders[...])
    }

    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        func write(_ node: Node) {
            out += node.name + [0] + Array("\(node.entryCount) \(node.children.count)\n".utf8)
            if let oid = node.oid { out += oid }
            node.children.forEach(write)
        }
        write(root)
        return out
    }
}
