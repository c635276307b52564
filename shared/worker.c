/* The worker skeleton: see worker.h. */
#include "worker.h"

#include <time.h>

void thread_mask_all(sigset_t *saved)
{
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, saved);
}

void thread_unmask(const sigset_t *saved)
{
    pthread_sigmask(SIG_SETMASK, saved, NULL);
}

/* The new thread inherits the creator's mask: block everything for the
 * moment of creation, then give the creator its own mask back. */
bool thread_spawn(pthread_t *t, void *(*fn)(void *), void *arg)
{
    sigset_t saved;
    thread_mask_all(&saved);
    int rc = pthread_create(t, NULL, fn, arg);
    thread_unmask(&saved);
    return rc == 0;
}

uint64_t worker_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

bool worker_start(worker *w, void *(*fn)(void *), void *arg)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, &ca);
    pthread_condattr_destroy(&ca);
    w->stop = false;
    atomic_init(&w->stopping, false);
    if (thread_spawn(&w->thread, fn, arg))
        return true;
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->wake);
    return false;
}

void worker_ask_stop(worker *w)
{
    atomic_store(&w->stopping, true);
}

void worker_stop(worker *w)
{
    atomic_store(&w->stopping, true);
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_broadcast(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->wake);
}

bool worker_stopping(worker *w)
{
    return atomic_load(&w->stopping);
}

void worker_lock(worker *w)
{
    pthread_mutex_lock(&w->lock);
}

void worker_unlock(worker *w)
{
    pthread_mutex_unlock(&w->lock);
}

void worker_wake(worker *w)
{
    pthread_cond_broadcast(&w->wake);
}

bool worker_sleep(worker *w, uint64_t due_ms)
{
    if (w->stop)
        return false;
    if (due_ms == WORKER_FOREVER) {
        pthread_cond_wait(&w->wake, &w->lock);
        return !w->stop;
    }
    uint64_t now = worker_now_ms();
    if (due_ms <= now)
        return true;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t wait = due_ms - now;
    ts.tv_sec += (time_t)(wait / 1000);
    ts.tv_nsec += (long)(wait % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&w->wake, &w->lock, &ts);
    return !w->stop;
}
