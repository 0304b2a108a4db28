import Foundation

/// Installing, activating, rolling back, removing, collecting garbage.
extension ArtifactStore {
    /// A fresh staging directory for `name`, on the same file system as the store so the final
    /// rename is atomic. Fill it, then call ``commit(staging:name:version:)``.
    public func makeStaging(name: String, version: String) throws(StoreError) -> String {
        try Self.validate(name, field: "name")
        try Self.validate(version, field: "version")
        let staging = directory(of: name) + "/.staging-\(version)-\(getpid())"
        try Durable.removeTree(staging)
        try Durable.makeDirectory(staging)
        return staging
    }

    /// Publishes a filled staging directory as `<name>/<version>/`. Versions are immutable: when
    /// the version is already installed the staging directory is dropped and the installed one kept
    /// (installing twice is not an error for thin-edge).
    public func commit(staging: String, name: String, version: String) throws(StoreError) {
        try Self.validate(name, field: "name")
        try Self.validate(version, field: "version")
        let target = path(of: name, version: version)
        if Durable.isDirectory(target) {
            try Durable.removeTree(staging)
            return
        }
        try step(.stagedFiles)
        try Durable.fsyncTree(staging)
        try step(.versionRenamed)
        try Durable.move(staging, target)
        try Durable.fsyncPath(directory(of: name), directory: true)
        try Durable.fsyncPath(root, directory: true)
    }

    /// Makes `version` active; the version that was active becomes `previous`.
    public func activate(name: String, version: String) throws(StoreError) {
        try Self.validate(version, field: "version")
        guard try versions(of: name).contains(version) else {
            throw StoreError(
                code: .notInstalled,
                message: "\(name) \(version) is not installed",
                path: path(of: name, version: version)
            )
        }
        try checkPublishable(name: name)
        let current = try active(name)
        if current == version {
            try publish(name: name, version: version)
            return
        }
        if let current {
            try step(.previousSwitched)
            try Durable.replaceSymlink(directory(of: name) + "/" + Self.previousPointer, target: current)
        }
        try step(.activeSwitched)
        try Durable.replaceSymlink(directory(of: name) + "/" + Self.activePointer, target: version)
        try publish(name: name, version: version)
    }

    /// Swaps `active` and `previous`.
    public func rollback(name: String) throws(StoreError) -> String {
        guard let previous = try previous(name) else {
            throw StoreError(
                code: .noPrevious,
                message: "\(name) has no previous version to roll back to",
                path: directory(of: name)
            )
        }
        try activate(name: name, version: previous)
        return previous
    }

    /// Removes an installed version; never the active one. Removing an absent version is not an error.
    public func remove(name: String, version: String) throws(StoreError) {
        try Self.validate(version, field: "version")
        let target = path(of: name, version: version)
        guard Durable.isDirectory(target) else { return }
        if try active(name) == version {
            throw StoreError(
                code: .activeVersion,
                message: "\(name) \(version) is active; activate another version first",
                path: target
            )
        }
        let dir = directory(of: name)
        if try previous(name) == version {
            // The pointer goes first: a dangling `previous` must never outlive a crash.
            unlink(dir + "/" + Self.previousPointer)
            try Durable.fsyncPath(dir, directory: true)
        }
        let trash = dir + "/.trash-\(version)-\(getpid())"
        try step(.versionTrashed)
        try Durable.move(target, trash)
        try Durable.fsyncPath(dir, directory: true)
        try step(.trashDeleted)
        try Durable.removeTree(trash)
    }

    /// Deactivates and deletes every version of `name` (a flow's `remove` from the cloud).
    public func uninstall(name: String) throws(StoreError) {
        let dir = directory(of: name)
        guard Durable.isDirectory(dir) else { return }
        if let publishDirectory {
            unlink(publishDirectory + "/" + name + ".lua")
            try Durable.fsyncPath(publishDirectory, directory: true)
        }
        let trash = root + "/.trash-\(name)-\(getpid())"
        try step(.versionTrashed)
        try Durable.move(dir, trash)
        try Durable.fsyncPath(root, directory: true)
        try step(.trashDeleted)
        try Durable.removeTree(trash)
    }

    /// Deletes all but the newest `keep` inactive versions (by modification time), never
    /// `active` or `previous`. Returns the versions deleted.
    @discardableResult
    public func collectGarbage(name: String, keep: Int) throws(StoreError) -> [String] {
        let pinned = Set([try active(name), try previous(name)].compactMap { $0 })
        let candidates = try versions(of: name).filter { !pinned.contains($0) }
        let byAge = candidates.sorted {
            modificationTime(path(of: name, version: $0)) > modificationTime(path(of: name, version: $1))
        }
        let doomed = Array(byAge.dropFirst(max(0, keep)))
        for version in doomed { try remove(name: name, version: version) }
        return doomed
    }

    /// Deletes leftovers of interrupted operations (staging and trash directories, temporary
    /// symlinks) and drops pointers whose version is gone. Call at start-up, before serving.
    public func recover() throws(StoreError) {
        guard Durable.isDirectory(root) else { return }
        for entry in try Durable.list(root) {
            let path = root + "/" + entry
            if entry.hasPrefix(".trash-") || entry.hasPrefix(".staging-") {
                try Durable.removeTree(path)
                continue
            }
            guard Durable.isDirectory(path), !entry.hasPrefix(".") else { continue }
            for inner in try Durable.list(path) where inner.hasPrefix(".") {
                try Durable.removeTree(path + "/" + inner)
            }
            for pointer in [Self.activePointer, Self.previousPointer] {
                let link = path + "/" + pointer
                if Durable.exists(link), (try? self.pointer(pointer, of: entry)) == nil { unlink(link) }
            }
            try Durable.fsyncPath(path, directory: true)
            if let publishDirectory {
                // The temporary link of an interrupted publish (the engine ignores dot-files).
                unlink(publishDirectory + "/." + entry + ".lua.tmp")
            }
            if let active = try active(entry) { try publish(name: entry, version: active) }
        }
    }

    /// For flows, links `<publishDirectory>/<name>.lua` to the active version's script. The link
    /// is renamed into place so the engine's inotify watch sees one MOVED_TO, never a partial file.
    func publish(name: String, version: String) throws(StoreError) {
        guard let publishDirectory else { return }
        let script = path(of: name, version: version) + "/" + name + ".lua"
        let link = publishDirectory + "/" + name + ".lua"
        if Durable.readLink(link) == script { return }
        try checkPublishable(name: name)
        try step(.flowLinkSwitched)
        try Durable.makeDirectory(publishDirectory)
        try Durable.replaceSymlink(link, target: script)
    }

    /// Refuses, before any pointer moves, to replace a flow file the store does not manage:
    /// an integrator's hand-written flow of the same name is never overwritten.
    func checkPublishable(name: String) throws(StoreError) {
        guard let publishDirectory else { return }
        let link = publishDirectory + "/" + name + ".lua"
        if Durable.exists(link) && Durable.readLink(link) == nil {
            throw StoreError(
                code: .invalidName,
                message: "a flow file not managed by the store already has this name",
                path: link
            )
        }
    }

    func modificationTime(_ path: String) -> Int {
        var st = stat()
        guard stat(path, &st) == 0 else { return 0 }
        return Int(st.st_mtim.tv_sec) * 1_000_000_000 + Int(st.st_mtim.tv_nsec)
    }
}
