/* worker: one background thread with a lock, a wake-up condition and a stop
 * flag: the skeleton the timer, the URL fetcher and the webhook sender share.
 *
 * Every thread the project starts begins with all signals blocked, so a
 * SIGTERM always reaches the thread that waits for it (the binaries' main
 * thread), never a worker whose default action would kill the process; and
 * a host process that embeds libmockworks keeps its own signal handling.
 *
 *     static void *run(void *arg) {
 *         q *x = arg;
 *         worker_lock(&x->w);
 *         while (worker_sleep(&x->w, next_due(x))) {   // false once stopping
 *             item *it = take(x);
 *             worker_unlock(&x->w);
 *             handle(it);                               // unlocked
 *             worker_lock(&x->w);
 *         }
 *         worker_unlock(&x->w);
 *         return NULL;
 *     }
 *     worker_start(&x->w, run, x);
 *     worker_lock(&x->w); push(x, it); worker_wake(&x->w); worker_unlock(&x->w);
 *     worker_stop(&x->w);    // stop, wake, join, free the lock and condition
 */
#ifndef MW_WORKER_H
#define MW_WORKER_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define WORKER_FOREVER UINT64_MAX

typedef struct worker {
    pthread_mutex_t lock;
    pthread_cond_t wake; /* on the monotonic clock */
    pthread_t thread;
    bool stop;              /* under lock */
    atomic_bool stopping;   /* the same, readable without the lock */
} worker;

/* Start a pthread running fn(arg) with every signal blocked in it. */
bool thread_spawn(pthread_t *t, void *(*fn)(void *), void *arg);

/* Block every signal in the calling thread, keeping its mask in *saved,
 * around a call that starts threads of its own (a library's): they
 * inherit the full mask. thread_unmask gives the saved mask back. */
void thread_mask_all(sigset_t *saved);
void thread_unmask(const sigset_t *saved);

/* Initialise w and start fn(arg) on its thread; false (nothing to stop)
 * when the thread cannot be created. */
bool worker_start(worker *w, void *(*fn)(void *), void *arg);

/* Ask the thread to stop, wake it, join it, then free w's lock and
 * condition. The thread sees worker_sleep() return false. */
void worker_stop(worker *w);

/* Only ask (worker_stopping turns true at once), for a thread that waits on
 * something else and must be woken its own way before worker_stop joins. */
void worker_ask_stop(worker *w);

/* Without the lock: has worker_stop been called? For long work done
 * unlocked (a transfer's progress callback) to give up early. */
bool worker_stopping(worker *w);

void worker_lock(worker *w);
void worker_unlock(worker *w);

/* Under the lock: wake the thread (and anyone else sleeping on w). */
void worker_wake(worker *w);

/* Under the lock: sleep until worker_wake, or until due_ms on the
 * worker_now_ms() clock (WORKER_FOREVER: no deadline; a past one returns
 * at once).
 * False when the worker is stopping. May return early (spurious wake-ups):
 * callers re-check their own state. */
bool worker_sleep(worker *w, uint64_t due_ms);

/* Milliseconds on the monotonic clock. */
uint64_t worker_now_ms(void);

#endif
