// The command-line program of tutorial 6's models: every tool `gru4rec` has, for both LSTMs.
//
//     swift run custom-model lstm train --train train.tsv -p @demo --save lstm.safetensors
import ArgumentParser
import LSTMRecommenders
import NablaCommandLine

// snippet: t6-command
// Examples/CustomModelCommand/CustomModelCommand.swift
@main
struct CustomModelCommand: SessionModelCommandLine {
    static let configuration = CommandConfiguration(
        commandName: "custom-model", abstract: "Train, evaluate, query, explain and tune the LSTM recommenders.",
        subcommands: [SessionModelCommandGroup<LSTMCommandLine>.self, SessionModelCommandGroup<StackedLSTMCommandLine>.self])
}
// end snippet
