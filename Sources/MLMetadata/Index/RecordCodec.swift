import Foundation

/// The compact binary form in which the index keeps each node (`body` column).
///
/// Reads decode thousands of nodes per query, and JSON is several times slower to decode than
/// this length-prefixed layout. It is private to the index: bump ``IndexSchema/version`` when it
/// changes, and every index is rebuilt from the files.
///
/// Layout: `u8 presence flags`, `i64 id`, `i64 type_id`, then the present optional fields in flag
/// order, then properties and custom properties as `varint count` × (`string name`, value).
/// Strings are `varint length` + UTF-8; integers little-endian.
enum RecordCodec {
    private enum Flag {
        static let name: UInt8 = 1 << 0
        static let externalID: UInt8 = 1 << 1
        static let uri: UInt8 = 1 << 2
        static let state: UInt8 = 1 << 3
        static let typeName: UInt8 = 1 << 4
        static let createTime: UInt8 = 1 << 5
        static let updateTime: UInt8 = 1 << 6
    }

    private enum Tag {
        static let int: UInt8 = 1
        static let double: UInt8 = 2
        static let string: UInt8 = 3
        static let `struct`: UInt8 = 4
        static let proto: UInt8 = 5
        static let bool: UInt8 = 6
    }

    /// A record that does not decode: the index cache is damaged (``IndexDatabase/isDamage(_:)``
    /// makes the store rebuild it from the files).
    static var damaged: StoreError {
        StoreError(.dataLoss, "a record of the index cache is damaged; `mlmd reindex` rebuilds it from the files",
                   path: StoreLayout.privateFolder + "/index.sqlite", underlying: StoreError.Underlying(domain: "index", code: 0, name: "bad record"))
    }

    // MARK: Encoding

    static func encode<N: NodeCoding>(_ node: N) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        let uri = node.indexedURI
        let state = node.indexedState
        var flags: UInt8 = 0
        if node.name != nil { flags |= Flag.name }
        if node.externalID != nil { flags |= Flag.externalID }
        if uri != nil { flags |= Flag.uri }
        if state != nil { flags |= Flag.state }
        if node.type != nil { flags |= Flag.typeName }
        if node.createTimeSinceEpoch != nil { flags |= Flag.createTime }
        if node.lastUpdateTimeSinceEpoch != nil { flags |= Flag.updateTime }
        out.append(flags)
        appendInt64(node.id ?? 0, to: &out)
        appendInt64(node.typeID ?? 0, to: &out)
        if let name = node.name { appendString(name, to: &out) }
        if let externalID = node.externalID { appendString(externalID, to: &out) }
        if let uri { appendString(uri, to: &out) }
        if let state { out.append(UInt8(state)) }
        if let type = node.type { appendString(type, to: &out) }
        if let time = node.createTimeSinceEpoch { appendInt64(time, to: &out) }
        if let time = node.lastUpdateTimeSinceEpoch { appendInt64(time, to: &out) }
        appendProperties(node.properties, to: &out)
        appendProperties(node.customProperties, to: &out)
        return out
    }

    private static func appendProperties(_ properties: [String: Value], to out: inout [UInt8]) {
        appendVarint(UInt64(properties.count), to: &out)
        for (name, value) in properties {
            appendString(name, to: &out)
            switch value {
            case .int(let v):
                out.append(Tag.int)
                appendInt64(v, to: &out)
            case .double(let v):
                out.append(Tag.double)
                appendInt64(Int64(bitPattern: v.bitPattern), to: &out)
            case .string(let v):
                out.append(Tag.string)
                appendString(v, to: &out)
            case .struct(let fields):
                out.append(Tag.struct)
                appendBytes(JSONWriter.write(.object(StructValue.jsonObject(fields)), style: .compact), to: &out)
            case .proto(let any):
                out.append(Tag.proto)
                appendString(any.typeURL, to: &out)
                appendBytes(Array(any.value), to: &out)
            case .bool(let v):
                out.append(Tag.bool)
                out.append(v ? 1 : 0)
            }
        }
    }

    private static func appendInt64(_ value: Int64, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    private static func appendString(_ string: String, to out: inout [UInt8]) {
        var string = string
        string.withUTF8 { bytes in
            appendVarint(UInt64(bytes.count), to: &out)
            out.append(contentsOf: bytes)
        }
    }

    private static func appendBytes(_ bytes: [UInt8], to out: inout [UInt8]) {
        appendVarint(UInt64(bytes.count), to: &out)
        out.append(contentsOf: bytes)
    }

    // MARK: Decoding

    static func decode<N: NodeCoding>(_ bytes: UnsafeRawBufferPointer, as type: N.Type) throws -> N {
        var reader = Reader(bytes: bytes)
        let flags = try reader.byte()
        var node = N(id: try reader.int64(), typeID: try reader.int64())
        if flags & Flag.name != 0 { node.name = try reader.string() }
        if flags & Flag.externalID != 0 { node.externalID = try reader.string() }
        let uri = flags & Flag.uri != 0 ? try reader.string() : nil
        let state = flags & Flag.state != 0 ? Int(try reader.byte()) : nil
        node.setIndexedFields(uri: uri, state: state)
        if flags & Flag.typeName != 0 { node.type = try reader.string() }
        if flags & Flag.createTime != 0 { node.createTimeSinceEpoch = try reader.int64() }
        if flags & Flag.updateTime != 0 { node.lastUpdateTimeSinceEpoch = try reader.int64() }
        node.properties = try reader.properties()
        node.customProperties = try reader.properties()
        guard reader.isAtEnd else { throw RecordCodec.damaged }
        return node
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        var isAtEnd: Bool { position == bytes.count }

        mutating func byte() throws -> UInt8 {
            guard position < bytes.count else { throw RecordCodec.damaged }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func int64() throws -> Int64 {
            guard bytes.count - position >= 8 else { throw RecordCodec.damaged }
            defer { position += 8 }
            return Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: Int64.self))
        }

        mutating func varint() throws -> Int {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let byte = try byte()
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { break }
                shift += 7
                guard shift < 64 else { throw RecordCodec.damaged }
            }
            guard value <= UInt64(Int.max) else { throw RecordCodec.damaged }
            return Int(value)
        }

        mutating func slice() throws -> UnsafeRawBufferPointer {
            let count = try varint()
            guard count <= bytes.count - position else { throw RecordCodec.damaged }
            defer { position += count }
            return UnsafeRawBufferPointer(rebasing: bytes[position..<position + count])
        }

        mutating func string() throws -> String {
            String(decoding: try slice(), as: UTF8.self)
        }

        mutating func properties() throws -> [String: Value] {
            let count = try varint()
            var out: [String: Value] = [:]
            // Each property takes at least two bytes: a damaged count cannot make this allocate more.
            out.reserveCapacity(min(count, (bytes.count - position) / 2))
            for _ in 0..<count {
                let name = try string()
                switch try byte() {
                case Tag.int: out[name] = .int(try int64())
                case Tag.double: out[name] = .double(Double(bitPattern: UInt64(bitPattern: try int64())))
                case Tag.string: out[name] = .string(try string())
                case Tag.struct:
                    guard case .object(let object) = try JSONParser.parse(Array(try slice())) else { throw RecordCodec.damaged }
                    out[name] = .struct(StructValue.fields(object))
                case Tag.proto:
                    let url = try string()
                    out[name] = .proto(ProtoAny(typeURL: url, value: Data(try slice())))
                case Tag.bool: out[name] = .bool(try byte() != 0)
                default: throw RecordCodec.damaged
                }
            }
            return out
        }
    }
}
