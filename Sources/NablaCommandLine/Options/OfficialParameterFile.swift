import Foundation
import NablaNN

/// Reads the official GRU4Rec's parameter files (`run.py -pf FILE`) without running them.
///
/// Such a file is Python that defines `gru4rec_params` as an `OrderedDict` of `(name, value)`
/// pairs or as a dict literal; values are strings, `True`/`False`, numbers or lists of numbers
/// (`[100]`, `[200, 100]`). Only that literal is read: it becomes the parameter string
/// `loss=cross-entropy,layers=100,...` (a list joined by `/`, as `-ps` writes it). Anything else in
/// the value, such as a call or a name, is refused with its line and column.
///
/// ```swift
/// let parameters = try OfficialParameterFile.parameters(in: "gru4rec_params = OrderedDict([('loss', 'bpr-max'), ('layers', [100])])", file: "p.py")
/// // "loss=bpr-max,layers=100"
/// ```
package enum OfficialParameterFile {
    /// The parameter string of the file at `path`.
    package static func read(_ path: String) throws -> String {
        let data = try InputFile.contents(of: path, describing: "parameter file", limit: 1 << 20)
        guard let text = String(data: data, encoding: .utf8) else { throw DataError(file: path, "is not UTF-8 text") }
        return try parameters(in: text, file: path)
    }

    /// The parameter string of `text`, the contents of `file`.
    package static func parameters(in text: String, file: String) throws -> String {
        var reader = LiteralReader(tokens: try tokens(of: text, file: file), file: file)
        try reader.skipToAssignment(of: "gru4rec_params")
        return try reader.readParameters().map { "\($0.name)=\($0.value)" }.joined(separator: ",")
    }

    /// One token of the file, with where it starts.
    struct Token {
        enum Kind: Equatable { case name, string, number, punctuation }
        let kind: Kind
        let text: String
        let line: Int, column: Int
    }

    /// The tokens of `text`: names, quoted strings (their contents), numbers and punctuation;
    /// comments and white space dropped.
    static func tokens(of text: String, file: String) throws -> [Token] {
        var tokens: [Token] = []
        var line = 1, column = 1
        var characters = Array(text)[...]
        func advance() {
            if characters.removeFirst() == "\n" { (line, column) = (line + 1, 1) } else { column += 1 }
        }
        while let character = characters.first {
            let (startLine, startColumn) = (line, column)
            if character == "#" {
                while let next = characters.first, next != "\n" { advance() }
            } else if character.isWhitespace {
                advance()
            } else if character == "'" || character == "\"" {
                advance()
                var contents = ""
                while let next = characters.first, next != character {
                    if next == "\n" || next == "\\" {
                        throw DataError(file: file, line: startLine, column: startColumn, "a string with a line break or an escape is not supported")
                    }
                    contents.append(next)
                    advance()
                }
                guard !characters.isEmpty else { throw DataError(file: file, line: startLine, column: startColumn, "the string is not closed") }
                advance()
                tokens.append(Token(kind: .string, text: contents, line: startLine, column: startColumn))
            } else if character.isLetter || character == "_" || character.isNumber || character == "-" || character == "+" || character == "." {
                var word = ""
                while let next = characters.first, next.isLetter || next.isNumber || "_.+-".contains(next) {
                    // A sign continues a number only after an exponent (1e-3).
                    if "+-".contains(next) && !word.isEmpty && !word.lowercased().hasSuffix("e") { break }
                    word.append(next)
                    advance()
                }
                let isNumber = Double(word) != nil
                tokens.append(Token(kind: isNumber ? .number : .name, text: word, line: startLine, column: startColumn))
            } else if "()[]{},:=".contains(character) {
                advance()
                tokens.append(Token(kind: .punctuation, text: String(character), line: startLine, column: startColumn))
            } else {
                throw DataError(file: file, line: startLine, column: startColumn, "unexpected '\(character)' in a parameter file")
            }
        }
        return tokens
    }

    /// Reads the literal assigned to `gru4rec_params`, token by token.
    struct LiteralReader {
        var tokens: ArraySlice<Token>
        let file: String
        var end: (line: Int, column: Int)

        init(tokens: [Token], file: String) {
            self.tokens = tokens[...]
            self.file = file
            end = tokens.last.map { ($0.line, $0.column) } ?? (1, 1)
        }

        func error(_ message: String, at token: Token? = nil) -> DataError {
            let place = token.map { ($0.line, $0.column) } ?? end
            return DataError(file: file, line: place.0, column: place.1, message)
        }

        mutating func next(_ expected: String) throws -> Token {
            guard let token = tokens.popFirst() else { throw error("the file ends where \(expected) was expected") }
            return token
        }

        mutating func expect(_ punctuation: String) throws {
            let token = try next("'\(punctuation)'")
            guard token.kind == .punctuation && token.text == punctuation else {
                throw error("expected '\(punctuation)', found '\(token.text)'", at: token)
            }
        }

        /// Moves past `name =` at the start of a statement.
        mutating func skipToAssignment(of name: String) throws {
            while let token = tokens.first {
                tokens.removeFirst()
                if token.kind == .name && token.text == name, tokens.first?.text == "=" {
                    tokens.removeFirst()
                    return
                }
            }
            throw DataError(file: file, "defines no \(name) (the official parameter files assign it an OrderedDict)")
        }

        /// `OrderedDict([(name, value), ...])`, `dict(...)` of the same list, or `{name: value, ...}`.
        mutating func readParameters() throws -> [(name: String, value: String)] {
            let start = try next("OrderedDict([...]) or {...}")
            var pairs: [(name: String, value: String)] = []
            if start.kind == .name && (start.text == "OrderedDict" || start.text == "collections.OrderedDict" || start.text == "dict") {
                try expect("(")
                try expect("[")
                while tokens.first?.text != "]" {
                    try expect("(")
                    let name = try nameString()
                    try expect(",")
                    pairs.append((name, try value()))
                    try expect(")")
                    if tokens.first?.text == "," { tokens.removeFirst() } else { break }
                }
                try expect("]")
                try expect(")")
            } else if start.kind == .punctuation && start.text == "{" {
                while tokens.first?.text != "}" {
                    let name = try nameString()
                    try expect(":")
                    pairs.append((name, try value()))
                    if tokens.first?.text == "," { tokens.removeFirst() } else { break }
                }
                try expect("}")
            } else {
                throw error("gru4rec_params must be an OrderedDict([...]) or a {...} literal, not '\(start.text)'", at: start)
            }
            var seen: Set<String> = []
            for pair in pairs where !seen.insert(pair.name).inserted {
                throw DataError(file: file, "parameter '\(pair.name)' is given twice")
            }
            return pairs
        }

        mutating func nameString() throws -> String {
            let token = try next("a parameter name in quotes")
            guard token.kind == .string else { throw error("expected a parameter name in quotes, found '\(token.text)'", at: token) }
            return token.text
        }

        /// A string, `True`, `False`, a number, or a list of numbers joined by `/`.
        mutating func value() throws -> String {
            let token = try next("a value")
            switch token.kind {
            case .string, .number: return token.text
            case .name where token.text == "True" || token.text == "False": return token.text
            case .punctuation where token.text == "[":
                var items: [String] = []
                while tokens.first?.text != "]" {
                    let item = try next("a number")
                    guard item.kind == .number else { throw error("a list holds numbers (layers=[100, 100]), not '\(item.text)'", at: item) }
                    items.append(item.text)
                    if tokens.first?.text == "," { tokens.removeFirst() } else { break }
                }
                try expect("]")
                return items.joined(separator: "/")
            default:
                throw error("'\(token.text)' is not a value a parameter file can give (a string, True, False, a number or a list)", at: token)
            }
        }
    }
}
