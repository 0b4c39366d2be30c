import Testing
@testable import MLMetadata

@Suite struct JSONParserTests {
    @Test func parsesNestedValuesAndKeepsNumbersExact() throws {
        let value = try JSONParser.parse(#"{"a": [1, -2.5e3, "x\u00e9\n"], "big": 9223372036854775807, "t": true, "n": null}"#)
        guard case .object(let object) = value else { Issue.record("not an object"); return }
        #expect(object["big"] == .number("9223372036854775807"))
        #expect(object["a"] == .array([.number("1"), .number("-2.5e3"), .string("xé\n")]))
        #expect(object["t"] == .bool(true))
        #expect(object["n"] == .null)
    }

    @Test func recordsTheLineOfEachMember() throws {
        let value = try JSONParser.parse("{\n  \"a\": 1,\n\n  \"b\": {\"c\": 2}\n}")
        guard case .object(let object) = value else { Issue.record("not an object"); return }
        #expect(object.members.map(\.line) == [2, 4])
    }

    @Test(arguments: [
        ("{\"a\": 1,}", 1, 9, "expected a quoted member name"),
        ("{\"a\": 1\n", 2, 1, "unexpected end of input inside an object"),
        ("{\"a\": 1, \"a\": 2}", 1, 10, "duplicate member \"a\""),
        ("<<<<<<< HEAD\n{}", 1, 1, "merge-conflict marker"),
        ("{\"a\": 01}", 1, 8, "leading zeros"),
        ("{\"a\": \"x\ty\"}", 1, 9, "unescaped control character"),
        ("{\"a\": \"\\q\"}", 1, 8, "invalid escape sequence"),
        ("{\"a\": tru}", 1, 7, "unexpected character"),
        ("{} {}", 1, 4, "unexpected text after the JSON value"),
        ("{\"a\": \"\\ud800\"}", 1, 14, "unpaired UTF-16 surrogate"),
    ])
    func reportsSyntaxErrorsWithPosition(text: String, line: Int, column: Int, message: String) {
        #expect {
            _ = try JSONParser.parse(text)
        } throws: { error in
            guard let error = error as? JSONParser.SyntaxError else { return false }
            return error.line == line && error.column == column && error.message.contains(message)
        }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParser.SyntaxError.self) { _ = try JSONParser.parse([0x22, 0xFF, 0x22]) }
    }

    @Test func rejectsTooDeepNesting() {
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        #expect(throws: JSONParser.SyntaxError.self) { _ = try JSONParser.parse(deep) }
    }
}

@Suite struct JSONWriterTests {
    @Test func prettyOutputMatchesPythonJSONDumps() {
        // json.dumps(v, indent=2, sort_keys=True, ensure_ascii=False) of the same value.
        let value = JSONValue.object(JSONObject([
            ("b", .array([.number("1"), .object(JSONObject()), .array([])])),
            ("a", .string("é \"q\" \\ \n\t\u{01}/")),
            ("B", .null),
        ]))
        let expected = """
            {
              "B": null,
              "a": "é \\"q\\" \\\\ \\n\\t\\u0001/",
              "b": [
                1,
                {},
                []
              ]
            }
            """
        #expect(String(decoding: JSONWriter.write(value, style: .pretty), as: UTF8.self) == expected)
    }

    @Test func compactOutputMatchesPythonJSONDumps() {
        let value = JSONValue.object(JSONObject([("z", .array([.number("1"), .number("2")])), ("a", .bool(false))]))
        #expect(String(decoding: JSONWriter.write(value, style: .compact), as: UTF8.self) == #"{"a": false, "z": [1, 2]}"#)
    }

    @Test func sortsKeysByCodePoint() {
        let value = JSONValue.object(JSONObject([("é", .null), ("z", .null), ("Z", .null), ("_", .null)]))
        #expect(String(decoding: JSONWriter.write(value, style: .compact), as: UTF8.self) == #"{"Z": null, "_": null, "z": null, "é": null}"#)
    }

    /// Python's `repr(float)` for each value (checked with CPython 3.11).
    @Test(arguments: [
        (0.1 + 0.2, "0.30000000000000004"), (1e16, "1e+16"), (1e15, "1000000000000000.0"),
        (9.1e15, "9100000000000000.0"), (1e-5, "1e-05"), (1e-4, "0.0001"), (0.00012, "0.00012"),
        (123.0, "123.0"), (5e-324, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
        (-0.0, "-0.0"), (0.0, "0.0"), (1e22, "1e+22"), (2.5e-7, "2.5e-07"), (12345678901234567.0, "1.2345678901234568e+16"),
        (0.93, "0.93"), (-1.5, "-1.5"), (1e100, "1e+100"), (123456.789, "123456.789"),
    ])
    func formatsDoublesLikePython(value: Double, expected: String) {
        #expect(PythonFloat.format(value) == expected)
    }

    @Test func formatsNonFiniteDoublesAsProto3JSONStrings() {
        #expect(PythonFloat.format(.nan) == "NaN")
        #expect(PythonFloat.format(.infinity) == "Infinity")
        #expect(PythonFloat.format(-.infinity) == "-Infinity")
    }

    @Test func roundTripsRandomDoubles() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let value = Double(bitPattern: generator.next())
            guard value.isFinite else { continue }
            #expect(Double(PythonFloat.format(value)) == value)
        }
    }
}
