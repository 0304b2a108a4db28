// CEdgeBridge: the only place where Lua may raise (longjmp).
//
// Lua reports errors with longjmp. Swift defines no behaviour for being jumped over
// (defers and releases are skipped), so Swift never calls a Lua API that can raise.
// Instead Swift describes what it wants pushed as a list of `edge_lua_op`s, and C runs
// them: under lua_pcall when Swift calls in, or in the trampoline after the Swift
// frame has returned when Lua calls a Swift function.
#ifndef CEDGEBRIDGE_H
#define CEDGEBRIDGE_H

#include <stddef.h>
#include <stdint.h>

#include <lua.h>

#include "edge_system.h"

#ifdef __cplusplus
extern "C" {
#endif

/// One step of a push program that C runs on Swift's behalf.
typedef enum edge_lua_op_kind {
    EDGE_LUA_OP_NIL = 0,      ///< push nil
    EDGE_LUA_OP_BOOLEAN = 1,  ///< push `integer != 0`
    EDGE_LUA_OP_INTEGER = 2,  ///< push `integer`
    EDGE_LUA_OP_NUMBER = 3,   ///< push `number`
    EDGE_LUA_OP_STRING = 4,   ///< push `bytes[0..<length]`
    EDGE_LUA_OP_NEWTABLE = 5, ///< push a table sized for `integer` array and `length` hash entries
    EDGE_LUA_OP_RAWSET = 6,   ///< t[k] = v with t, k, v on top; pops k and v
    EDGE_LUA_OP_SETGLOBAL = 7,///< _G[bytes] = top (raw); pops it
    EDGE_LUA_OP_GETGLOBAL = 8,///< push _G[bytes] (raw)
    EDGE_LUA_OP_FUNCTION = 9, ///< push a Lua function that calls `function(context)`
} edge_lua_op_kind;

/// A Swift function callable from Lua.
///
/// It may read its arguments (stack slots 1...lua_gettop) with non-raising accessors only.
/// It returns the number of results described by `*ops`/`*op_count`, or -1 when the ops
/// describe one error message, which the trampoline raises after the Swift frame returned.
/// The ops must stay valid until the trampoline has run them (they are run immediately).
typedef struct edge_lua_op edge_lua_op;
typedef int (*edge_swift_function)(lua_State *L, void *context, const edge_lua_op **ops, size_t *op_count);
/// Releases `context` when Lua collects the function.
typedef void (*edge_swift_release)(void *context);

struct edge_lua_op {
    int32_t kind;
    int32_t reserved;
    int64_t integer;
    double number;
    const char *bytes;
    size_t length;
    edge_swift_function function;
    edge_swift_release release;
    void *context;
};

/// Creates a state whose allocator refuses growth beyond `memory_limit` bytes (0: no limit).
/// Returns NULL when even the initial state does not fit.
lua_State *edge_lua_newstate(size_t memory_limit);
/// Closes a state made by edge_lua_newstate and frees its allocator record.
void edge_lua_close(lua_State *L);
/// Bytes currently allocated by the state.
size_t edge_lua_memory_in_use(lua_State *L);
/// Bytes the allocator may hand out; changing it never frees memory already in use.
void edge_lua_set_memory_limit(lua_State *L, size_t memory_limit);

/// Which budget stopped the last outermost call.
typedef enum edge_lua_budget_kind {
    EDGE_LUA_BUDGET_NONE = 0,
    EDGE_LUA_BUDGET_INSTRUCTIONS = 1,
    EDGE_LUA_BUDGET_TIME = 2,
} edge_lua_budget_kind;

/// Sets the budget of every outermost edge_lua_pcall (0: unlimited). A count hook raises
/// "flow exceeded N instructions" or "flow exceeded T ms"; pcall inside Lua cannot swallow it.
void edge_lua_set_budget(lua_State *L, int64_t max_instructions, int64_t max_microseconds);
/// The edge_lua_budget_kind that stopped the last outermost call, or EDGE_LUA_BUDGET_NONE.
int edge_lua_budget_tripped(lua_State *L);
/// Instructions (rounded to the hook period) the last outermost call ran.
int64_t edge_lua_instructions_used(lua_State *L);
/// The pattern guard's worst-case step estimate for a pattern on an n-byte subject (exposed for tests).
double edge_lua_pattern_cost(const char *pattern, size_t pattern_length, size_t subject_length, int can_anchor);

/// Opens base (without load, loadfile, dofile, print), table, string, math and utf8, protected,
/// then installs the sandbox guards: pcall/xpcall that cannot swallow a budget error,
/// collectgarbage limited to "count", no string.dump, guarded string.find/match/gmatch/gsub,
/// and a string metatable hidden behind __metatable.
/// Returns a Lua status code; on failure the message is on top of the stack.
int edge_lua_open_safe_libraries(lua_State *L);

/// Registers the global __flow_where(level) -> source, line used by the flow runtime, protected.
int edge_lua_open_flow_helpers(lua_State *L);
/// Sets the _ENV of the function on top of the stack to the table in global `env_global`,
/// protected; the function stays on the stack. On failure the message is on top of it.
int edge_lua_set_env(lua_State *L, const char *env_global);

/// Loads a text chunk (never bytecode) named `chunk_name` ("@file.lua" style), protected.
int edge_lua_load_text(lua_State *L, const char *source, size_t length, const char *chunk_name);

/// Calls the function below `nargs` arguments with a message handler that turns the error
/// into a table { message = string, source = string|nil, line = integer|nil, traceback = string }.
int edge_lua_pcall(lua_State *L, int nargs, int nresults);

/// Runs a push program under lua_pcall. On success the values it pushed stay on the stack
/// and *pushed tells how many; on failure the error message is on top and *pushed is 0.
int edge_lua_run_ops(lua_State *L, const edge_lua_op *ops, size_t op_count, int *pushed);

#ifdef __cplusplus
}
#endif

#endif
