#include "timer.h"

#include <stdlib.h>

#include "worker.h"

typedef struct timer_entry {
    uint64_t due;
    uint64_t seq; /* ties break by arming order, so equal deadlines stay FIFO */
    timer_fn fn;
    void *arg;
} timer_entry;

/* The heap and the flags under the worker's lock. */
struct timer_q {
    worker w;
    timer_entry *heap;
    size_t len, cap;
    uint64_t seq;
    bool fire_all;
};

uint64_t timer_now_ms(void)
{
    return worker_now_ms();
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

static void *run(void *arg)
{
    timer_q *q = arg;
    worker_lock(&q->w);
    for (;;) {
        if (q->len > 0 && (q->fire_all || q->heap[0].due <= timer_now_ms())) {
            timer_entry e = pop(q);
            worker_unlock(&q->w);
            e.fn(e.arg);
            worker_lock(&q->w);
            continue;
        }
        q->fire_all = false;
        worker_wake(&q->w); /* tell timer_fire_all we drained */
        /* until the earliest deadline, or a new, earlier one */
        if (!worker_sleep(&q->w, q->len ? q->heap[0].due : WORKER_FOREVER))
            break;
    }
    worker_unlock(&q->w);
    return NULL;
}

timer_q *timer_start(void)
{
    timer_q *q = calloc(1, sizeof *q);
    if (q && !worker_start(&q->w, run, q)) {
        free(q);
        return NULL;
    }
    return q;
}

bool timer_add(timer_q *q, uint64_t due_ms, timer_fn fn, void *arg)
{
    worker_lock(&q->w);
    if (q->len == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 64;
        timer_entry *h = realloc(q->heap, cap * sizeof *h);
        if (!h) {
            worker_unlock(&q->w);
            return false;
        }
        q->heap = h;
        q->cap = cap;
    }
    q->heap[q->len] = (timer_entry){due_ms, q->seq++, fn, arg};
    sift_up(q->heap, q->len++);
    if (q->heap[0].seq == q->seq - 1) /* new earliest deadline: re-arm the wait */
        worker_wake(&q->w);
    worker_unlock(&q->w);
    return true;
}

void timer_fire_all(timer_q *q)
{
    worker_lock(&q->w);
    q->fire_all = true;
    worker_wake(&q->w);
    while (q->fire_all && worker_sleep(&q->w, WORKER_FOREVER)) {
    }
    worker_unlock(&q->w);
}

size_t timer_pending(timer_q *q)
{
    worker_lock(&q->w);
    size_t n = q->len;
    worker_unlock(&q->w);
    return n;
}

void timer_stop(timer_q *q)
{
    if (!q)
        return;
    worker_stop(&q->w);
    free(q->heap);
    free(q);
}
