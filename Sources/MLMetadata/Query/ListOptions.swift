import Foundation

/// Filtering, ordering and paging of a list read (MLMD's `ListOperationOptions`).
///
/// ```swift
/// var options = ListOptions(filterQuery: "type = 'Model' AND properties.accuracy.double_value > 0.9",
///                           orderBy: .createTime, isAscending: false, maxResultSize: 100)
/// repeat {
///     let page = try store.getArtifacts(options)
///     use(page.items)
///     options.nextPageToken = page.nextPageToken
/// } while options.nextPageToken != nil
/// ```
public struct ListOptions: Sendable, Hashable {
    /// What results are ordered by; ties are broken by id, in the same direction.
    public enum OrderField: String, Sendable, Hashable, CaseIterable {
        case createTime = "CREATE_TIME"
        case lastUpdateTime = "LAST_UPDATE_TIME"
        case id = "ID"
    }

    /// An MLMD filter query (see the filter language in COMPATIBILITY.md); nil matches everything.
    public var filterQuery: String?
    public var orderBy: OrderField
    public var isAscending: Bool
    /// Results per page; nil returns every result in one page. Any positive size is honoured
    /// (MLMD caps pages at 100 and returns 101 rows without a token above that).
    public var maxResultSize: Int?
    /// The token of the previous page, to continue after it. A token only continues a listing
    /// with the same order field and direction; the filter may change between pages, as in MLMD.
    public var nextPageToken: String?

    public init(filterQuery: String? = nil, orderBy: OrderField = .id, isAscending: Bool = true, maxResultSize: Int? = nil,
                nextPageToken: String? = nil) {
        self.filterQuery = filterQuery
        self.orderBy = orderBy
        self.isAscending = isAscending
        self.maxResultSize = maxResultSize
        self.nextPageToken = nextPageToken
    }
}

/// One page of a list read.
public struct Page<Element: Sendable>: Sendable {
    public var items: [Element]
    /// Pass it as ``ListOptions/nextPageToken`` to get the next page; nil after the last page.
    public var nextPageToken: String?

    public init(items: [Element], nextPageToken: String?) {
        self.items = items
        self.nextPageToken = nextPageToken
    }
}

extension Page: Equatable where Element: Equatable {}

/// The opaque continuation of a listing: the sort key of the last row returned. Keyset paging
/// keeps every page as cheap as the first and stays correct while others write: a row that
/// exists throughout the listing appears exactly once.
struct PageToken: Codable, Equatable {
    /// Format version of the token.
    var v = 1
    /// Order field and direction the token was made for.
    var order: String
    var ascending: Bool
    /// The last row's order-field value and id.
    var value: Int64
    var id: Int64

    func encoded() -> String {
        let data = try! JSONEncoder().encode(self)
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    static func decode(_ text: String, for options: ListOptions) throws(StoreError) -> PageToken {
        let base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard let data = Data(base64Encoded: base64), let token = try? JSONDecoder().decode(PageToken.self, from: data), token.v == 1 else {
            throw .invalidArgument("Failed to decode next page token string")
        }
        guard token.order == options.orderBy.rawValue, token.ascending == options.isAscending else {
            throw .invalidArgument("ListOperationOptions mismatch between calls: the page token continues a listing ordered by "
                + "\(token.order) \(token.ascending ? "ascending" : "descending"), not by \(options.orderBy.rawValue) "
                + "\(options.isAscending ? "ascending" : "descending")")
        }
        return token
    }
}
