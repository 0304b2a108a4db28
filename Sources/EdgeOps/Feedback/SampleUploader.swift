import Foundation
import Logging

/// Sends spooled samples to Cumulocity through thin-edge's local proxy, oldest first: creates an
/// event (`POST /c8y/event/events`), then attaches the JPEG (`POST /c8y/event/events/{id}/binaries`),
/// then deletes the sample. Images never go over MQTT (the broker caps messages at 16 KB).
///
/// The event id is saved in the sample's metadata before the image is sent, so a retry after a
/// failed image upload reuses the event instead of creating a second one. A failure stops the
/// pass; ``run()`` retries with exponential back-off until the proxy acknowledges.
public final class SampleUploader: Sendable {
    public let spool: SampleSpool
    public let client: HTTPClient
    /// The Cumulocity managed object id of the device (its external id is not accepted as `source`).
    public let source: String
    public let pathPrefix: String
    public let initialBackoff: Duration
    public let maxBackoff: Duration
    let logger: Logger

    public init(
        spool: SampleSpool,
        client: HTTPClient = HTTPClient(),
        source: String,
        pathPrefix: String = "/c8y",
        initialBackoff: Duration = .seconds(1),
        maxBackoff: Duration = .seconds(60),
        logger: Logger
    ) {
        self.spool = spool
        self.client = client
        self.source = source
        self.pathPrefix = pathPrefix
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.logger = logger
    }

    /// Uploads pending samples oldest first until the spool is empty or one fails; returns how many went.
    public func uploadPending() throws(HTTPError) -> Int {
        var uploaded = 0
        for sample in spool.samples() {
            _ = try upload(sample)
            uploaded += 1
        }
        return uploaded
    }

    /// Uploads one sample and removes it from the spool; returns the Cumulocity event id.
    @discardableResult
    public func upload(_ sample: SpooledSample) throws(HTTPError) -> String {
        var sample = sample
        let eventID: String
        if let existing = sample.metadata.eventID {
            eventID = existing
        } else {
            eventID = try createEvent(sample.metadata)
            sample.metadata.eventID = eventID
            do {
                try spool.update(sample)
            } catch {
                // Not fatal: at worst a retry creates a second event for this image.
                logger.warning("cannot record the event id", metadata: ["error": "\(error)"])
            }
        }
        guard let jpeg = FileManager.default.contents(atPath: sample.jpegPath) else {
            // The image is gone (disk trouble); the event stays without it, the sample is dropped.
            logger.error("sample image missing", metadata: ["file": "\(sample.jpegPath)"])
            spool.remove(sample)
            return eventID
        }
        let path = "\(pathPrefix)/event/events/\(eventID)/binaries"
        let response = try client.post(path, body: [UInt8](jpeg), contentType: "image/jpeg")
        guard (200..<300).contains(response.status) || response.status == 409 else {
            // 409: the event already has a binary (our previous attempt got through).
            throw HTTPError(code: .status, message: "HTTP \(response.status)", url: path)
        }
        spool.remove(sample)
        logger.debug("sample uploaded", metadata: ["event": "\(eventID)", "sample": "\(sample.id)"])
        return eventID
    }

    func createEvent(_ metadata: SampleMetadata) throws(HTTPError) -> String {
        let path = "\(pathPrefix)/event/events"
        var event: [String: Any] = [
            "type": metadata.type,
            "text": metadata.text,
            "time": Self.iso8601(metadata.time),
            "source": ["id": source],
        ]
        var fragment: [String: Any] = [:]
        if let model = metadata.model { fragment["model"] = model }
        if let version = metadata.version { fragment["version"] = version }
        if let label = metadata.label { fragment["label"] = label }
        if let confidence = metadata.confidence { fragment["confidence"] = confidence }
        if !fragment.isEmpty { event["edgemlops_sample"] = fragment }
        let body: [UInt8]
        do {
            body = [UInt8](try JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]))
        } catch {
            throw HTTPError(code: .io, message: "cannot encode the event: \(error)", url: path)
        }
        let response = try client.post(path, body: body, contentType: "application/json")
        guard (200..<300).contains(response.status) else {
            throw HTTPError(code: .status, message: "HTTP \(response.status)", url: path)
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            let id = (object["id"] as? String) ?? (object["id"] as? Int).map(String.init)
        else {
            throw HTTPError(code: .malformedResponse, message: "the response has no event 'id'", url: path)
        }
        return id
    }

    /// Uploads until cancelled: drains the spool, then polls every `idle`; after a failure waits
    /// with exponential back-off (`initialBackoff` doubling up to `maxBackoff`).
    public func run(idle: Duration = .seconds(2)) async {
        var backoff = initialBackoff
        while !Task.isCancelled {
            do {
                _ = try uploadPending()
                backoff = initialBackoff
                try? await Task.sleep(for: idle)
            } catch {
                logger.warning("sample upload failed, retrying", metadata: ["error": "\(error)", "backoff": "\(backoff)"])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, maxBackoff)
            }
        }
    }

    static func iso8601(_ time: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: time))
    }
}
