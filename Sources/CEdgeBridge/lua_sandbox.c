// Sandbox guards that must run in C: the per-call instruction and wall-time budget (a count
// hook), the pattern-matching guard (Lua's matcher runs in C and never sees the hook), and
// the protection of objects every chunk in a state shares (string metatable, pcall).
#include "CEdgeBridge.h"
#include "edge_host.h"

#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>

// MARK: - Budget

// The hook runs every EDGE_HOOK_PERIOD VM instructions: small enough to stop a loop within
// microseconds of its limit, large enough that the clock read costs nothing measurable.
#define EDGE_HOOK_PERIOD 1000

static int64_t edge_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void edge_budget_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    edge_lua_host *host = edge_host(L);
    host->instructions += EDGE_HOOK_PERIOD;
    if (host->max_instructions > 0 && host->instructions > host->max_instructions) {
        host->tripped = EDGE_LUA_BUDGET_INSTRUCTIONS;
        luaL_error(L, "flow exceeded %I instructions", (lua_Integer)host->max_instructions);
    }
    if (host->max_microseconds > 0 && edge_now_ns() > host->deadline_ns) {
        host->tripped = EDGE_LUA_BUDGET_TIME;
        luaL_error(L, "flow exceeded %I ms", (lua_Integer)(host->max_microseconds / 1000));
    }
}

void edge_budget_arm(lua_State *L, edge_lua_host *host) {
    host->instructions = 0;
    host->tripped = EDGE_LUA_BUDGET_NONE;
    if (host->max_instructions <= 0 && host->max_microseconds <= 0) return;
    if (host->max_microseconds > 0) host->deadline_ns = edge_now_ns() + host->max_microseconds * 1000;
    lua_sethook(L, edge_budget_hook, LUA_MASKCOUNT, EDGE_HOOK_PERIOD);
}

void edge_budget_disarm(lua_State *L, edge_lua_host *host) {
    (void)host;
    lua_sethook(L, NULL, 0, 0);
}

void edge_lua_set_budget(lua_State *L, int64_t max_instructions, int64_t max_microseconds) {
    edge_lua_host *host = edge_host(L);
    host->max_instructions = max_instructions;
    host->max_microseconds = max_microseconds;
}

int edge_lua_budget_tripped(lua_State *L) { return edge_host(L)->tripped; }

int64_t edge_lua_instructions_used(lua_State *L) { return edge_host(L)->instructions; }

// pcall and xpcall would let a flow swallow the budget error and keep looping; these wrappers
// run the original and raise again when the budget tripped inside.
static int edge_guarded_pcall(lua_State *L) {
    int nargs = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, nargs, LUA_MULTRET);
    edge_lua_host *host = edge_host(L);
    if (host->tripped != EDGE_LUA_BUDGET_NONE) {
        if (host->tripped == EDGE_LUA_BUDGET_INSTRUCTIONS) {
            return luaL_error(L, "flow exceeded %I instructions", (lua_Integer)host->max_instructions);
        }
        return luaL_error(L, "flow exceeded %I ms", (lua_Integer)(host->max_microseconds / 1000));
    }
    return lua_gettop(L);
}

static void edge_wrap_global(lua_State *L, const char *name, lua_CFunction wrapper) {
    lua_getglobal(L, name);
    lua_pushcclosure(L, wrapper, 1);
    lua_setglobal(L, name);
}

// MARK: - Pattern guard

// Lua patterns have no nested quantifiers, so backtracking is polynomial: a pattern with q
// quantified items that can backtrack tries at most C(n + q, q) splits of an n-byte subject
// per start position. The guard refuses a call whose bound exceeds EDGE_PATTERN_MAX_STEPS.
// A quantifier at the very end of the pattern never backtracks (the rest always matches),
// so it does not count; `?` doubles the bound.
#define EDGE_PATTERN_MAX_BYTES 256
#define EDGE_PATTERN_MAX_SUBJECT (1u << 20)
#define EDGE_PATTERN_MAX_STEPS 1e7

static const char *edge_skip_class(const char *p, const char *end) {
    // p points just after '[': skip to the matching ']'.
    if (p < end && *p == '^') p++;
    if (p < end && *p == ']') p++; // a leading ']' is literal
    while (p < end && *p != ']') {
        if (*p == '%' && p + 1 < end) p++;
        p++;
    }
    return p < end ? p + 1 : end;
}

// Returns the estimated number of matcher steps for `pattern` on an n-byte subject.
double edge_lua_pattern_cost(const char *p, size_t lp, size_t n, int can_anchor) {
    const char *end = p + lp;
    int anchored = can_anchor && lp > 0 && *p == '^';
    if (anchored) p++;
    double cost = anchored ? 1.0 : (double)n + 1.0;
    int counted = 0;
    while (p < end) {
        const char *item = p;
        int multiplies = 0; // items that scan the subject by themselves (%b, back-references)
        if (*p == '(' || *p == ')') {
            p++;
            continue;
        }
        if (*p == '%' && p + 1 < end) {
            char c = p[1];
            if (c == 'b') {
                p += 4;
                multiplies = 1;
            } else if (c == 'f') {
                p += 2;
                if (p < end && *p == '[') p = edge_skip_class(p + 1, end);
            } else {
                multiplies = c >= '0' && c <= '9';
                p += 2;
            }
        } else if (*p == '[') {
            p = edge_skip_class(p + 1, end);
        } else if (*p == '$' && p + 1 == end) {
            p++;
            continue;
        } else {
            p++;
        }
        if (p > end) p = end;
        (void)item;
        int quantified = 0;
        if (p < end && (*p == '*' || *p == '+' || *p == '-')) {
            quantified = 1;
            p++;
        } else if (p < end && *p == '?') {
            p++;
            cost *= 2.0;
        }
        if (quantified || multiplies) {
            // Trailing items (only closing captures after them) cannot be asked to backtrack.
            const char *rest = p;
            while (rest < end && *rest == ')') rest++;
            if (rest == end && !multiplies) continue;
            counted++;
            cost *= ((double)n + counted) / counted;
        }
    }
    return cost;
}

static void edge_check_pattern(lua_State *L, const char *function, int can_anchor) {
    size_t ls = 0, lp = 0;
    luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    if (lp > EDGE_PATTERN_MAX_BYTES) {
        luaL_error(L, "string.%s: pattern of %I bytes exceeds the flow limit of %d", function, (lua_Integer)lp,
                   EDGE_PATTERN_MAX_BYTES);
    }
    if (ls > EDGE_PATTERN_MAX_SUBJECT) {
        luaL_error(L, "string.%s: subject of %I bytes exceeds the flow limit of %d", function, (lua_Integer)ls,
                   (int)EDGE_PATTERN_MAX_SUBJECT);
    }
    double cost = edge_lua_pattern_cost(p, lp, ls, can_anchor);
    if (cost > EDGE_PATTERN_MAX_STEPS) {
        // lua_pushfstring has no %g: format the numbers here.
        char numbers[64];
        snprintf(numbers, sizeof numbers, "%.3g steps (flow limit %.0e)", cost, (double)EDGE_PATTERN_MAX_STEPS);
        luaL_error(L,
                   "string.%s: pattern '%s' could backtrack about %s on a %I-byte subject; "
                   "use fewer repetitions, anchor it with '^', or shorten the subject",
                   function, p, numbers, (lua_Integer)ls);
    }
}

static int edge_call_original(lua_State *L) {
    int nargs = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, nargs, LUA_MULTRET);
    return lua_gettop(L);
}

static int edge_guarded_find(lua_State *L) {
    if (!lua_toboolean(L, 4)) edge_check_pattern(L, "find", 1);
    return edge_call_original(L);
}

static int edge_guarded_match(lua_State *L) {
    edge_check_pattern(L, "match", 1);
    return edge_call_original(L);
}

static int edge_guarded_gmatch(lua_State *L) {
    edge_check_pattern(L, "gmatch", 0);
    return edge_call_original(L);
}

static int edge_guarded_gsub(lua_State *L) {
    edge_check_pattern(L, "gsub", 1);
    return edge_call_original(L);
}

static void edge_wrap_field(lua_State *L, int table, const char *name, lua_CFunction wrapper) {
    lua_getfield(L, table, name);
    lua_pushcclosure(L, wrapper, 1);
    lua_setfield(L, table, name);
}

// MARK: - setmetatable

// A __gc finalizer runs whenever the collector decides, including during lua_close and during
// pushes made outside any budgeted call, so an endless finalizer could hang a reload. Lua marks
// an object for finalization only when setmetatable sees __gc, so refusing it here is enough.
static int edge_setmetatable(lua_State *L) {
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL) {
            return luaL_error(L, "setmetatable: __gc finalizers are not allowed in flows");
        }
        lua_pop(L, 1);
    }
    return edge_call_original(L);
}

// MARK: - collectgarbage

// Only "count" is harmless: the other options stop or retune the collector of the whole state.
static int edge_collectgarbage(lua_State *L) {
    const char *option = luaL_optstring(L, 1, "collect");
    if (strcmp(option, "count") != 0) {
        return luaL_error(L, "collectgarbage('%s') is not allowed in flows (only 'count')", option);
    }
    lua_pushnumber(L, (lua_Number)edge_host(L)->in_use / 1024.0);
    return 1;
}

// MARK: - Installation

void edge_sandbox_install(lua_State *L) {
    edge_wrap_global(L, "pcall", edge_guarded_pcall);
    edge_wrap_global(L, "xpcall", edge_guarded_pcall);
    lua_pushcfunction(L, edge_collectgarbage);
    lua_setglobal(L, "collectgarbage");
    edge_wrap_global(L, "setmetatable", edge_setmetatable);

    lua_getglobal(L, LUA_STRLIBNAME);
    int string = lua_gettop(L);
    edge_wrap_field(L, string, "find", edge_guarded_find);
    edge_wrap_field(L, string, "match", edge_guarded_match);
    edge_wrap_field(L, string, "gmatch", edge_guarded_gmatch);
    edge_wrap_field(L, string, "gsub", edge_guarded_gsub);
    // string.dump would turn functions into bytecode, which text-only loading exists to refuse.
    lua_pushnil(L);
    lua_setfield(L, string, "dump");
    lua_pop(L, 1);

    // Every string shares one metatable whose __index is the string library: without this,
    // getmetatable('').__index.upper = ... would change string methods for every chunk.
    lua_pushliteral(L, "");
    if (lua_getmetatable(L, -1)) {
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, "__metatable");
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}
