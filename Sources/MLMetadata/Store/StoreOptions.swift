/// How a store is opened.
public struct StoreOptions: Sendable {
    /// When a write returns, what survives a crash.
    public enum Durability: Sendable, Hashable {
        /// A write survives the process being killed at any instant (all or nothing), but
        /// writes of the last seconds may be lost if the machine loses power.
        case relaxed
        /// A write is on disk when the call returns: the journal is synced before any file
        /// changes and the file system is synced before the journal is removed.
        case full
    }

    public var durability: Durability
    /// Source of timestamps and random id bits; inject ``StoreClock/deterministic(start:step:seed:)``
    /// for byte-identical stores.
    public var clock: StoreClock
    /// Create the store when the folder has none (MLMD's `READWRITE_OPENCREATE`).
    public var createIfMissing: Bool
    /// How thoroughly opening the store checks the files against its index cache.
    /// ``FreshnessCheck/folders`` (the default) sees everything git does.
    public var freshnessCheck: FreshnessCheck
    /// Called while many files are being indexed (a rebuild, a big checkout), for a progress display.
    public var progress: (@Sendable (IndexProgress) -> Void)?
    /// Open the store for reading only: nothing is created or changed in its folder (the index
    /// cache is kept in the user's cache folder) and every write fails with PERMISSION_DENIED.
    /// A store whose folder this user cannot write is opened this way without being asked.
    public var readOnly: Bool

    public init(durability: Durability = .relaxed, clock: StoreClock = .system, createIfMissing: Bool = true,
                freshnessCheck: FreshnessCheck = .folders, progress: (@Sendable (IndexProgress) -> Void)? = nil,
                readOnly: Bool = false) {
        self.readOnly = readOnly
        self.durability = durability
        self.clock = clock
        self.createIfMissing = createIfMissing
        self.freshnessCheck = freshnessCheck
        self.progress = progress
    }
}
