/// One `[[pipelines]]` entry: camera → trigger → preprocess (ROI) → model → flows.
public struct PipelineConfiguration: Sendable, Hashable {
    /// `camera`: `"synthetic"`, a V4L2 device under `/dev/`, or a directory of images.
    public enum Camera: Sendable, Hashable {
        case synthetic
        case device(String)
        case imageDirectory(String)
    }

    /// `trigger`: when a frame is taken for inference.
    public enum Trigger: Sendable, Hashable {
        /// Every frame the camera delivers (the newest, when inference is slower).
        case continuous
        /// `period_ms`
        case periodic(milliseconds: Int)
        /// A message on `mqtt_topic`.
        case mqtt(topic: String)
        /// A rising edge on `gpio_chip` line `gpio_line`.
        case gpio(chip: String, line: Int)
        /// A flow's `capture` output (a software condition: another pipeline's verdict, a
        /// command, a counter), addressed to this pipeline or to every `flow` pipeline.
        case flow
    }

    public enum TriggerKind: String, Sendable, CaseIterable {
        case continuous, periodic, mqtt, gpio, flow
    }

    /// `roi = [x, y, width, height]` in camera pixels.
    public struct RegionOfInterest: Sendable, Hashable {
        public var x: Int
        public var y: Int
        public var width: Int
        public var height: Int

        public init(x: Int, y: Int, width: Int, height: Int) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }
    }

    public var name: String
    public var camera: Camera
    public var width: Int
    public var height: Int
    public var fps: Int
    public var trigger: Trigger
    public var roi: RegionOfInterest?
    /// `model`: a name in the model store, or a path to an `.onnx` file (contains `/`).
    public var model: String
    /// `threads`: inference threads for this pipeline.
    public var threads: Int
    /// `flows`: directory of `*.lua` flows fed by this pipeline's results.
    public var flowsDirectory: String
    /// `trigger_delay_ms` (mqtt, gpio): the part's travel from the sensor into the field of view;
    /// the frame taken is the first one exposed at or after event time + delay.
    public var triggerDelayMilliseconds: Int
    /// `trigger_timeout_ms` (mqtt, gpio): how long to wait for that frame before the trigger
    /// counts as missed.
    public var triggerTimeoutMilliseconds: Int
    /// `trigger_queue` (mqtt, gpio): how many triggered frames may wait for inference; each is
    /// a part, so they are inspected in order, and only a longer backlog drops the oldest.
    public var triggerQueue: Int

    public init(
        name: String, camera: Camera, width: Int = 640, height: Int = 480, fps: Int = 15,
        trigger: Trigger = .continuous, roi: RegionOfInterest? = nil, model: String, threads: Int = 1,
        flowsDirectory: String = "/etc/edgemlops/flows", triggerDelayMilliseconds: Int = 0,
        triggerTimeoutMilliseconds: Int = 1000, triggerQueue: Int = 16
    ) {
        self.name = name
        self.camera = camera
        self.width = width
        self.height = height
        self.fps = fps
        self.trigger = trigger
        self.roi = roi
        self.model = model
        self.threads = threads
        self.flowsDirectory = flowsDirectory
        self.triggerDelayMilliseconds = triggerDelayMilliseconds
        self.triggerTimeoutMilliseconds = triggerTimeoutMilliseconds
        self.triggerQueue = triggerQueue
    }
}
