// Per-state host record shared by the C files of CEdgeBridge (not part of the public header).
//
// It is the allocator's user data, so every lua_State made by edge_lua_newstate reaches it
// through lua_getallocf without a registry lookup (which could raise).
#ifndef EDGE_HOST_H
#define EDGE_HOST_H

#include <stddef.h>
#include <stdint.h>

#include <lua.h>

typedef struct edge_lua_host {
    // Memory accounting (see edge_lua_alloc for the contract).
    size_t in_use;
    size_t limit; // 0 = unlimited

    // Budget for one outermost call; 0 = unlimited.
    int64_t max_instructions;
    int64_t max_microseconds;
    // State of the running call.
    int64_t instructions;
    int64_t deadline_ns;
    int depth;   // nesting of edge_lua_pcall (Lua -> Swift -> Lua)
    int tripped; // an edge_lua_budget_kind once a budget was exceeded in this call
} edge_lua_host;

static inline edge_lua_host *edge_host(lua_State *L) {
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return ud;
}

/// Installs the sandbox guards (budget hook helpers, pattern guard, protected metatables);
/// runs unprotected, so call it under lua_pcall.
void edge_sandbox_install(lua_State *L);
/// Arms the count hook for an outermost call.
void edge_budget_arm(lua_State *L, edge_lua_host *host);
/// Removes the count hook after an outermost call.
void edge_budget_disarm(lua_State *L, edge_lua_host *host);

#endif
