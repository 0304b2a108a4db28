/// MQTT delivery guarantee of a message or subscription.
public enum MQTTQoS: Int32, Sendable, Hashable, CaseIterable, Codable {
    case atMostOnce = 0
    case atLeastOnce = 1
    case exactlyOnce = 2
}
