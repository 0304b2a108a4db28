/// A size that is not `WxH` with two positive integers.
public struct ImageSizeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var value: String

    public init(value: String) {
        self.value = value
    }

    public var description: String {
        "invalid image size \"\(value)\": expected WxH with positive integers, for example 640x480"
    }
}
