// Lua glue for Swift: allocator with a cap, protected push programs, the error
// trampoline for Swift functions, and a message handler that keeps source and line.
#include "CEdgeBridge.h"
#include "edge_host.h"

#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

// MARK: - Allocator

// Lua's contract: ptr == NULL means osize is a type tag; shrinking must never fail.
static void *edge_lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    edge_lua_host *a = ud;
    size_t old = ptr != NULL ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        a->in_use -= old;
        return NULL;
    }
    if (nsize > old && a->limit != 0 && a->in_use - old + nsize > a->limit) {
        return NULL;
    }
    void *block = realloc(ptr, nsize);
    if (block == NULL) {
        // A failed shrink keeps the old block, which is still valid and big enough.
        return nsize <= old ? ptr : NULL;
    }
    a->in_use = a->in_use - old + nsize;
    return block;
}

lua_State *edge_lua_newstate(size_t memory_limit) {
    edge_lua_host *a = calloc(1, sizeof *a);
    if (a == NULL) return NULL;
    a->limit = memory_limit;
    lua_State *L = lua_newstate(edge_lua_alloc, a);
    if (L == NULL) free(a);
    return L;
}

void edge_lua_close(lua_State *L) {
    void *ud = NULL;
    lua_getallocf(L, &ud);
    lua_close(L);
    free(ud);
}

size_t edge_lua_memory_in_use(lua_State *L) {
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return ((edge_lua_host *)ud)->in_use;
}

void edge_lua_set_memory_limit(lua_State *L, size_t memory_limit) {
    void *ud = NULL;
    lua_getallocf(L, &ud);
    ((edge_lua_host *)ud)->limit = memory_limit;
}

// MARK: - Libraries and loading

static int edge_open_safe(lua_State *L) {
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base},       {LUA_TABLIBNAME, luaopen_table}, {LUA_STRLIBNAME, luaopen_string},
        {LUA_MATHLIBNAME, luaopen_math}, {LUA_UTF8LIBNAME, luaopen_utf8}, {NULL, NULL},
    };
    for (const luaL_Reg *lib = libs; lib->func != NULL; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
    // Loading code from strings or files would bypass text-only, named chunks.
    static const char *const removed[] = {"load", "loadfile", "dofile", "print", NULL};
    for (const char *const *name = removed; *name != NULL; name++) {
        lua_pushnil(L);
        lua_setglobal(L, *name);
    }
    edge_sandbox_install(L);
    // Flows allocate many short-lived tables (one message per input, copies on fan-out):
    // the generational collector handles that with shorter pauses than the incremental one.
    lua_gc(L, LUA_GCGEN, 0, 0);
    return 0;
}

int edge_lua_open_safe_libraries(lua_State *L) {
    lua_pushcfunction(L, edge_open_safe);
    return lua_pcall(L, 0, 0, 0);
}

int edge_lua_load_text(lua_State *L, const char *source, size_t length, const char *chunk_name) {
    return luaL_loadbufferx(L, source, length, chunk_name, "t");
}

// MARK: - Message handler

// Builds { message, source, line, traceback } so Swift gets the position without parsing.
static int edge_message_handler(lua_State *L) {
    const char *message = lua_tostring(L, 1);
    if (message == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
            message = lua_tostring(L, -1);
        } else {
            message = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
        }
    }
    lua_createtable(L, 0, 4);
    lua_pushstring(L, message);
    lua_setfield(L, -2, "message");
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        lua_getinfo(L, "Sl", &ar);
        if (ar.currentline > 0) {
            lua_pushstring(L, ar.short_src);
            lua_setfield(L, -2, "source");
            lua_pushinteger(L, ar.currentline);
            lua_setfield(L, -2, "line");
            break;
        }
    }
    luaL_traceback(L, L, NULL, 1);
    lua_setfield(L, -2, "traceback");
    return 1;
}

int edge_lua_pcall(lua_State *L, int nargs, int nresults) {
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, edge_message_handler);
    lua_insert(L, base);
    // Only the outermost call arms the budget: a Swift function that calls back into Lua
    // spends from the same budget as the call that reached it.
    edge_lua_host *host = edge_host(L);
    if (host->depth++ == 0) edge_budget_arm(L, host);
    int status = lua_pcall(L, nargs, nresults, base);
    if (--host->depth == 0) edge_budget_disarm(L, host);
    lua_remove(L, base);
    return status;
}

// MARK: - Push programs

typedef struct edge_swift_closure {
    edge_swift_function function;
    edge_swift_release release;
    void *context;
} edge_swift_closure;

static int edge_swift_closure_gc(lua_State *L) {
    edge_swift_closure *closure = lua_touserdata(L, 1);
    if (closure != NULL && closure->release != NULL) {
        closure->release(closure->context);
        closure->release = NULL;
    }
    return 0;
}

static int edge_trampoline(lua_State *L);

// Runs ops unprotected: callers are either inside lua_pcall or inside a Lua call.
static void edge_exec_ops(lua_State *L, const edge_lua_op *ops, size_t count) {
    for (size_t i = 0; i < count; i++) {
        const edge_lua_op *op = &ops[i];
        luaL_checkstack(L, 3, "push program too deep");
        switch (op->kind) {
        case EDGE_LUA_OP_NIL: lua_pushnil(L); break;
        case EDGE_LUA_OP_BOOLEAN: lua_pushboolean(L, op->integer != 0); break;
        case EDGE_LUA_OP_INTEGER: lua_pushinteger(L, (lua_Integer)op->integer); break;
        case EDGE_LUA_OP_NUMBER: lua_pushnumber(L, op->number); break;
        case EDGE_LUA_OP_STRING: lua_pushlstring(L, op->bytes, op->length); break;
        case EDGE_LUA_OP_NEWTABLE: lua_createtable(L, (int)op->integer, (int)op->length); break;
        case EDGE_LUA_OP_RAWSET: lua_rawset(L, -3); break;
        case EDGE_LUA_OP_SETGLOBAL:
            lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
            lua_pushlstring(L, op->bytes, op->length);
            lua_rotate(L, -3, -1); // globals, name, value
            lua_rawset(L, -3);
            lua_pop(L, 1);
            break;
        case EDGE_LUA_OP_GETGLOBAL:
            lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
            lua_pushlstring(L, op->bytes, op->length);
            lua_rawget(L, -2);
            lua_remove(L, -2);
            break;
        case EDGE_LUA_OP_FUNCTION: {
            edge_swift_closure *closure = lua_newuserdatauv(L, sizeof *closure, 0);
            closure->function = NULL;
            closure->release = NULL;
            closure->context = NULL;
            if (luaL_newmetatable(L, "edgemlops.swift_function")) {
                lua_pushcfunction(L, edge_swift_closure_gc);
                lua_setfield(L, -2, "__gc");
                lua_pushboolean(L, 0);
                lua_setfield(L, -2, "__metatable");
            }
            lua_setmetatable(L, -2);
            // From here on the userdata owns the context: collecting it releases it.
            closure->function = op->function;
            closure->release = op->release;
            closure->context = op->context;
            lua_pushcclosure(L, edge_trampoline, 1);
            break;
        }
        default: luaL_error(L, "unknown push op %d", (int)op->kind);
        }
    }
}

typedef struct edge_ops_request {
    const edge_lua_op *ops;
    size_t count;
} edge_ops_request;

static int edge_run_ops_protected(lua_State *L) {
    const edge_ops_request *request = lua_touserdata(L, 1);
    lua_pop(L, 1);
    edge_exec_ops(L, request->ops, request->count);
    return lua_gettop(L);
}

int edge_lua_run_ops(lua_State *L, const edge_lua_op *ops, size_t op_count, int *pushed) {
    edge_ops_request request = {ops, op_count};
    int top = lua_gettop(L);
    *pushed = 0;
    edge_lua_host *host = edge_host(L);
    if (host->depth == 0) host->tripped = EDGE_LUA_BUDGET_NONE; // a stale report must not label this call
    if (!lua_checkstack(L, 2)) return LUA_ERRMEM;
    lua_pushcfunction(L, edge_run_ops_protected);
    lua_pushlightuserdata(L, &request);
    int status = lua_pcall(L, 1, LUA_MULTRET, 0);
    if (status == LUA_OK) *pushed = lua_gettop(L) - top;
    return status;
}

// MARK: - Trampoline

// Calls the Swift function, then (with the Swift frame gone) pushes its results or raises.
static int edge_trampoline(lua_State *L) {
    edge_swift_closure *closure = lua_touserdata(L, lua_upvalueindex(1));
    if (closure == NULL || closure->function == NULL) {
        return luaL_error(L, "Swift function is no longer available");
    }
    int top = lua_gettop(L);
    const edge_lua_op *ops = NULL;
    size_t count = 0;
    int results = closure->function(L, closure->context, &ops, &count);
    lua_settop(L, top); // Swift may have left values while reading tables.
    if (results < 0) {
        luaL_where(L, 1);
        edge_exec_ops(L, ops, count);
        lua_concat(L, 2);
        return lua_error(L);
    }
    edge_exec_ops(L, ops, count);
    return results;
}
