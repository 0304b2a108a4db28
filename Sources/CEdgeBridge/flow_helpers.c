// Helpers for the flow runtime that need the C API (the debug library is never opened).
#include "CEdgeBridge.h"

#include <lauxlib.h>

// __flow_where(level) -> source, line of the function `level` frames above the caller,
// so node constructors can record the line where a flow file declares each node.
static int edge_flow_where(lua_State *L) {
    int level = (int)luaL_optinteger(L, 1, 1);
    lua_Debug ar;
    if (level < 0 || !lua_getstack(L, level, &ar)) return 0;
    lua_getinfo(L, "Sl", &ar);
    lua_pushstring(L, ar.short_src);
    if (ar.currentline > 0) {
        lua_pushinteger(L, ar.currentline);
    } else {
        lua_pushnil(L);
    }
    return 2;
}

typedef struct edge_env_request {
    const char *global;
} edge_env_request;

static int edge_flow_helpers_protected(lua_State *L) {
    lua_pushcfunction(L, edge_flow_where);
    lua_setglobal(L, "__flow_where");
    return 0;
}

int edge_lua_open_flow_helpers(lua_State *L) {
    lua_pushcfunction(L, edge_flow_helpers_protected);
    return lua_pcall(L, 0, 0, 0);
}

// Sets upvalue 1 (_ENV) of the function at `function_index` to the global `env_global`.
static int edge_set_env_protected(lua_State *L) {
    const edge_env_request *request = lua_touserdata(L, 1);
    lua_getglobal(L, request->global);
    if (!lua_istable(L, -1)) return luaL_error(L, "environment '%s' is not a table", request->global);
    if (lua_setupvalue(L, 2, 1) == NULL) return luaL_error(L, "chunk has no _ENV upvalue");
    return 0;
}

int edge_lua_set_env(lua_State *L, const char *env_global) {
    edge_env_request request = {env_global};
    int function = lua_gettop(L);
    if (!lua_checkstack(L, 4)) return LUA_ERRMEM;
    lua_pushcfunction(L, edge_set_env_protected);
    lua_pushlightuserdata(L, &request);
    lua_pushvalue(L, function);
    return lua_pcall(L, 2, 0, 0);
}
