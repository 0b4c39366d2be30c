/// When a context was created and last updated, as one write call recorded it: a line of that
/// call's edge file (format version 2, FORMAT.md §6), written as a partial proto3-JSON `Context`
/// message (`id` and the times), so that the official parser reads it like every other line.
///
/// Context files carry no times, so that the same context created on two branches (a
/// `pipeline` context, a node context) is the same file, byte for byte, and the branches merge
/// without a conflict. The times live here instead, in files no other branch touches; a context's
/// create time is the earliest recorded and its update time the latest, so a merge that unions
/// both branches' lines keeps the first creation and the last update.
struct ContextTimes: Hashable, Sendable {
    var contextID: Int64
    var createTime: Int64?
    var updateTime: Int64?

    var json: JSONValue {
        var object = JSONObject()
        if let createTime { object.append("create_time_since_epoch", ProtoJSON.int64(createTime)) }
        object.append("id", ProtoJSON.int64(contextID))
        if let updateTime { object.append("last_update_time_since_epoch", ProtoJSON.int64(updateTime)) }
        return .object(object)
    }

    static func decode(_ json: JSONValue) throws(ProtoJSONError) -> ContextTimes {
        var reader = try MessageReader(json, message: "Context (times)")
        let context = try reader.int64("id")
        let create = try reader.int64("create_time_since_epoch")
        let update = try reader.int64("last_update_time_since_epoch")
        try reader.finish()
        guard let context else { throw ProtoJSONError(field: "id", message: "missing in context times", line: 0) }
        guard create != nil || update != nil else {
            throw ProtoJSONError(field: "create_time_since_epoch",
                                 message: "context times need create_time_since_epoch, last_update_time_since_epoch or both", line: 0)
        }
        return ContextTimes(contextID: context, createTime: create, updateTime: update)
    }

    /// The times of a context with these records: the earliest create time, and the latest of
    /// every time recorded as its update time (an update is never before the creation).
    static func effective(_ records: [(create: Int64?, update: Int64?)]) -> (create: Int64?, update: Int64?) {
        let create = records.compactMap(\.create).min()
        let update = records.flatMap { [$0.create, $0.update] }.compactMap { $0 }.max()
        return (create, update)
    }
}

extension Context {
    /// The context as its file holds it in a store of format `formatVersion`: from version 2 on
    /// without its times, which the edge files record (``ContextTimes``).
    func fileForm(formatVersion: Int) -> Context {
        guard formatVersion >= 2 else { return self }
        var file = self
        file.createTimeSinceEpoch = nil
        file.lastUpdateTimeSinceEpoch = nil
        return file
    }
}
