/// This release of MLMetadata, and the store format it writes.
public enum LibraryVersion {
    /// The release, as `mlmd --version` prints it.
    public static let release = "0.21.0"
    /// The store format version this release writes (`store.json`, FORMAT.md §2).
    public static var storeFormat: Int { StoreManifest.currentVersion }
    /// The oldest store format it reads.
    public static var oldestReadableStoreFormat: Int { StoreManifest.oldestReadableVersion }
    /// The MLMD release whose data model and semantics it follows.
    public static let mlmdModel = "1.17"

    /// `mlmd 0.21.0 (writes store format 2, reads 1–2; MLMD 1.17 data model)`.
    public static var description: String {
        "mlmd \(release) (writes store format \(storeFormat), reads \(oldestReadableStoreFormat)–\(storeFormat); MLMD \(mlmdModel) data model)"
    }
}
