import Foundation

/// Where commands write. Standard output and standard error by default; tests swap in buffers to
/// run commands in-process.
public enum Console {
    /// Where results go.
    @TaskLocal public static var output: any TextSink = StandardStream.output
    /// Where errors and progress messages go.
    @TaskLocal public static var errors: any TextSink = StandardStream.error

    /// Standard input's bytes when set (for in-process tests); nil reads the real standard input.
    @TaskLocal public static var input: [UInt8]? = nil

    /// Everything on standard input.
    static func readInput() -> [UInt8] {
        input ?? Array(FileHandle.standardInput.readDataToEndOfFile())
    }

    /// Writes a line to the current output.
    static func print(_ text: String = "") {
        output.write(text + "\n")
    }

    /// Writes a line to the current error stream.
    static func printError(_ text: String) {
        errors.write(text + "\n")
    }

    /// Set by `--color always|never`; nil decides by the terminal and `NO_COLOR`.
    @TaskLocal static var colorChoice: Bool? = nil

    /// Whether colours may be used: as `--color` says, else when the output is a terminal and
    /// `NO_COLOR` is not set.
    static var colorsEnabled: Bool {
        if let colorChoice { return colorChoice }
        return output.isTerminal && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) != false
    }
}

/// A destination for command output.
public protocol TextSink: Sendable {
    func write(_ text: String)
    var isTerminal: Bool { get }
}

/// Standard output or standard error.
public struct StandardStream: TextSink {
    private let descriptor: Int32

    public static let output = StandardStream(descriptor: STDOUT_FILENO)
    public static let error = StandardStream(descriptor: STDERR_FILENO)

    public func write(_ text: String) {
        (descriptor == STDOUT_FILENO ? FileHandle.standardOutput : FileHandle.standardError).write(Data(text.utf8))
    }

    public var isTerminal: Bool { isatty(descriptor) == 1 }
}

/// Output collected in memory (for in-process command tests).
public final class CapturedOutput: TextSink, @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = ""

    public init() {}
    public func write(_ text: String) { lock.withLock { buffer += text } }
    public var isTerminal: Bool { false }
    /// Everything written so far.
    public var text: String { lock.withLock { buffer } }
}

/// ANSI styles, applied only when colours are enabled.
enum Style {
    static func bold(_ text: String) -> String { wrap(text, "1") }
    static func dim(_ text: String) -> String { wrap(text, "2") }
    static func green(_ text: String) -> String { wrap(text, "32") }
    static func red(_ text: String) -> String { wrap(text, "31") }
    static func yellow(_ text: String) -> String { wrap(text, "33") }
    static func cyan(_ text: String) -> String { wrap(text, "36") }

    private static func wrap(_ text: String, _ code: String) -> String {
        Console.colorsEnabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// A state coloured by what it means (green done, red failed, yellow in progress).
    static func state(_ state: String) -> String {
        switch state {
        case "COMPLETE", "LIVE", "CACHED": green(state)
        case "FAILED", "DELETED", "ABANDONED", "CANCELED": red(state)
        case "RUNNING", "NEW", "PENDING": yellow(state)
        default: state
        }
    }
}
