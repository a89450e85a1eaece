import CGraphviz
import Foundation
import NablaNN
import Synchronization

/// The output formats Graphviz renders to.
public enum GraphvizFormat: String, Sendable, CaseIterable {
    /// Scalable vector graphics (XML text).
    case svg
    /// A raster image.
    case png
    /// A PDF document (through Graphviz's cairo plugin).
    case pdf
}

/// A failure reported by Graphviz: a DOT syntax error, a failed layout or render.
public struct GraphvizError: Error, CustomStringConvertible, Equatable {
    /// What Nabla was doing: parsing, layout or rendering.
    public let stage: String
    /// Graphviz's own message(s), as it reported them.
    public let message: String

    /// `stage: message`.
    public var description: String { "Graphviz \(stage) failed: \(message)" }
}

/// Lays out and renders DOT text in-process with libgvc, Graphviz's library.
///
/// libgvc is not thread-safe, so every call goes through one lock. Each render frees its layout,
/// its graph and its output buffer, so memory stays flat however many graphs are drawn. Graphviz's
/// error messages are captured (with `agseterrf`) and thrown as ``GraphvizError`` instead of
/// being printed to standard error.
///
/// ```swift
/// let dot = "digraph { a -> b }"
/// let svg = try Graphviz.render(dot: dot, format: .svg)            // the picture's bytes
/// try Graphviz.render(dot: dot, format: .png, to: URL(fileURLWithPath: "graph.png"))
/// ```
public enum Graphviz {
    /// Renders `dot` to `format` in memory.
    ///
    /// - Throws: ``GraphvizError`` with Graphviz's message when the text does not parse or the
    ///   layout or rendering fails.
    public static func render(dot: String, format: GraphvizFormat) throws -> [UInt8] {
        try render(dot: dot, formatName: format.rawValue)
    }

    /// Graphviz's `plain` text output of `dot`: one line per node with its centre in inches.
    static func renderPlain(dot: String) throws -> [UInt8] {
        try render(dot: dot, formatName: "plain")
    }

    /// Renders `dot` to the Graphviz output format named `formatName`, in memory.
    private static func render(dot: String, formatName: String) throws -> [UInt8] {
        try library.withLock { context in
            try context.withLaidOutGraph(dot) { graph in
                var data: UnsafeMutablePointer<CChar>?
                var length: UInt32 = 0
                let status = nabla_gv_render_data(context.handle, graph, formatName, &data, &length)
                defer { if let data { nabla_gv_free_data(data) } }
                guard status == 0, let data else {
                    throw GraphvizError(stage: "rendering to \(formatName)", message: context.takeMessages() ?? "status \(status)")
                }
                return [UInt8](UnsafeRawBufferPointer(start: data, count: Int(length)))
            }
        }
    }

    /// Renders `dot` to `format` in memory, then writes the file at `url` atomically (a
    /// temporary file renamed into place: a symbolic link at `url` is replaced, never followed;
    /// a folder or a special file there is refused).
    ///
    /// - Throws: ``GraphvizError``, or `SafeTensorsError.io(path:detail:)` (NablaNN) when the file
    ///   cannot be written.
    public static func render(dot: String, format: GraphvizFormat, to url: URL) throws {
        try AtomicFile.write(render(dot: dot, format: format), to: url)
    }

    /// The one libgvc context, behind the lock that serialises every call into the library.
    private static let library = Mutex(GraphvizContext())
}

/// Graphviz's messages, collected by the C error handler while the lock is held.
private let collectedMessages = Mutex<[String]>([])

/// Receives Graphviz's error and warning text (installed with `agseterrf`).
private let collectMessage: @convention(c) (UnsafeMutablePointer<CChar>?) -> Int32 = { message in
    guard let message else { return 0 }
    let text = String(cString: message)
    collectedMessages.withLock { $0.append(text) }
    return 0
}

/// Owns the libgvc context; only used under ``Graphviz``'s lock.
private final class GraphvizContext: @unchecked Sendable {
    let handle: OpaquePointer

    init() {
        handle = gvContext()
        nabla_gv_set_error_handler(collectMessage)
    }

    /// Parses and lays out `dot`, runs `body` on the graph, then frees the layout and the graph.
    func withLaidOutGraph<Result>(_ dot: String, _ body: (UnsafeMutablePointer<Agraph_t>) throws -> Result) throws -> Result {
        _ = takeMessages()
        guard let graph = nabla_gv_read(dot) else {
            throw GraphvizError(stage: "parsing DOT", message: takeMessages() ?? "the text is not a graph")
        }
        defer { agclose(graph) }
        guard nabla_gv_layout(handle, graph, "dot") == 0 else {
            throw GraphvizError(stage: "layout", message: takeMessages() ?? "the dot engine gave up")
        }
        defer { gvFreeLayout(handle, graph) }
        return try body(graph)
    }

    /// What Graphviz reported since the last call (it sends a message in pieces), on one line,
    /// or `nil` if it reported nothing.
    func takeMessages() -> String? {
        let pieces = collectedMessages.withLock { messages in
            defer { messages.removeAll() }
            return messages
        }
        let text = pieces.joined().split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
            .replacingOccurrences(of: " :", with: ":")
        return text.isEmpty ? nil : text
    }
}
