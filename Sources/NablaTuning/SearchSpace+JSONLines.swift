import Foundation
import NablaNN

/// Reading a parameter-space file: the format of the official GRU4Rec's parameter spaces, which
/// describes the hyperparameters of any model.
///
/// One JSON object per line (blank lines are skipped), as the official `paropt.py` reads them:
///
/// ```
/// {"name":"layers", "dtype":"int", "values":[64,512], "step":32}
/// {"name":"learning_rate", "dtype":"float", "values":[0.01, 0.25], "step":0.005}
/// {"name":"elu_param", "dtype":"categorical", "values":[0.5, 1, 0]}
/// ```
///
/// - `int`: `values` are the two bounds (integers, `low ≤ high`), `step` defaults to 1 and must
///   divide `high − low`; `log: true` needs `low ≥ 1` and step 1.
/// - `float`: two finite bounds; an optional positive `step` that divides the range; `log: true`
///   needs `low > 0` and no step (as Optuna requires).
/// - `categorical`: a non-empty list of strings, numbers or booleans (written `True`/`False`, the
///   official parameter strings' spelling), without repeats.
///
/// Anything else (an unknown key or type, a repeated name, bad bounds) is refused with a
/// ``DataError`` naming the file, the line and the column of the offending key.
extension SearchSpace {
    /// Parses a parameter-space file's contents.
    ///
    /// - Parameters:
    ///   - data: The file's bytes (UTF-8).
    ///   - source: The file's name, for messages.
    /// - Returns: The space, in the order of its lines.
    /// - Throws: ``DataError`` located at the first bad line (and key), or naming the file when
    ///   it holds no parameter.
    public static func parse(_ data: Data, source: String) throws -> SearchSpace {
        let text = String(decoding: data, as: UTF8.self)
        var parameters: [SearchParameter] = []
        var lineOfName: [String: Int] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            let parameter = try parseLine(String(line), source: source, line: lineNumber)
            if let earlier = lineOfName[parameter.name] {
                throw DataError(file: source, line: lineNumber, column: column(of: "name", in: String(line)),
                                "parameter '\(parameter.name)' is already defined on line \(earlier)")
            }
            lineOfName[parameter.name] = lineNumber
            parameters.append(parameter)
        }
        guard !parameters.isEmpty else {
            throw DataError(file: source, "no parameter: expected one JSON object per line, such as "
                + #"{"name":"layers", "dtype":"int", "values":[64,512], "step":32}"#)
        }
        return SearchSpace(parameters)
    }

    /// Reads a parameter-space file.
    ///
    /// - Parameter url: The file.
    /// - Throws: ``DataError`` if it is not a file (a folder, a device), cannot be read, or is
    ///   malformed, with the reason in words.
    public static func read(_ url: URL) throws -> SearchSpace {
        try parse(InputFile.contents(of: url.path, describing: "parameter-space file", limit: 1 << 20), source: url.path)
    }

    /// The space written back in the same format, one line per parameter (what a journal keeps).
    public var jsonLines: String {
        parameters.map { parameter in
            let name = Self.quoted(parameter.name)
            switch parameter.domain {
            case .integer(let low, let high, let step, let log):
                return #"{"name":\#(name), "dtype":"int", "values":[\#(low), \#(high)], "step":\#(step), "log":\#(log)}"#
            case .real(let low, let high, let step, let log):
                let stepText = step.map { ", \"step\":\($0)" } ?? ""
                return #"{"name":\#(name), "dtype":"float", "values":[\#(low), \#(high)]\#(stepText), "log":\#(log)}"#
            case .categorical(let values):
                return #"{"name":\#(name), "dtype":"categorical", "values":[\#(values.map(Self.quoted).joined(separator: ", "))]}"#
            }
        }.joined(separator: "\n")
    }

    private static func quoted(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// The 1-based column where `"key"` starts on `line`, if it does.
    static func column(of key: String, in line: String) -> Int? {
        guard let range = line.range(of: "\"\(key)\"") else { return nil }
        return line.distance(from: line.startIndex, to: range.lowerBound) + 1
    }

    /// One line: a JSON object with `name`, `dtype`, `values` and optionally `step` and `log`.
    static func parseLine(_ line: String, source: String, line lineNumber: Int) throws -> SearchParameter {
        func failure(_ key: String?, _ message: String) -> DataError {
            DataError(file: source, line: lineNumber, column: key.flatMap { column(of: $0, in: line) }, message)
        }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw failure(nil, "expected a JSON object such as {\"name\":\"layers\", \"dtype\":\"int\", \"values\":[64,512]}")
            }
            object = parsed
        } catch let error as DataError {
            throw error
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
            throw failure(nil, "not valid JSON (\(detail)); expected one object per line")
        }
        let known = ["name", "dtype", "values", "step", "log"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw failure(unknown, "unknown key '\(unknown)'; the keys are \(known.joined(separator: ", "))")
        }
        guard let name = object["name"] as? String, !name.isEmpty,
              name.allSatisfy({ !$0.isWhitespace && $0 != "," && $0 != "=" }) else {
            throw failure(object["name"] == nil ? nil : "name", "'name' must be a non-empty string without spaces, commas or '='")
        }
        guard let dtype = object["dtype"] as? String, ["int", "float", "categorical"].contains(dtype) else {
            throw failure(object["dtype"] == nil ? nil : "dtype", "parameter '\(name)': 'dtype' must be int, float or categorical")
        }
        guard let values = object["values"] as? [Any] else {
            throw failure(object["values"] == nil ? nil : "values", "parameter '\(name)': 'values' must be a list")
        }
        let log: Bool
        switch object["log"] {
        case nil: log = false
        case let flag as Bool where isBoolean(object["log"]!): log = flag
        default: throw failure("log", "parameter '\(name)': 'log' must be true or false")
        }
        let step: Double?
        switch object["step"] {
        case nil, is NSNull: step = nil
        case let number as NSNumber where !isBoolean(number) && number.doubleValue.isFinite && number.doubleValue > 0:
            step = number.doubleValue
        default: throw failure("step", "parameter '\(name)': 'step' must be a positive number")
        }

        switch dtype {
        case "categorical":
            guard !values.isEmpty else { throw failure("values", "parameter '\(name)': 'values' must list at least one value") }
            if object["step"] != nil || object["log"] != nil {
                throw failure(object["step"] != nil ? "step" : "log", "parameter '\(name)': a categorical parameter takes no 'step' or 'log'")
            }
            var texts: [String] = []
            for value in values {
                guard let text = categoryText(value) else {
                    throw failure("values", "parameter '\(name)': categories must be strings, numbers or booleans")
                }
                guard !texts.contains(text) else { throw failure("values", "parameter '\(name)': the category \(text) is listed twice") }
                guard !text.isEmpty, !text.contains(","), !text.contains("=") else {
                    throw failure("values", "parameter '\(name)': the category '\(text)' cannot stand in a parameter string")
                }
                texts.append(text)
            }
            return SearchParameter(name: name, domain: .categorical(texts))
        case "int":
            let bounds = values.compactMap { $0 as? NSNumber }.filter { !isBoolean($0) }
            guard values.count == 2, bounds.count == 2,
                  bounds.allSatisfy({ abs($0.doubleValue) <= 1e15 && $0.doubleValue == $0.doubleValue.rounded() }) else {
                throw failure("values", "parameter '\(name)': an int parameter's 'values' must be two integers [low, high] "
                    + "of at most 10^15 in size")
            }
            let (low, high) = (Int(bounds[0].doubleValue), Int(bounds[1].doubleValue))
            guard low <= high else { throw failure("values", "parameter '\(name)': low \(low) is above high \(high)") }
            let stepValue = step ?? 1
            guard stepValue == stepValue.rounded(), stepValue <= Double(Int32.max) else {
                throw failure("step", "parameter '\(name)': an int parameter's 'step' must be a positive integer")
            }
            let integerStep = Int(stepValue)
            guard (high - low) % integerStep == 0 else {
                throw failure("step", "parameter '\(name)': the range \(low)…\(high) is not a whole number of steps of \(integerStep)")
            }
            if log {
                guard low >= 1 else { throw failure("log", "parameter '\(name)': a log scale needs low ≥ 1, not \(low)") }
                guard integerStep == 1 else { throw failure("log", "parameter '\(name)': a log scale takes no step other than 1") }
            }
            return SearchParameter(name: name, domain: .integer(low: low, high: high, step: integerStep, log: log))
        default:
            let bounds = values.compactMap { $0 as? NSNumber }.filter { !isBoolean($0) }.map(\.doubleValue)
            guard values.count == 2, bounds.count == 2, bounds.allSatisfy({ abs($0) <= 1e300 }) else {
                throw failure("values", "parameter '\(name)': a float parameter's 'values' must be two numbers [low, high] "
                    + "of at most 10^300 in size")
            }
            let (low, high) = (bounds[0], bounds[1])
            guard low <= high else { throw failure("values", "parameter '\(name)': low \(low) is above high \(high)") }
            if let step {
                let steps = (high - low) / step
                guard abs(steps - steps.rounded()) < 1e-6 else {
                    throw failure("step", "parameter '\(name)': the range \(low)…\(high) is not a whole number of steps of \(step)")
                }
            }
            if log {
                guard low > 0 else { throw failure("log", "parameter '\(name)': a log scale needs low > 0, not \(low)") }
                guard step == nil else { throw failure("log", "parameter '\(name)': a log scale takes no step") }
            }
            return SearchParameter(name: name, domain: .real(low: low, high: high, step: step, log: log))
        }
    }

    /// A category's text: strings as they are, booleans as `True`/`False`, numbers in their
    /// shortest form (`0.5`, `1`).
    static func categoryText(_ value: Any) -> String? {
        if let string = value as? String { return string }
        guard let number = value as? NSNumber else { return nil }
        if isBoolean(number) { return number.boolValue ? "True" : "False" }
        let double = number.doubleValue
        guard double.isFinite else { return nil }
        if let integer = Int(exactly: double) { return String(integer) }
        return "\(double)"
    }

    /// Whether a value JSONSerialization produced is a JSON `true`/`false`.
    static func isBoolean(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }
}
