import ArgumentParser
import EdgeAgent

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check libraries, CPU features, cameras, the MQTT broker and state directories."
    )

    func run() async throws {}
}
