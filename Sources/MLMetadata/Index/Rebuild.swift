import GRDB

/// Rebuilds the whole index from the store's files.
struct Rebuild {
    let root: String
    let db: Database

    /// Reads every data file of the store into the (empty) index; returns the files that
    /// could not be indexed.
    func run() throws -> [StoreError] {
        let writer = IndexWriter(db: db)
        var problems: [StoreError] = []
        for folder in StoreLayout.dataFolders {
            for path in try files(under: folder) {
                let absolute = root + "/" + path
                let signature = FileSystem.signature(absolute)
                let bytes: [UInt8]
                do {
                    bytes = try FileSystem.readFile(absolute)
                } catch {
                    problems.append(StoreError(error.code, error.message, path: path))
                    continue
                }
                if let problem = try writer.reindex(path: path, bytes: bytes, signature: signature) {
                    problems.append(problem)
                }
            }
        }
        return problems
    }

    /// Every regular file below a store-relative folder, sorted.
    func files(under folder: String) throws -> [String] {
        var out: [String] = []
        var pending = [folder]
        while let current = pending.popLast() {
            for name in try FileSystem.list(root + "/" + current) {
                let path = current + "/" + name
                if FileSystem.isDirectory(root + "/" + path) {
                    pending.append(path)
                } else {
                    out.append(path)
                }
            }
        }
        return out.sorted()
    }
}
