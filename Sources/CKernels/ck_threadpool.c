// Fixed-size pthread pool with an allocation-free parallel-for (see ck_threadpool.h).
#define _GNU_SOURCE
#include "ck_threadpool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct ck_threadpool {
    size_t threads;
    pthread_t* workers;
    pthread_mutex_t call_lock; // serialises parallel_for calls from different threads
    pthread_mutex_t lock;
    pthread_cond_t wake; // workers: a new generation (or stop) is posted
    pthread_cond_t done; // caller: the last busy worker has finished
    unsigned long generation;
    int stop;
    size_t busy; // workers still inside the current generation
    // The current job; written by the caller under `lock` before the generation changes.
    ck_parallel_task_fn task;
    void* context;
    size_t range, tile;
    atomic_size_t next_tile;
};

typedef struct ck_worker_arg {
    ck_threadpool* pool;
    size_t index;
} ck_worker_arg;

// Claims tiles until none are left. Every thread runs the same loop, so which thread ran a
// tile cannot change its result.
static void ck_threadpool_drain(ck_threadpool* pool, size_t thread_index) {
    const size_t tiles = (pool->range + pool->tile - 1) / pool->tile;
    for (;;) {
        const size_t t = atomic_fetch_add_explicit(&pool->next_tile, 1, memory_order_relaxed);
        if (t >= tiles) return;
        const size_t start = t * pool->tile;
        const size_t count = pool->range - start < pool->tile ? pool->range - start : pool->tile;
        pool->task(pool->context, thread_index, start, count);
    }
}

static void* ck_threadpool_worker(void* raw) {
    ck_worker_arg arg = *(ck_worker_arg*)raw;
    free(raw);
    ck_threadpool* pool = arg.pool;
    unsigned long seen = 0;
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        while (!pool->stop && pool->generation == seen) pthread_cond_wait(&pool->wake, &pool->lock);
        if (pool->stop) break;
        seen = pool->generation;
        pthread_mutex_unlock(&pool->lock);
        ck_threadpool_drain(pool, arg.index);
        pthread_mutex_lock(&pool->lock);
        if (--pool->busy == 0) pthread_cond_signal(&pool->done);
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

size_t ck_physical_cores(void) {
    // Count distinct (package, core) pairs among the CPUs in our affinity mask, so SMT
    // siblings count once and a container's CPU set is respected.
    cpu_set_t set;
    size_t allowed = 0, physical = 0;
    long seen[256][2];
    if (sched_getaffinity(0, sizeof set, &set) != 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        return n > 0 ? (size_t)n : 1;
    }
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, &set)) continue;
        allowed++;
        long ids[2] = {-1, -1};
        static const char* const names[2] = {"physical_package_id", "core_id"};
        for (int i = 0; i < 2; i++) {
            char path[96];
            snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/%s", cpu, names[i]);
            FILE* f = fopen(path, "r");
            if (f) {
                if (fscanf(f, "%ld", &ids[i]) != 1) ids[i] = -1;
                fclose(f);
            }
        }
        if (ids[1] < 0) ids[1] = cpu; // no topology (some VMs, qemu-user): one core per CPU
        int duplicate = 0;
        for (size_t j = 0; j < physical && j < 256; j++)
            if (seen[j][0] == ids[0] && seen[j][1] == ids[1]) duplicate = 1;
        if (!duplicate && physical < 256) {
            seen[physical][0] = ids[0];
            seen[physical][1] = ids[1];
            physical++;
        }
    }
    if (physical == 0) physical = allowed;
    return physical ? physical : 1;
}

ck_threadpool* ck_threadpool_create(size_t threads) {
    if (threads == 0) threads = ck_physical_cores();
    ck_threadpool* pool = calloc(1, sizeof *pool);
    if (!pool) return NULL;
    pool->threads = threads;
    pthread_mutex_init(&pool->call_lock, NULL);
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->wake, NULL);
    pthread_cond_init(&pool->done, NULL);
    atomic_init(&pool->next_tile, 0);
    if (threads > 1) {
        pool->workers = calloc(threads - 1, sizeof(pthread_t));
        if (!pool->workers) {
            free(pool);
            return NULL;
        }
        for (size_t i = 1; i < threads; i++) {
            ck_worker_arg* arg = malloc(sizeof *arg);
            if (arg) *arg = (ck_worker_arg){pool, i};
            if (!arg || pthread_create(&pool->workers[i - 1], NULL, ck_threadpool_worker, arg) != 0) {
                free(arg);
                pool->threads = i; // destroy joins the i - 1 started workers
                ck_threadpool_destroy(pool);
                return NULL;
            }
        }
    }
    return pool;
}

void ck_threadpool_destroy(ck_threadpool* pool) {
    if (!pool) return;
    pthread_mutex_lock(&pool->lock);
    pool->stop = 1;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    for (size_t i = 1; i < pool->threads; i++) pthread_join(pool->workers[i - 1], NULL);
    pthread_cond_destroy(&pool->wake);
    pthread_cond_destroy(&pool->done);
    pthread_mutex_destroy(&pool->lock);
    pthread_mutex_destroy(&pool->call_lock);
    free(pool->workers);
    free(pool);
}

size_t ck_threadpool_threads(const ck_threadpool* pool) {
    return pool ? pool->threads : 1;
}

void ck_threadpool_parallel_for(ck_threadpool* pool, size_t range, size_t tile, ck_parallel_task_fn task,
                                void* context) {
    if (range == 0) return;
    if (tile == 0) tile = 1;
    if (!pool || pool->threads <= 1 || range <= tile) {
        for (size_t start = 0; start < range; start += tile)
            task(context, 0, start, range - start < tile ? range - start : tile);
        return;
    }
    pthread_mutex_lock(&pool->call_lock);
    pthread_mutex_lock(&pool->lock);
    pool->task = task;
    pool->context = context;
    pool->range = range;
    pool->tile = tile;
    atomic_store_explicit(&pool->next_tile, 0, memory_order_relaxed);
    pool->busy = pool->threads - 1;
    pool->generation++;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);

    ck_threadpool_drain(pool, 0);

    pthread_mutex_lock(&pool->lock);
    while (pool->busy != 0) pthread_cond_wait(&pool->done, &pool->lock);
    pthread_mutex_unlock(&pool->lock);
    pthread_mutex_unlock(&pool->call_lock);
}
