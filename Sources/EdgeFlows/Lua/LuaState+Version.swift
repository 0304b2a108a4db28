import CLua

extension LuaState {
    /// The Lua release the headers describe, e.g. "Lua 5.4.4".
    public static var headerRelease: String { String(cString: clua_release) }

    /// The running library's version number, e.g. 504 for Lua 5.4.
    public static var libraryVersionNumber: Int {
        // lua_version(NULL) answers for the linked library without needing a state.
        Int(lua_version(nil))
    }
}
