/// An MLMD proto enum: a name (its proto3-JSON spelling, the raw value) and a number.
public protocol ProtoEnum: RawRepresentable<String>, CaseIterable, Sendable, Hashable {
    /// The proto enum number.
    var number: Int { get }
}

extension ProtoEnum {
    /// The case with the given proto enum number.
    public init?(number: Int) {
        guard let match = Self.allCases.first(where: { $0.number == number }) else { return nil }
        self = match
    }
}

extension PropertyType: ProtoEnum {}
