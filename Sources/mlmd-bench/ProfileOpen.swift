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
