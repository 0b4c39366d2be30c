import Foundation

/// Monotonic seconds.
func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Runs `body` `repeats` times; returns the samples (seconds) and the last result.
func measure<T>(_ repeats: Int, _ body: () throws -> T) rethrows -> (samples: [Double], result: T) {
    var samples: [Double] = []
    var result: T?
    for _ in 0..<repeats {
        let start = now()
        result = try body()
        samples.append(now() - start)
    }
    return (samples, result!)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// The `summary()` dictionary of the harness.
func summary(_ samples: [Double]) -> [String: Any] {
    ["median_s": median(samples), "min_s": samples.min() ?? 0, "max_s": samples.max() ?? 0, "samples_s": samples]
}

func check(_ ok: Bool, _ detail: [String: Any] = [:]) -> [String: Any] {
    detail.merging(["ok": ok]) { $1 }
}

/// Peak resident memory of this process in MiB.
func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// Bytes of every file below `path`, and of those outside the folder `excluding`.
func folderSize(_ path: String, excluding: String? = nil) -> (all: Int64, kept: Int64) {
    var all: Int64 = 0
    var kept: Int64 = 0
    guard let enumerator = FileManager.default.enumerator(atPath: path) else { return (0, 0) }
    while let relative = enumerator.nextObject() as? String {
        var info = stat()
        guard stat(path + "/" + relative, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
        all += Int64(info.st_size)
        if let excluding, relative.hasPrefix(excluding) { continue }
        kept += Int64(info.st_size)
    }
    return (all, kept)
}

/// Progress lines on standard error.
struct Log {
    var quiet: Bool
    func callAsFunction(_ message: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
