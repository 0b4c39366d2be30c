// The libFuzzer harness: built only with MLMD_FUZZ=1 and `-sanitize=fuzzer` (scripts/fuzz.sh),
// which links libFuzzer's `main`; this file therefore has no top-level code.
//
// Which parser it fuzzes comes from MLMD_FUZZ_ENTRY (filter, json or journal); a crash or trap
// is what libFuzzer reports, and an unexpected outcome traps on purpose.
import Foundation
import MLMetadata

/// The entry point, read once.
private let entry: FuzzEntryPoints.Entry = {
    let name = ProcessInfo.processInfo.environment["MLMD_FUZZ_ENTRY"] ?? ""
    guard let entry = FuzzEntryPoints.Entry(rawValue: name) else {
        let names = FuzzEntryPoints.Entry.allCases.map(\.rawValue).joined(separator: ", ")
        fatalError("mlmd-fuzz: set MLMD_FUZZ_ENTRY to one of \(names)")
    }
    return entry
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    for outcome in FuzzEntryPoints.run(entry, bytes) {
        if case .unexpected(let what) = outcome {
            fatalError("mlmd-fuzz \(entry.rawValue): \(what)")
        }
    }
    return 0
}
