import Foundation

/// Runs the example programs that `swift build` put beside the test bundle.
public enum ExampleRunner {
    /// What a finished example printed, and how it ended.
    public struct Result: Sendable {
        /// The exit status.
        public let status: Int32
        /// Standard output.
        public let output: String
        /// Standard error.
        public let errors: String
    }

    /// The folder holding the built products: the one the test bundle itself was built into.
    public static var productsFolder: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// Runs the example `name` with `arguments` in `directory`, with `environment` added to this
    /// process's environment, and waits for it.
    public static func run(_ name: String, arguments: [String] = [], in directory: URL? = nil,
                           environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = productsFolder.appendingPathComponent(name)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        return try finish(process)
    }

    /// Runs the example `name` with `arguments` after a bash `prologue` that sets what the
    /// example inherits: resource limits (`ulimit -f 1024`, `ulimit -v 400000`) or signals to
    /// ignore (`trap '' XFSZ`).
    public static func run(_ name: String, arguments: [String] = [], after prologue: String) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "\(prologue); exec \"$0\" \"$@\"", productsFolder.appendingPathComponent(name).path] + arguments
        return try finish(process)
    }

    /// Runs a `/bin/sh` script in which `$GRU4REC` is the built `gru4rec` command (for pipes
    /// into it and limits on it).
    public static func shell(_ script: String) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["GRU4REC": productsFolder.appendingPathComponent("gru4rec").path]) { $1 }
        return try finish(process)
    }

    /// Starts `process` with its output collected, and waits for it to end.
    private static func finish(_ process: Process) throws -> Result {
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      output: String(decoding: outputData, as: UTF8.self),
                      errors: String(decoding: errorData, as: UTF8.self))
    }
}
