/// The Lua source of the flow runtime (Runtime/runtime.lua, embedded at build time).
enum FlowRuntimeSource {
    static let text = String(decoding: PackageResources.runtime_lua, as: UTF8.self)
}
