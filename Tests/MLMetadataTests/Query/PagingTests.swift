import Testing
@testable import MLMetadata

@Suite struct PagingTests {
    /// 25 artifacts, created in pairs within the same millisecond (ties broken by id).
    func store() throws -> (StoreFixture, [Int64]) {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        var ids: [Int64] = []
        for batch in 0..<13 {
            let count = batch == 12 ? 1 : 2
            ids += try fixture.store.putArtifacts((0..<count).map { Artifact(typeID: types.dataset, name: "a\(batch)-\($0)", properties: ["span": .int(Int64(batch))]) })
        }
        return (fixture, ids)
    }

    func pages(_ store: MetadataStore, _ options: ListOptions) throws -> [[Artifact]] {
        var options = options
        var out: [[Artifact]] = []
        repeat {
            let page = try store.getArtifacts(options)
            out.append(page.items)
            options.nextPageToken = page.nextPageToken
        } while options.nextPageToken != nil && out.count < 100
        return out
    }

    @Test(arguments: ListOptions.OrderField.allCases, [true, false])
    func everyRowExactlyOnceInOrder(field: ListOptions.OrderField, ascending: Bool) throws {
        let (fixture, ids) = try store()
        let pages = try pages(fixture.store, ListOptions(orderBy: field, isAscending: ascending, maxResultSize: 4))
        #expect(pages.map(\.count) == [4, 4, 4, 4, 4, 4, 1])
        let listed = pages.flatMap { $0 }
        #expect(Set(listed.map(\.id!)) == Set(ids))
        #expect(listed.count == ids.count)
        let keys = listed.map { item -> [Int64] in
            switch field {
            case .createTime: [item.createTimeSinceEpoch!, item.id!]
            case .lastUpdateTime: [item.lastUpdateTimeSinceEpoch!, item.id!]
            case .id: [item.id!]
            }
        }
        #expect(keys == keys.sorted { ascending ? $0.lexicographicallyPrecedes($1) : $1.lexicographicallyPrecedes($0) })
    }

    @Test func noTokenAfterTheLastPageAndNoSizeMeansEverything() throws {
        let (fixture, ids) = try store()
        #expect(try fixture.store.getArtifacts(ListOptions(maxResultSize: 25)).nextPageToken == nil)
        #expect(try fixture.store.getArtifacts(ListOptions(maxResultSize: 24)).nextPageToken != nil)
        let all = try fixture.store.getArtifacts(ListOptions())
        #expect(all.items.count == ids.count && all.nextPageToken == nil)
        // Sizes above MLMD's 100 are honoured (no 101-row page without a token).
        #expect(try fixture.store.getArtifacts(ListOptions(maxResultSize: 500)).items.count == 25)
    }

    @Test func tokensSurviveConcurrentWrites() throws {
        let (fixture, ids) = try store()
        let types = try TypeIDs(fixture.store)
        var options = ListOptions(orderBy: .createTime, isAscending: true, maxResultSize: 10)
        let first = try fixture.store.getArtifacts(options)
        // Someone writes between pages: a new artifact (newer than all) and an update of a listed one.
        try fixture.store.putArtifacts([Artifact(typeID: types.dataset, name: "late")])
        var updated = first.items[0]
        updated.customProperties["touched"] = true
        try fixture.store.putArtifacts([updated])
        options.nextPageToken = first.nextPageToken
        var rest: [Artifact] = []
        repeat {
            let page = try fixture.store.getArtifacts(options)
            rest += page.items
            options.nextPageToken = page.nextPageToken
        } while options.nextPageToken != nil
        let listed = (first.items + rest).map(\.id!)
        #expect(Set(listed).count == listed.count, "no row twice")
        #expect(Set(ids).isSubset(of: Set(listed)), "no row skipped")
    }

    @Test func filtersPageToo() throws {
        let (fixture, _) = try store()
        let pages = try pages(fixture.store, ListOptions(filterQuery: "properties.span.int_value >= 6", orderBy: .createTime,
                                                         isAscending: false, maxResultSize: 5))
        #expect(pages.map(\.count) == [5, 5, 3])
        #expect(pages.flatMap { $0 }.allSatisfy { ($0.properties["span"]?.intValue ?? 0) >= 6 })
    }

    @Test func badTokensAndSizesAreInvalidArguments() throws {
        let (fixture, _) = try store()
        let page = try fixture.store.getArtifacts(ListOptions(orderBy: .createTime, maxResultSize: 3))
        expectStoreError(.invalidArgument, "ListOperationOptions mismatch between calls") {
            _ = try fixture.store.getArtifacts(ListOptions(orderBy: .id, maxResultSize: 3, nextPageToken: page.nextPageToken))
        }
        expectStoreError(.invalidArgument, "ListOperationOptions mismatch between calls") {
            _ = try fixture.store.getArtifacts(ListOptions(orderBy: .createTime, isAscending: false, maxResultSize: 3,
                                                           nextPageToken: page.nextPageToken))
        }
        expectStoreError(.invalidArgument, "Failed to decode next page token string") {
            _ = try fixture.store.getArtifacts(ListOptions(maxResultSize: 3, nextPageToken: "garbage!"))
        }
        expectStoreError(.invalidArgument, "max_result_size") { _ = try fixture.store.getArtifacts(ListOptions(maxResultSize: 0)) }
    }
}
