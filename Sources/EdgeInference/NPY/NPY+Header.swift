/// Parsing of the header dictionary, e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
extension NPY {
    static func parseHeader(_ header: String) throws(NPYError) -> (ElementType, [Int]) {
        func bad(_ message: String, _ field: String? = nil) -> NPYError {
            NPYError(code: .badHeader, message: message, field: field)
        }
        let text = header.trimmingWhitespace()
        guard text.hasPrefix("{"), text.hasSuffix("}") else {
            throw bad("header is not a dictionary: \(text.prefix(80))")
        }
        guard let descr = value(of: "descr", in: text) else { throw bad("missing key", "descr") }
        guard let fortran = value(of: "fortran_order", in: text) else { throw bad("missing key", "fortran_order") }
        guard let shapeText = value(of: "shape", in: text) else { throw bad("missing key", "shape") }

        let code = descr.trimmingQuotes()
        let table: [String: ElementType] = [
            "<f4": .float32, "|i1": .int8, "i1": .int8, "<i1": .int8, "|u1": .uint8, "u1": .uint8, "<u1": .uint8,
            "<i4": .int32, "<i8": .int64, "|b1": .bool, "b1": .bool, "<f8": .float64,
        ]
        guard let type = table[code] else {
            if code.hasPrefix(">") {
                throw NPYError(code: .unsupported, message: "big-endian data '\(code)'", field: "descr")
            }
            throw NPYError(
                code: .unsupported,
                message: "dtype '\(code)' (supported: float32, int8, uint8, int32, int64)",
                field: "descr"
            )
        }
        switch fortran {
        case "False": break
        case "True": throw NPYError(code: .unsupported, message: "Fortran-ordered arrays", field: "fortran_order")
        default: throw bad("fortran_order is '\(fortran)'", "fortran_order")
        }
        guard shapeText.hasPrefix("("), shapeText.hasSuffix(")") else { throw bad("shape is '\(shapeText)'", "shape") }
        var shape: [Int] = []
        for part in shapeText.dropFirst().dropLast().split(separator: ",") {
            let trimmed = String(part).trimmingWhitespace()
            if trimmed.isEmpty { continue }
            guard let d = Int(trimmed.hasSuffix("L") ? String(trimmed.dropLast()) : trimmed), d >= 0 else {
                throw bad("bad dimension '\(trimmed)'", "shape")
            }
            shape.append(d)
        }
        return (type, shape)
    }

    /// The raw text of a key's value: a quoted string, a tuple or a bare word.
    private static func value(of key: String, in text: String) -> String? {
        for quote in ["'", "\""] {
            guard let keyRange = text.firstRange(of: quote + key + quote) else { continue }
            var rest = text[keyRange.upperBound...].drop { $0 == " " }
            guard rest.first == ":" else { return nil }
            rest = rest.dropFirst().drop { $0 == " " }
            guard let first = rest.first else { return nil }
            if first == "(" {
                guard let close = rest.firstIndex(of: ")") else { return nil }
                return String(rest[...close])
            }
            if first == "'" || first == "\"" {
                guard let close = rest.dropFirst().firstIndex(of: first) else { return nil }
                return String(rest[...close])
            }
            let end = rest.firstIndex { $0 == "," || $0 == "}" } ?? rest.endIndex
            return String(rest[..<end]).trimmingWhitespace()
        }
        return nil
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[start...end])
    }

    func trimmingQuotes() -> String {
        var s = Substring(self)
        while let c = s.first, c == "'" || c == "\"" { s = s.dropFirst() }
        while let c = s.last, c == "'" || c == "\"" { s = s.dropLast() }
        return String(s)
    }
}
