/// A 64-bit FNV-1a hash of a file's bytes, kept with the file's signature in the index.
///
/// A signature taken within the racy window of a file's last change cannot prove the file is
/// unchanged (a second change in the same clock tick keeps the signature). Git re-hashes such
/// "racily clean" entries rather than trusting them; so does the refresh: equal hashes show the
/// file still holds what the index was built from, without parsing and reindexing it.
enum ContentHash {
    static func of(_ bytes: [UInt8]) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        bytes.withUnsafeBufferPointer { buffer in
            for byte in buffer {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
        }
        return Int64(bitPattern: hash)
    }
}
