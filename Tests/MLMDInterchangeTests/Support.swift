import Foundation
import MLMetadata
import Testing

/// The committed MLMD databases and their expected reads (scripts/interchange/make_fixtures.py).
enum Fixtures {
    static func path(_ name: String) throws -> String {
        try #require(Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil)).path
    }

    static func expected(_ fixture: String) throws -> Expected {
        let data = try Data(contentsOf: URL(fileURLWithPath: try path(fixture + ".expected.json")))
        return Expected(json: try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any]))
    }

    /// What the official library read from a fixture, by section.
    struct Expected {
        let json: [String: Any]

        func messages<M: ProtoJSONConvertible>(_ section: String, as type: M.Type) throws -> [M] {
            let items = try #require(json[section] as? [Any])
            return try items.map { item in
                try M(protoJSON: try JSONSerialization.data(withJSONObject: item))
            }
        }

        func pairs(_ section: String) throws -> [[String: Int64]] {
            let items = try #require(json[section] as? [[String: Any]])
            return items.map { $0.compactMapValues { ($0 as? NSNumber)?.int64Value } }
        }
    }
}

/// A temporary folder per test, removed when the test's value goes away.
final class Scratch {
    let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "mlmd-interchange-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    func path(_ name: String) -> String { folder + "/" + name }

    func file(_ name: String, contents: [UInt8]) throws -> String {
        try Data(contents).write(to: URL(fileURLWithPath: path(name)))
        return path(name)
    }

    func copy(_ source: String) throws -> String {
        let target = path((source as NSString).lastPathComponent)
        try FileManager.default.copyItem(atPath: source, toPath: target)
        return target
    }
}

extension Scratch {
    /// Every file below `folder` (outside the store's private `.mlmd`), path → bytes.
    func files(in folder: String) throws -> [String: Data] {
        let root = path(folder)
        var out: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(atPath: root) else { return out }
        while let relative = walker.nextObject() as? String {
            if relative == ".mlmd" || relative.hasPrefix(".mlmd/") {
                walker.skipDescendants()
                continue
            }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                out[relative] = try Data(contentsOf: URL(fileURLWithPath: root + "/" + relative))
            }
        }
        return out
    }
}

/// MLMD 1.17 reads a `double_value` from its SQLite file through SQLite's text of the number, 15
/// significant digits (1.7976931348623157e308 comes back as inf). The reader keeps the stored
/// double exactly; to compare with what MLMD read, round ours the same way.
enum MLMDDoubleReading {
    static func asMLMDReadsIt(_ value: Double) -> Double {
        Double(String(format: "%.15g", value)) ?? value
    }

    static func asMLMDReadsIt<N: Node>(_ node: N) -> N {
        var node = node
        func round(_ values: [String: Value]) -> [String: Value] {
            values.mapValues { value in
                if case .double(let number) = value { return .double(asMLMDReadsIt(number)) }
                return value
            }
        }
        node.properties = round(node.properties)
        node.customProperties = round(node.customProperties)
        return node
    }
}
