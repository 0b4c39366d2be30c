import ArgumentParser
import Foundation
import MLMetadata

/// How a command prints its results.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    /// Aligned columns for a person.
    case table
    /// One JSON array of MLMD messages (proto3 JSON, proto field names, stable field order).
    case json
    /// One compact MLMD message per line.
    case jsonl
    /// A GitHub-flavoured markdown table.
    case markdown
}

struct FormatOption: ParsableArguments {
    @Option(help: ArgumentHelp("Output format: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "format"))
    var format: OutputFormat = .table
}

/// A table that renders as aligned text or markdown.
struct Table {
    var header: [String]
    var rows: [[String]]

    /// Aligned columns (colour codes in cells do not count towards the width).
    var rendered: String {
        let all = [header.map(Style.bold)] + rows
        let widths = header.indices.map { column in all.map { $0.indices.contains(column) ? visibleWidth($0[column]) : 0 }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - visibleWidth(cell))
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    var markdown: String {
        func escape(_ cell: String) -> String { cell.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        var lines = ["| " + header.map(escape).joined(separator: " | ") + " |", "|" + header.map { _ in "---|" }.joined()]
        lines += rows.map { "| " + $0.map(escape).joined(separator: " | ") + " |" }
        return lines.joined(separator: "\n")
    }

    func print(_ format: OutputFormat) {
        Console.print(format == .markdown ? markdown : rendered)
    }

    private func visibleWidth(_ text: String) -> Int {
        var count = 0
        var inEscape = false
        for character in text {
            if character == "\u{1B}" { inEscape = true; continue }
            if inEscape { if character == "m" { inEscape = false }; continue }
            count += 1
        }
        return count
    }
}

/// Prints MLMD messages as JSON or JSON Lines.
enum MessageOutput {
    static func print<M: ProtoJSONConvertible>(_ messages: [M], _ format: OutputFormat) {
        switch format {
        case .jsonl:
            for message in messages { Console.print(message.protoJSON(.compact)) }
        default:
            guard !messages.isEmpty else {
                Console.print("[]")
                return
            }
            let items = messages.map { $0.protoJSON(.pretty).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") }
            Console.print("[\n" + items.joined(separator: ",\n") + "\n]")
        }
    }
}

/// Prints plain JSON objects (for results that are not MLMD messages), keys sorted.
enum ObjectOutput {
    static func print(_ objects: [[String: Any]], _ format: OutputFormat) throws {
        if format == .jsonl {
            for object in objects {
                Console.print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self))
            }
        } else {
            let data = try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
            Console.print(String(decoding: data, as: UTF8.self))
        }
    }
}

/// Human-readable renderings shared by the commands.
enum Describe {
    /// `2026-01-05 09:00:01` (UTC) from milliseconds since the epoch.
    static func time(_ milliseconds: Int64?) -> String {
        guard let milliseconds else { return "" }
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }

    /// `tfx.components.trainer.component.Trainer` → `Trainer`.
    static func shortType(_ type: String?) -> String {
        guard let type else { return "" }
        return type.split(separator: ".").last.map(String.init) ?? type
    }

    static func properties(_ properties: [String: Value]) -> String {
        properties.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }

    /// A compact number for metric columns.
    static func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.4g", value)
    }
}
