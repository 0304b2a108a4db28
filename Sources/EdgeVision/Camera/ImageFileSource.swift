import Foundation
import Logging

/// Frames from an image file or a directory of images (sorted by name), looping at a set rate:
/// replay of recorded parts through the same pipeline as a live camera.
///
/// Reads PNG (zlib), JPEG (libturbojpeg) and binary PPM/PGM. Files are decoded up front, so a bad file is
/// reported at construction with its path, not in the middle of a run.
public enum ImageFileSource {
    public static let extensions: Set<String> = ["png", "ppm", "pgm", "jpg", "jpeg"]

    /// - Parameter path: a file, or a directory whose images are played in name order.
    public static func make(
        path: String, fps: Double, ringCapacity: Int = 8, logger: Logger,
        jpegDecoder: any JPEGFrameDecoding = TurboJPEGFrameDecoder()
    ) throws(PreprocessError) -> PacedFrameSource {
        let files = try listImages(path)
        var images: [Image] = []
        for file in files { images.append(try load(file, jpegDecoder: jpegDecoder)) }
        let frozen = images
        return PacedFrameSource(name: "images:\(path)", fps: fps, ringCapacity: ringCapacity, logger: logger) { index in
            CameraFrame(image: frozen[Int(index % UInt64(frozen.count))])
        }
    }

    static func listImages(_ path: String) throws(PreprocessError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PreprocessError(.invalidSpec, field: "path", value: path, detail: "no such file or directory")
        }
        guard isDirectory.boolValue else { return [path] }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
            .filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
        guard !names.isEmpty else {
            throw PreprocessError(
                .invalidSpec, field: "path", value: path, detail: "no .png/.jpg/.ppm/.pgm images in directory")
        }
        return names.map { (path as NSString).appendingPathComponent($0) }
    }

    /// Decodes one file by its content (magic bytes), not its name.
    public static func load(_ file: String, jpegDecoder: any JPEGFrameDecoding) throws(PreprocessError) -> Image {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw PreprocessError(.invalidSpec, field: "file", value: file, detail: "cannot read")
        }
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xFF, 0xD8]) {
            do { return try jpegDecoder.decode(bytes, to: .rgb8) } catch {
                throw PreprocessError(.corruptJPEG, field: "file", value: file, detail: error.detail)
            }
        }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            do { return try Image(pngData: bytes) } catch {
                throw PreprocessError(.invalidSpec, field: "file", value: file, detail: error.description)
            }
        }
        do { return try Netpbm.decode(bytes) } catch {
            throw PreprocessError(error.code, field: "file", value: file, detail: error.detail)
        }
    }
}
