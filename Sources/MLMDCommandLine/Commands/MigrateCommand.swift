import ArgumentParser
import MLMetadata

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring the store's files to this version's format (FORMAT.md §2).",
        discussion: """
            A store of an older format is read as it is, but written only once migrated. From \
            format 1 to 2, context files lose their create and update times, which edge files \
            record instead, so that the same context created on two branches is the same file \
            and the branches merge without a conflict. Reads return the same times before and \
            after. The change is one journaled write; commit it like any other (mlmd commit). \
            Running it on a migrated store changes nothing.
            Example: mlmd migrate --store metadata
            """
    )

    @OptionGroup var location: StoreLocation

    func run() throws {
        let store = try location.open(reportingUnreadableFiles: false)
        let report = try store.migrate()
        if report.changedNothing {
            Console.print("The store is in format \(report.toVersion) already; nothing changed.")
            return
        }
        let contexts = "\(report.contextsRewritten) context file\(report.contextsRewritten == 1 ? "" : "s")"
        if report.fromVersion != report.toVersion {
            Console.print("Migrated from format \(report.fromVersion) to \(report.toVersion): \(contexts) rewritten, their times moved to edge files.")
        } else {
            Console.print("Rewrote \(contexts) of format 1 (their times moved to edge files).")
        }
    }
}
