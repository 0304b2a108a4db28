import EdgeCloud
import EdgeVision
import Logging

/// The event trigger of a pipeline: an ``MQTTTrigger`` on the connector's client, a
/// `GPIOEdgeTrigger` (rising edge, 10 ms debounce) on the configured chip and line, an
/// `ExternalTrigger` the flows' `capture` outputs fire (`flow`), or nil for `continuous` and
/// `periodic`, which the pipeline's relay applies to the frame stream.
public enum TriggerSourceFactory {
    public static func make(
        _ pipeline: PipelineConfiguration, client: MQTTClient, logger: Logger
    ) throws(GPIOError) -> (any TriggerSource)? {
        switch pipeline.trigger {
        case .continuous, .periodic:
            return nil
        case .mqtt(let topic):
            return MQTTTrigger(topic: topic, client: client, logger: logger)
        case .gpio(let chip, let line):
            return try GPIOEdgeTrigger(chip: chip, line: UInt32(line), edge: .rising)
        case .flow:
            return ExternalTrigger()
        }
    }
}
