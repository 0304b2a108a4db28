#if canImport(Glibc)
import Glibc
#endif

/// Facts about this process used in client ids and health messages.
public enum ProcessIdentity {
    public static var pid: Int32 { getpid() }
}
