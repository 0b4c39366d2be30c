/// A command failure that is not a usage error (exit code 1, printed as `Error: …`).
struct CommandError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
