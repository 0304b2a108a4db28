/// Versions of models or flows under `<root>/<name>/<version>/`, with `active` and `previous`
/// symlinks per name.
///
/// Crash safety rests on three rules (see docs/operations.md, "Store layout"):
/// 1. A version directory only appears by renaming a fully fsynced staging directory, so every
///    `<version>/` present is complete.
/// 2. Pointers change by renaming a fresh symlink over the old one, then fsyncing `<name>/`.
///    `previous` is switched before `active`, so a crash between the two leaves
///    `previous == active`: still consistent, the old version still serving.
/// 3. A version is removed by renaming it to a dot-name first, so a crash mid-delete leaves
///    only a leftover that ``recover(name:)`` deletes.
public struct ArtifactStore: Sendable {
    public static let activePointer = "active"
    public static let previousPointer = "previous"

    public let root: String
    public let kind: ArtifactKind
    /// For flows: the directory the flow engine watches; the active version is linked there.
    public let publishDirectory: String?
    let fault: StoreFaultHook?

    public init(root: String, kind: ArtifactKind, publishDirectory: String? = nil, fault: StoreFaultHook? = nil) {
        self.root = root
        self.kind = kind
        self.publishDirectory = publishDirectory
        self.fault = fault
    }

    /// Names and versions: `[A-Za-z0-9._+-]`, 1...128 characters, not starting with a dot and
    /// not a pointer name, so they can never climb out of the store or shadow a pointer.
    public static func validate(_ value: String, field: String) throws(StoreError) {
        let allowed = value.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == 0x2E || c == 0x5F || c == 0x2D || c == 0x2B
        }
        guard allowed, (1...128).contains(value.utf8.count), !value.hasPrefix("."),
            value != activePointer, value != previousPointer
        else {
            throw StoreError(
                code: .invalidName,
                message: "\(field) '\(value)' must be 1-128 of [A-Za-z0-9._+-], not starting with '.'"
            )
        }
    }

    func directory(of name: String) -> String { root + "/" + name }

    func step(_ step: StoreStep) throws(StoreError) {
        try fault?(step)
    }

    // MARK: Queries

    /// Names with at least one installed version.
    public func names() throws(StoreError) -> [String] {
        guard Durable.isDirectory(root) else { return [] }
        return try Durable.list(root).filter { !$0.hasPrefix(".") && !((try? versions(of: $0)) ?? []).isEmpty }
    }

    /// Installed versions of `name`, sorted; leftovers of interrupted operations are not versions.
    public func versions(of name: String) throws(StoreError) -> [String] {
        try Self.validate(name, field: "name")
        let dir = directory(of: name)
        guard Durable.isDirectory(dir) else { return [] }
        return try Durable.list(dir).filter {
            !$0.hasPrefix(".") && $0 != Self.activePointer && $0 != Self.previousPointer
                && Durable.isDirectory(dir + "/" + $0)
        }
    }

    /// The version `active` points at, nil when none.
    public func active(_ name: String) throws(StoreError) -> String? {
        try pointer(Self.activePointer, of: name)
    }

    public func previous(_ name: String) throws(StoreError) -> String? {
        try pointer(Self.previousPointer, of: name)
    }

    func pointer(_ pointer: String, of name: String) throws(StoreError) -> String? {
        try Self.validate(name, field: "name")
        let link = directory(of: name) + "/" + pointer
        guard let target = Durable.readLink(link), Durable.isDirectory(directory(of: name) + "/" + target) else {
            return nil
        }
        return target
    }

    /// The directory of the active version, for the agent to load from.
    public func activePath(_ name: String) throws(StoreError) -> String? {
        try active(name).map { directory(of: name) + "/" + $0 }
    }

    public func path(of name: String, version: String) -> String { directory(of: name) + "/" + version }
}
