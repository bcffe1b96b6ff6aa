import ArgumentParser

@main
struct Callscope: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callscope",
        abstract: "Self-hosted session analytics for WebRTC calls.",
        subcommands: [Serve.self, Simulate.self, Bench.self, Report.self, Import.self],
        defaultSubcommand: Serve.self)
}
