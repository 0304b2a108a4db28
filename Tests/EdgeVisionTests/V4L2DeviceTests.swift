import EdgeVision
import Testing

@Suite("V4L2 device errors and FourCC")
struct V4L2DeviceTests {
    @Test func missingDeviceNamesPathAndErrno() throws {
        let error = try #require(throws: V4L2Error.self) { try V4L2Device(path: "/dev/video-does-not-exist") }
        #expect(error.code == .noDevice)
        #expect(error.device == "/dev/video-does-not-exist")
        #expect(error.operation == "open")
        #expect(error.description.contains("/dev/video-does-not-exist"))
        #expect(error.errno != nil)
    }

    @Test func nonV4L2FileIsRejected() throws {
        let error = try #require(throws: V4L2Error.self) { try V4L2Device(path: "/dev/null") }
        #expect(error.code == .notV4L2)
        #expect(error.operation == "VIDIOC_QUERYCAP")
        #expect(error.description.contains("/dev/null"))
    }

    @Test func listOfEmptyDirectoryIsEmpty() {
        #expect(V4L2Device.list(devRoot: "/nonexistent-dev-root").isEmpty)
    }

    @Test(arguments: [("YUYV", 0x5659_5559 as UInt32), ("MJPG", 0x4750_4A4D), ("GREY", 0x5945_5247)])
    func fourccPacksLittleEndian(code: String, raw: UInt32) {
        #expect(FourCC(code).rawValue == raw)
        #expect(FourCC(rawValue: raw).description == code)
    }

    @Test(arguments: [("mjpeg", "MJPG"), ("gray", "GREY"), ("rgb24", "RGB3"), ("yuyv", "YUYV"), ("nv12", "NV12")])
    func fourccUserNames(name: String, code: String) throws {
        #expect(try #require(FourCC(userName: name)).description == code)
    }
}
