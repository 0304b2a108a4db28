#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes frames as `frame-NNNNNN.png` plus one `labels.csv` row each.
///
/// `labels.csv` columns: `file,part,label,bbox_x,bbox_y,bbox_w,bbox_h` (pixels, top-left
/// origin; the bbox fields are empty for "ok"). Not thread-safe: one writer per task.
public final class SyntheticDatasetWriter {
    public static let labelsHeader = "file,part,label,bbox_x,bbox_y,bbox_w,bbox_h"

    public let directory: String
    private var labels: UnsafeMutablePointer<FILE>?
    private let labelsPath: String

    /// Creates `directory` (and its parents) and starts `labels.csv`.
    /// - Throws: ``SyntheticDatasetError`` if labels.csv already exists or nothing can be created.
    public init(directory: String) throws(SyntheticDatasetError) {
        self.directory = directory
        self.labelsPath = directory.hasSuffix("/") ? directory + "labels.csv" : directory + "/labels.csv"
        try Self.makeDirectories(directory)
        if access(labelsPath, F_OK) == 0 {
            throw SyntheticDatasetError(
                code: .outputExists,
                file: labelsPath,
                reason: "refusing to overwrite; choose an empty directory"
            )
        }
        guard let file = fopen(labelsPath, "wx") else {
            throw SyntheticDatasetError(code: .io, file: labelsPath, reason: "cannot create: \(Self.errnoText())")
        }
        labels = file
        try append(Self.labelsHeader)
    }

    deinit {
        if let labels { fclose(labels) }
    }

    /// The file name of frame `index`: at least six digits, so names sort in frame order.
    public static func fileName(index: Int) -> String {
        let digits = String(index)
        return "frame-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".png"
    }

    /// The labels.csv row of a frame (without newline).
    public static func labelsRow(fileName: String, truth: SyntheticGroundTruth) -> String {
        var row = "\(fileName),\(truth.part.rawValue),\(truth.label.name),"
        if let box = truth.box {
            row += "\(box.x),\(box.y),\(box.width),\(box.height)"
        } else {
            row += ",,,"
        }
        return row
    }

    public func write(_ frame: SyntheticFrame) throws {
        // Sensor noise defeats LZ matching: Huffman-only is faster and smaller here.
        let png = try frame.image.pngData(compression: .noisyImage)
        try write(index: frame.index, truth: frame.truth, png: png)
    }

    /// Writes an already encoded frame (encoding is the expensive part; callers may run it
    /// in parallel and write in order).
    public func write(index: Int, truth: SyntheticGroundTruth, png: [UInt8]) throws {
        let name = Self.fileName(index: index)
        try BinaryFile.write(png, to: directory + "/" + name)
        try append(Self.labelsRow(fileName: name, truth: truth))
    }

    /// Flushes and closes labels.csv; call once after the last frame.
    public func finish() throws(SyntheticDatasetError) {
        guard let file = labels else { return }
        labels = nil
        guard fclose(file) == 0 else {
            throw SyntheticDatasetError(code: .io, file: labelsPath, reason: "close failed: \(Self.errnoText())")
        }
    }

    private func append(_ line: String) throws(SyntheticDatasetError) {
        guard let labels, fputs(line + "\n", labels) >= 0 else {
            throw SyntheticDatasetError(code: .io, file: labelsPath, reason: "write failed: \(Self.errnoText())")
        }
    }

    /// `mkdir -p`: existing directories are fine, anything else in the way is an error.
    private static func makeDirectories(_ path: String) throws(SyntheticDatasetError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw SyntheticDatasetError(code: .io, file: prefix, reason: "cannot create directory: \(errnoText())")
            }
            prefix += "/"
        }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw SyntheticDatasetError(code: .io, file: path, reason: "not a directory")
        }
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
