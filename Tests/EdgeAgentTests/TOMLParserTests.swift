@testable import EdgeAgent
import Testing

@Suite("TOML parser")
struct TOMLParserTests {
    @Test("Scalars, strings with escapes, arrays across lines, comments, line numbers")
    func values() throws {
        let text = """
            # comment
            a = "x\\t\\"y\\" \\u00e9"  # trailing
            b = 'C:\\path'
            c = 1_000
            d = -2.5e3
            e = true
            f = [
              1, 2,  # inside
              3,
            ]
            "quoted key" = 0x1F
            """
        let document = try TOMLParser.parse(text, file: "t")
        let root = try #require(document.tables[""])
        #expect(root.keys == ["a", "b", "c", "d", "e", "f", "quoted key"])
        #expect(root["a"] == TOMLValue(.string("x\t\"y\" é"), line: 2))
        #expect(root["b"]?.kind == .string("C:\\path"))
        #expect(root["c"]?.kind == .integer(1000))
        #expect(root["d"]?.kind == .float(-2500))
        #expect(root["e"]?.kind == .boolean(true))
        #expect(root["f"]?.line == 7)
        #expect(root["f"]?.kind == .array([TOMLValue(.integer(1), line: 8), TOMLValue(.integer(2), line: 8), TOMLValue(.integer(3), line: 9)]))
        #expect(root["quoted key"]?.kind == .integer(31))
    }

    @Test("Tables and arrays of tables keep header lines and order")
    func tables() throws {
        let document = try TOMLParser.parse("[a.b]\nx = 1\n[[p]]\ny = 2\n[[p]]\ny = 3\n", file: "t")
        #expect(document.order == ["a.b", "p", "p"])
        #expect(document.tables["a.b"]?.line == 1)
        #expect(document.tableArrays["p"]?.map(\.line) == [3, 5])
        #expect(document.tableArrays["p"]?[1]["y"]?.kind == .integer(3))
    }

    @Test("Malformed scalars are rejected", arguments: ["1__0", "_1", "1.", ".5", "tru", "1e", "0x", "--1"])
    func badScalars(_ token: String) {
        #expect(TOMLParser.scalar(token) == nil)
    }

    @Test("Syntax errors carry the line", arguments: [("a = [1, 2\nb = 1", 2), ("\n\n[x", 3), ("a = 'x\n", 1), ("= 1", 1)])
    func syntaxLines(_ text: String, _ line: Int) {
        #expect {
            _ = try TOMLParser.parse(text, file: "t")
        } throws: { error in
            (error as? ConfigurationError)?.line == line && (error as? ConfigurationError)?.code == .syntax
        }
    }
}
