import CMosquitto

/// Topic-name and filter rules, checked before anything is sent.
public enum MQTTTopic {
    /// Whether `topic` matches subscription `filter` (with `+` and `#` wildcards).
    public static func matches(filter: String, topic: String) -> Bool {
        var result = false
        return mosquitto_topic_matches_sub(filter, topic, &result) == cmosq_err_success && result
    }

    /// Throws unless `topic` is a valid topic to publish to (non-empty, no wildcards, UTF-8, ≤ 65,535 bytes).
    public static func validatePublish(_ topic: String) throws(MQTTError) {
        guard !topic.isEmpty, mosquitto_pub_topic_check(topic) == cmosq_err_success, topic.utf8.count <= 65_535 else {
            throw MQTTError(code: .invalidArgument, message: "'\(topic)' is not a valid MQTT topic to publish to")
        }
    }

    /// Throws unless `filter` is a valid subscription filter.
    public static func validateSubscribe(_ filter: String) throws(MQTTError) {
        guard !filter.isEmpty, mosquitto_sub_topic_check(filter) == cmosq_err_success else {
            throw MQTTError(code: .invalidArgument, message: "'\(filter)' is not a valid MQTT subscription filter")
        }
    }
}
