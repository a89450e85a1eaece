import ArgumentParser
import Foundation
import NablaNN

/// Every file a command writes is claimed here before any long work starts (see
/// ``OutputPath``): special files and folders are refused by name, so is an input of the same
/// run, an existing file without `--overwrite`, and a name or folder the write would fail on;
/// then the path is locked against other runs. The write itself is always atomic
/// (``AtomicFile``, or ``FileSet`` for files that belong together).
package enum OutputFiles {
    /// Checks and locks `path`, named by `option`: it may replace an existing file only when
    /// `overwrite`; it must be none of `inputs`. `existing` phrases the refusal of an existing
    /// file when the command has a better remedy than `--overwrite` alone.
    package static func claim(_ path: String, option: String, overwrite: Bool, inputs: [OutputPath.Input] = [],
                      existing: String? = nil) throws {
        do {
            try OutputPath.check(path, mayReplace: overwrite, inputs: inputs)
            try OutputPath.lock(path)
        } catch let problem as OutputPath.Problem {
            if problem.kind == .exists, let existing { throw ValidationError("\(option) \(path) \(existing)") }
            throw message(problem, option: option)
        }
    }

    /// Checks and locks `folder`, named by `option`, for the set of files `names` written there
    /// together (see ``FileSet``).
    package static func claimSet(_ folder: String, names: [String], option: String, overwrite: Bool, inputs: [OutputPath.Input]) throws {
        do {
            try FileSet(names: names).check(folder, mayReplace: overwrite, inputs: inputs)
            try OutputPath.lock(folder)
        } catch let problem as OutputPath.Problem {
            throw message(problem, option: option)
        }
    }

    /// Throws unless a file can be written at `path` (replacing one there if need be): see
    /// ``OutputPath/check(_:mayReplace:inputs:)``.
    package static func checkWritable(_ path: String, option: String) throws {
        do { try OutputPath.check(path, mayReplace: true) } catch let problem as OutputPath.Problem { throw message(problem, option: option) }
    }

    /// Holds an exclusive lock on `path` for as long as the process runs (see ``OutputPath/lock(_:)``).
    package static func lock(_ path: String, option: String) throws {
        do { try OutputPath.lock(path) } catch let problem as OutputPath.Problem { throw message(problem, option: option) }
    }

    /// Whether `first` and `second` name the same file: the same device and inode when both
    /// exist, else the same standardised path.
    package static func sameFile(_ first: String, _ second: String) -> Bool {
        if let a = OutputPath.identity(first), let b = OutputPath.identity(second) { return a == b }
        return URL(fileURLWithPath: first).standardizedFileURL == URL(fileURLWithPath: second).standardizedFileURL
    }

    /// `problem` as the command's error, naming the option.
    private static func message(_ problem: OutputPath.Problem, option: String) -> ValidationError {
        if problem.kind == .locked {
            return ValidationError("\(option) \(problem.description.replacingOccurrences(of: "another run", with: "another \(programName) run"))")
        }
        return ValidationError("\(option) \(problem)")
    }
}
