import EdgeInference

/// What the agent's capture closure hands to the `image_capture` operation: the frame as JPEG
/// (what the operator sees) and the preprocessed model inputs (what the model sees).
public struct CapturedFrame: Sendable {
    public var jpeg: [UInt8]
    public var inputs: [String: Tensor]
    /// Unix seconds when the frame was taken.
    public var time: Double

    public init(jpeg: [UInt8], inputs: [String: Tensor], time: Double) {
        self.jpeg = jpeg
        self.inputs = inputs
        self.time = time
    }
}
