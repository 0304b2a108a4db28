import CMosquitto

#if canImport(Glibc)
import Glibc
#endif

/// An MQTT failure with the libmosquitto code and what was being attempted.
///
/// Equality compares the code only.
public struct MQTTError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case invalidArgument, connect, refused, publish, subscribe, timeout, disconnected, library
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A topic, payload or option was not acceptable.
        public static let invalidArgument = Code(.invalidArgument)
        /// The broker could not be reached.
        public static let connect = Code(.connect)
        /// The broker refused the connection (credentials, protocol, identifier).
        public static let refused = Code(.refused)
        public static let publish = Code(.publish)
        public static let subscribe = Code(.subscribe)
        /// An acknowledgement did not arrive in time.
        public static let timeout = Code(.timeout)
        /// The client is not connected or was shut down.
        public static let disconnected = Code(.disconnected)
        /// libmosquitto failed in a way that is not about the broker.
        public static let library = Code(.library)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    /// libmosquitto's return code (`MOSQ_ERR_*`) or CONNACK code, when there is one.
    public var libraryCode: Int32?

    public init(code: Code, message: String, libraryCode: Int32? = nil) {
        self.code = code
        self.message = message
        self.libraryCode = libraryCode
    }

    /// Wraps a `MOSQ_ERR_*` return code with what was being done.
    static func library(_ code: Code, _ rc: Int32, _ doing: String) -> MQTTError {
        let text: String
        if rc == Int32(cmosq_err_errno) {
            text = String(cString: strerror(errno))
        } else {
            text = String(cString: mosquitto_strerror(rc))
        }
        return MQTTError(code: code, message: "\(doing): \(text)", libraryCode: rc)
    }

    public var description: String { message }
}

extension MQTTError: Equatable {
    public static func == (lhs: MQTTError, rhs: MQTTError) -> Bool { lhs.code == rhs.code }
}
