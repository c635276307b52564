#include "timer.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

typedef struct timer_entry {
    uint64_t due;
    uint64_t seq; /* ties break by arming order, so equal deadlines stay FIFO */
    timer_fn fn;
    void *arg;
} timer_entry;

struct timer_q {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    timer_entry *heap;
    size_t len, cap;
    uint64_t seq;
    bool stop;
    bool fire_all;
};

uint64_t timer_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static bool before(const timer_entry *a, const timer_entry *b)
{
    return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void swap(timer_entry *a, timer_entry *b)
{
    timer_entry t = *a;
    *a = *b;
    *b = t;
}

static void sift_up(timer_entry *h, size_t i)
{
    while (i > 0 && before(&h[i], &h[(i - 1) / 2])) {
        swap(&h[i], &h[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
}

static void sift_down(timer_entry *h, size_t len, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < len && before(&h[l], &h[m]))
            m = l;
        if (r < len && before(&h[r], &h[m]))
            m = r;
        if (m == i)
            return;
        swap(&h[i], &h[m]);
        i = m;
    }
}

static timer_entry pop(timer_q *q)
{
    timer_entry top = q->heap[0];
    q->heap[0] = q->heap[--q->len];
    sift_down(q->heap, q->len, 0);
    return top;
}

/* Sleep until the earliest deadline (or a new, earlier one arrives). */
static void wait_for_work(timer_q *q)
{
    if (q->len == 0) {
        pthread_cond_wait(&q->wake, &q->lock);
        return;
    }
    uint64_t now = timer_now_ms();
    if (q->heap[0].due <= now)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t wait = q->heap[0].due - now;
    ts.tv_sec += (time_t)(wait / 1000);
    ts.tv_nsec += (long)(wait % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&q->wake, &q->lock, &ts);
}

static void *run(void *arg)
{
    timer_q *q = arg;
    pthread_mutex_lock(&q->lock);
    while (!q->stop) {
        if (q->len > 0 && (q->fire_all || q->heap[0].due <= timer_now_ms())) {
            timer_entry e = pop(q);
            pthread_mutex_unlock(&q->lock);
            e.fn(e.arg);
            pthread_mutex_lock(&q->lock);
            continue;
        }
        q->fire_all = false;
        pthread_cond_broadcast(&q->wake); /* tell timer_fire_all we drained */
        wait_for_work(q);
    }
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

timer_q *timer_start(void)
{
    timer_q *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->wake, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&q->thread, NULL, run, q) != 0) {
        pthread_mutex_destroy(&q->lock);
        pthread_cond_destroy(&q->wake);
        free(q);
        return NULL;
    }
    return q;
}

bool timer_add(timer_q *q, uint64_t due_ms, timer_fn fn, void *arg)
{
    pthread_mutex_lock(&q->lock);
    if (q->len == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 64;
        timer_entry *h = realloc(q->heap, cap * sizeof *h);
        if (!h) {
            pthread_mutex_unlock(&q->lock);
            return false;
        }
        q->heap = h;
        q->cap = cap;
    }
    q->heap[q->len] = (timer_entry){due_ms, q->seq++, fn, arg};
    sift_up(q->heap, q->len++);
    if (q->heap[0].seq == q->seq - 1) /* new earliest deadline: re-arm the wait */
        pthread_cond_broadcast(&q->wake);
    pthread_mutex_unlock(&q->lock);
    return true;
}

void timer_fire_all(timer_q *q)
{
    pthread_mutex_lock(&q->lock);
    q->fire_all = true;
    pthread_cond_broadcast(&q->wake);
    while (q->fire_all && !q->stop)
        pthread_cond_wait(&q->wake, &q->lock);
    pthread_mutex_unlock(&q->lock);
}

size_t timer_pending(timer_q *q)
{
    pthread_mutex_lock(&q->lock);
    size_t n = q->len;
    pthread_mutex_unlock(&q->lock);
    return n;
}

void timer_stop(timer_q *q)
{
    if (!q)
        return;
    pthread_mutex_lock(&q->lock);
    q->stop = true;
    pthread_cond_broadcast(&q->wake);
    pthread_mutex_unlock(&q->lock);
    pthread_join(q->thread, NULL);
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->wake);
    free(q->heap);
    free(q);
}
