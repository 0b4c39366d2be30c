import Foundation
import MLMetadata

enum ProfileOpen {
    static func run(_ path: String, times: Int, check: FreshnessCheck) throws {
        var samples: [Double] = []
        for _ in 0..<times {
            let start = now()
            let store = try MetadataStore(path: path, options: StoreOptions(createIfMissing: false, freshnessCheck: check))
            _ = try store.getArtifactTypes()
            samples.append(now() - start)
        }
        print("open median \(median(samples) * 1e3) ms")
        // Parts: just SQLite + GRDB pool + one read.
        var sqliteSamples: [Double] = []
        for _ in 0..<times {
            let start = now()
            let store = try MetadataStore(path: path, options: StoreOptions(createIfMissing: false, freshnessCheck: check))
            sqliteSamples.append(now() - start)
            let t = now()
            _ = try store.getArtifactTypes()
            sqliteSamples[sqliteSamples.count - 1] = now() - t
        }
        print("first read after open median \(median(sqliteSamples) * 1e3) ms")
    }
}

enum ProfileRebuild {
    static func run(_ path: String) throws {
        let store = try MetadataStore(path: path, options: StoreOptions(createIfMissing: false))
        let start = now()
        let result = try store.rebuildIndex()
        print("rebuild \(now() - start) s, \(result.indexedFiles) files")
    }
}

enum ProfileByID {
    static func run(_ path: String) throws {
        let store = try MetadataStore(path: path, options: StoreOptions(createIfMissing: false))
        let all = try store.getArtifacts().map { $0.id! }
        var rng = PythonRandom(seed: 1)
        let ids = rng.sample(all, 1000)
        var samples: [Double] = []
        for _ in 0..<200 {
            let start = now()
            _ = try store.getArtifactsByID(ids)
            samples.append(now() - start)
        }
        let examples = try measure(10) { try store.getArtifactsByType("Examples") }
        print("by id median \(median(samples) * 1e3) ms; by type Examples \(median(examples.samples) * 1e3) ms (\(examples.result.count))")
    }
}
