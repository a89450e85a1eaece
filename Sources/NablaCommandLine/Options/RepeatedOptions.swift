import ArgumentParser
import Foundation

/// Options are given once: a command line that gives one twice (`--loss top1 --loss bpr`, or
/// `-p a=1 --parameters b=2` under two of its names) is refused with both values, where the
/// argument parser alone would keep the last value without a word.
package enum RepeatedOptions {
    /// Stops the process with a usage error (status 64, as the argument parser's own) when
    /// `arguments` give an option of the command they run twice.
    package static func refuse(in arguments: [String], root: ParsableCommand.Type) {
        var command = root, rest = arguments[...]
        var path = [root.configuration.commandName ?? programName]
        while let first = rest.first,
              let subcommand = command.configuration.subcommands.first(where: { $0.configuration.commandName == first }) {
            command = subcommand
            path.append(first)
            rest = rest.dropFirst()
        }
        guard let message = repetition(in: Array(rest), options: options(of: command)) else { return }
        FileHandle.standardError.write(Data("Error: \(message)\n  See '\(path.joined(separator: " ")) --help' for more information.\n".utf8))
        root.exit(withError: ExitCode.validationFailure)
    }

    /// One option of a command: its spellings (`--loss`, `-p`, `-ps`) and whether it may repeat.
    package struct Option {
        package let spellings: [String]
        package let repeats: Bool
    }

    /// The options (with values) of `command`, as the argument parser describes them.
    package static func options(of command: ParsableCommand.Type) -> [Option] {
        guard let description = try? JSONSerialization.jsonObject(with: Data(command._dumpHelp().utf8)) as? [String: Any],
              let info = description["command"] as? [String: Any],
              let arguments = info["arguments"] as? [[String: Any]] else { return [] }
        return arguments.compactMap { argument in
            guard argument["kind"] as? String == "option", let names = argument["names"] as? [[String: String]] else { return nil }
            let spellings = names.compactMap { name -> String? in
                guard let text = name["name"] else { return nil }
                return name["kind"] == "long" ? "--\(text)" : "-\(text)"
            }
            return Option(spellings: spellings, repeats: argument["isRepeating"] as? Bool ?? false)
        }
    }

    /// What is wrong with the first option that `arguments` give twice, naming both values.
    package static func repetition(in arguments: [String], options: [Option]) -> String? {
        var optionBySpelling: [String: Int] = [:]
        for (index, option) in options.enumerated() { for spelling in option.spellings { optionBySpelling[spelling] = index } }
        var given: [Int: (spelling: String, value: String)] = [:]
        var index = 0
        while index < arguments.count && arguments[index] != "--" {
            let token = arguments[index]
            index += 1
            let parts = token.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard token.hasPrefix("-"), let option = optionBySpelling[parts[0]] else { continue }
            let value: String
            if parts.count == 2 {
                value = parts[1]
            } else {
                value = index < arguments.count ? arguments[index] : ""
                index += 1
            }
            if let earlier = given[option], !options[option].repeats {
                let names = earlier.spelling == parts[0] ? parts[0] : "\(earlier.spelling) (also spelled \(parts[0]))"
                return "\(names) is given twice ('\(earlier.value)' and '\(value)'); give it once"
            }
            given[option] = (parts[0], value)
        }
        return nil
    }
}
