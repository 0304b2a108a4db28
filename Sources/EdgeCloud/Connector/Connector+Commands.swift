import EdgeFlows
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

extension Connector {
    /// Subscribes to our command instances and the device-wide health check, then answers them.
    ///
    /// The client renews the subscriptions itself after every reconnect.
    func serveCommands() async {
        var subscriptions: [MQTTSubscription] = []
        while !Task.isCancelled && subscriptions.isEmpty {
            do {
                try await client.waitForConnection(timeout: .seconds(30))
                subscriptions = [
                    try await client.subscribe(model.service.commandFilter),
                    try await client.subscribe(model.service.deviceHealthCheck, qos: .atMostOnce),
                ]
            } catch {
                try? await Task.sleep(for: .seconds(1))
            }
        }
        await withDiscardingTaskGroup { group in
            for subscription in subscriptions {
                group.addTask {
                    for await message in subscription { await self.handle(message) }
                }
            }
        }
    }

    /// Answers one message on a command topic.
    ///
    /// Only `init` starts work: other statuses are ours echoed back, another agent's, or ones we
    /// do not know, which thin-edge says to ignore. Bad payloads fail with a reason.
    func handle(_ message: MQTTMessage) async {
        let topics = model.service
        if message.topic == topics.healthCheck || message.topic == topics.deviceHealthCheck {
            publishLogged(model.healthUp(pid: Int(getpid()), time: clock()), priority: .state)
            return
        }
        guard let (operation, id) = topics.parseCommandTopic(message.topic) else { return }
        switch ThinEdgeCommand.parse(operation: operation, id: id, topic: message.topic, payload: message.payload) {
        case .cleared:
            return
        case .malformed(let reason):
            logger.warning(
                "malformed command",
                metadata: ["command.topic": "\(message.topic)", "command.reason": "\(reason)"]
            )
            publishLogged(ThinEdgeCommand.failure(topic: message.topic, reason: reason), priority: .state)
        case .command(let command):
            guard command.status == .initial else { return }
            guard let handler = state.withLock({ $0.handlers[operation] }) else {
                publishLogged(command.update(.failed, reason: "unknown operation '\(operation)'"), priority: .state)
                return
            }
            publishLogged(command.update(.executing), priority: .state)
            var executing = command
            executing.status = .executing
            do {
                let results = try await handler(executing)
                publishLogged(executing.update(.successful, results: results), priority: .state)
            } catch {
                publishLogged(executing.update(.failed, reason: "\(error)"), priority: .state)
            }
        }
    }
}
