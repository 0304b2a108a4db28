// SQLite imports cleanly except SQLITE_TRANSIENT, a cast macro Swift cannot see:
// binding with it tells SQLite to copy the bytes before the call returns.
#ifndef CSQLITE_SHIM_H
#define CSQLITE_SHIM_H

#include <sqlite3.h>

static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }

#endif
