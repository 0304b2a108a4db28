/// A runtime failure reported as one line, without the usage text ArgumentParser adds to
/// `ValidationError` (the arguments were fine; the device was not).
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
