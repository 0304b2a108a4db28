// Intra-op thread pool: a fixed set of pthread workers and a parallel-for over tiles of a
// 1-D range. The calling thread works too, so a pool of N threads starts N - 1 workers.
// A parallel-for allocates nothing: tiles are claimed with one atomic counter, and the
// caller sleeps on a condition variable until the last tile is done.
//
// Results never depend on the thread count as long as each tile writes only its own outputs
// (every kernel driver in CKernels does): tiles are computed by the same code whichever
// thread claims them.
#ifndef CK_THREADPOOL_H
#define CK_THREADPOOL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_threadpool ck_threadpool;

/// One tile: items [start, start + count) of the range, run by thread `thread_index`
/// (0 = the caller, 1..threads-1 = workers). Use thread_index to pick per-thread scratch.
typedef void (*ck_parallel_task_fn)(void* context, size_t thread_index, size_t start, size_t count);

/// Physical cores this process may run on (SMT siblings counted once), at least 1.
size_t ck_physical_cores(void);

/// A pool of `threads` threads including the caller; 0 means ck_physical_cores().
/// NULL when a worker cannot be started.
ck_threadpool* ck_threadpool_create(size_t threads);

/// Stops and joins the workers. NULL is accepted.
void ck_threadpool_destroy(ck_threadpool* pool);

/// Threads including the caller; 1 for a NULL pool.
size_t ck_threadpool_threads(const ck_threadpool* pool);

/// Runs task over [0, range) in tiles of `tile` items (the last may be shorter) and returns
/// when all are done. A NULL pool, one thread or a single tile run on the caller only.
/// Calls on one pool from several threads are serialised; a task must not call
/// parallel_for on its own pool (it would wait for itself).
void ck_threadpool_parallel_for(ck_threadpool* pool, size_t range, size_t tile, ck_parallel_task_fn task,
                                void* context);

#ifdef __cplusplus
}
#endif

#endif
