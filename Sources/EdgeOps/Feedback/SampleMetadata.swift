/// What is known about a spooled sample; stored next to its JPEG as JSON.
public struct SampleMetadata: Codable, Sendable, Equatable {
    /// The Cumulocity event type, e.g. `edgemlops_sample`, `edgemlops_capture`.
    public var type: String
    /// The event text shown in Cumulocity.
    public var text: String
    /// Unix seconds when the frame was taken.
    public var time: Double
    public var model: String?
    public var version: String?
    public var label: String?
    public var confidence: Double?
    /// Set once the event exists in Cumulocity, so a retry uploads the image to the same event.
    public var eventID: String?

    public init(
        type: String,
        text: String,
        time: Double,
        model: String? = nil,
        version: String? = nil,
        label: String? = nil,
        confidence: Double? = nil,
        eventID: String? = nil
    ) {
        self.type = type
        self.text = text
        self.time = time
        self.model = model
        self.version = version
        self.label = label
        self.confidence = confidence
        self.eventID = eventID
    }
}
