extension FlowInstance {
    /// Every node type the runtime knows: `type -> { kind, doc, params = { name -> { types, required, default, values } } }`.
    ///
    /// Read from the runtime itself, so `edgemlops flow check --nodes` can never disagree with it.
    public static func nodeCatalogue() throws(FlowError) -> LuaValue {
        let empty = try FlowInstance(source: "return { nodes = {} }", path: "catalogue.lua")
        do {
            return try empty.lua.call("__flow_catalogue").first ?? .nil
        } catch {
            throw FlowError(error, file: "catalogue.lua")
        }
    }
}
