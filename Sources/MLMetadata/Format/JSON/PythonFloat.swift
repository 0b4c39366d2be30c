/// Formats doubles exactly as Python's `repr(float)` does, which is what protobuf's Python
/// `json_format` writes: the shortest digits that round-trip, in fixed notation when the decimal
/// exponent is in `-4..<16` (always with a fractional part, `3.0`), else in scientific notation
/// with a signed, at least two-digit exponent (`1e-05`, `1.5e+16`).
///
/// Swift's `description` already yields the shortest round-trip digits but switches to
/// scientific notation at 2^53 instead of 10^16; this re-lays out those digits.
enum PythonFloat {
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }

        // Split Swift's shortest representation into sign, digits and decimal exponent.
        let text = value.description
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...])!
        }
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa = mantissa.dropFirst() }
        var integerPart = mantissa
        var fractionPart: Substring = ""
        if let dot = mantissa.firstIndex(of: ".") {
            integerPart = mantissa[..<dot]
            fractionPart = mantissa[mantissa.index(after: dot)...]
        }
        var digits = Array(integerPart + fractionPart)
        // Decimal point position relative to the digit string (value = 0.digits × 10^point).
        var point = integerPart.count + exponent
        while digits.first == "0" && digits.count > 1 {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == "0" && digits.count > 1 {
            digits.removeLast()
        }

        var out = negative ? "-" : ""
        if point > -4 && point <= 16 {
            if point <= 0 {
                out += "0." + String(repeating: "0", count: -point) + String(digits)
            } else if point >= digits.count {
                out += String(digits) + String(repeating: "0", count: point - digits.count) + ".0"
            } else {
                out += String(digits[..<point]) + "." + String(digits[point...])
            }
        } else {
            out += String(digits[0])
            if digits.count > 1 { out += "." + String(digits[1...]) }
            let e = point - 1
            out += e < 0 ? "e-" : "e+"
            let magnitude = abs(e)
            out += magnitude < 10 ? "0\(magnitude)" : "\(magnitude)"
        }
        return out
    }
}
