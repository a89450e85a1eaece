import Foundation

/// The hyperparameters a search tunes, of any model, in the order of their file.
///
/// Read by ``parse(_:source:)`` from a parameter-space file, one JSON object per line, in the
/// format of the official GRU4Rec's spaces (see `SearchSpace+JSONLines.swift`). A point of the
/// space is one coordinate per parameter, in this order (see ``SearchParameter``).
public struct SearchSpace: Sendable, Equatable {
    /// The parameters, in the order of their file.
    public let parameters: [SearchParameter]

    /// A space of `parameters`.
    ///
    /// - Parameter parameters: The parameters; names must differ.
    public init(_ parameters: [SearchParameter]) {
        self.parameters = parameters
    }

    /// The `name=value,...` text of a point, in the parameters' order.
    ///
    /// - Parameter coordinates: One coordinate per parameter.
    public func parameterString(_ coordinates: [Double]) -> String {
        zip(parameters, coordinates).map { "\($0.name)=\($0.text(of: $1))" }.joined(separator: ",")
    }

    /// The value texts of a point, by parameter name.
    ///
    /// - Parameter coordinates: One coordinate per parameter.
    public func texts(_ coordinates: [Double]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: zip(parameters, coordinates).map { ($0.name, $0.text(of: $1)) })
    }
}
