// The `narm` command: every tool of the command-line library for NARM.
//
//     narm train --train train.tsv --test test.tsv -p @demo --save narm.safetensors
import ArgumentParser
import NablaCommandLine

@main
struct NARMCommand: SessionModelCommandLine {
    static let configuration = CommandConfiguration(
        commandName: "narm", abstract: "Train, evaluate, query, explain and tune NARM, the neural attentive session recommender.",
        subcommands: SessionModelCommands<NARMCommandLine>.all)
}
