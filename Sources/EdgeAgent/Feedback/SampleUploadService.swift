import EdgeOps
import Foundation
import Logging
import ServiceLifecycle

/// Uploads the sample spool to Cumulocity through thin-edge's c8y proxy: first resolves the
/// device's managed object id from its external id (`GET /c8y/identity/externalIds/c8y_Serial/<id>`,
/// retried with back-off while the proxy or the cloud is unreachable), then runs
/// ``EdgeOps/SampleUploader`` (event + JPEG per sample, oldest first) until shutdown.
public final class SampleUploadService: Service, CustomStringConvertible {
    public let spool: SampleSpool
    public let client: HTTPClient
    public let externalID: String
    let logger: Logger

    public var description: String { "sample upload" }

    public init(spool: SampleSpool, client: HTTPClient, externalID: String, logger: Logger) {
        self.spool = spool
        self.client = client
        self.externalID = externalID
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var backoff = Duration.seconds(1)
            var source: String?
            while source == nil && !Task.isCancelled {
                do {
                    source = try self.resolveSource()
                } catch {
                    self.logger.warning(
                        "cannot resolve the device in Cumulocity yet; samples stay in the spool",
                        metadata: ["samples.external_id": "\(self.externalID)", "error": "\(error)", "retry_in": "\(backoff)"])
                    try? await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, .seconds(300))
                }
            }
            guard let source else { return }
            self.logger.info("uploading samples", metadata: ["samples.source": "\(source)"])
            let uploader = SampleUploader(spool: self.spool, client: self.client, source: source, logger: self.logger)
            await uploader.run()
        }
    }

    /// The managed object id of `externalID` (type `c8y_Serial`).
    func resolveSource() throws -> String {
        let escaped = externalID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? externalID
        let path = "/c8y/identity/externalIds/c8y_Serial/\(escaped)"
        let response = try client.send(method: "GET", path: path)
        guard response.status == 200 else {
            throw HTTPError(code: .status, message: "HTTP \(response.status) for the device's external id", url: path)
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            let managed = object["managedObject"] as? [String: Any], let id = managed["id"] as? String
        else {
            throw HTTPError(code: .malformedResponse, message: "no managedObject.id in the identity response", url: path)
        }
        return id
    }
}
