import EdgeVision
import Testing

@Suite("ImageSize parsing")
struct ImageSizeTests {
    @Test(arguments: [("640x480", 640, 480), ("128X128", 128, 128), ("1x2", 1, 2)])
    func valid(text: String, width: Int, height: Int) throws {
        #expect(try ImageSize(parsing: text) == ImageSize(width: width, height: height))
    }

    @Test(arguments: ["", "640", "640x", "x480", "0x10", "10x0", "-5x5", "64x48x3", "6.4x4", "abcxdef", "٦٤x٤٨"])
    func invalid(text: String) {
        let error = #expect(throws: ImageSizeError.self) { try ImageSize(parsing: text) }
        #expect(error?.value == text)
    }
}
