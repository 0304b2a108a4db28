/// The Lua source of the flow runtime (Runtime/*.lua, embedded at build time), in load order.
///
/// The chunks share internals through a global that the last one removes; see core.lua.
enum FlowRuntimeSource {
    static let chunks: [(name: String, text: String)] = [
        ("core", PackageResources.core_lua),
        ("nodes_sources", PackageResources.nodes_sources_lua),
        ("nodes_routing", PackageResources.nodes_routing_lua),
        ("nodes_timing", PackageResources.nodes_timing_lua),
        ("nodes_function", PackageResources.nodes_function_lua),
        ("nodes_sinks", PackageResources.nodes_sinks_lua),
        ("build", PackageResources.build_lua),
    ].map { ($0.0, String(decoding: $0.1, as: UTF8.self)) }
}
