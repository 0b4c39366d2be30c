// The libFuzzer harness: built only with MLMD_FUZZ=1 and `-sanitize=fuzzer` (scripts/fuzz.sh).
//
//   MLMD_FUZZ_ENTRY=filter|json|journal mlmd-fuzz [libFuzzer options] [corpus folders]
//
// SwiftPM gives every executable its own `main`, so instead of libFuzzer's `main` this one hands
// the command line to libFuzzer's driver with `LLVMFuzzerTestOneInput` as the target. A crash or
// trap is what libFuzzer reports; an unexpected outcome traps on purpose.
import CMLMDFuzzDriver
import Foundation
import MLMetadata

/// The entry point, read once.
let entry: FuzzEntryPoints.Entry = {
    let name = ProcessInfo.processInfo.environment["MLMD_FUZZ_ENTRY"] ?? ""
    guard let entry = FuzzEntryPoints.Entry(rawValue: name) else {
        let names = FuzzEntryPoints.Entry.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("mlmd-fuzz: set MLMD_FUZZ_ENTRY to one of \(names)\n".utf8))
        exit(2)
    }
    return entry
}()

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    for outcome in FuzzEntryPoints.run(entry, bytes) {
        if case .unexpected(let what) = outcome {
            fatalError("mlmd-fuzz \(entry.rawValue): \(what)")
        }
    }
    return 0
}

_ = entry
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzzOneInput($0, $1) })
