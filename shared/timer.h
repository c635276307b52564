/* timer: one thread that runs callbacks at deadlines (a binary min-heap).
 *
 * This is how a response is held back without holding a thread: the request
 * thread suspends its connection and arms a timer; when the deadline passes,
 * the timer thread resumes the connection. Thousands of held responses cost
 * one heap entry each.
 *
 *     timer_q *q = timer_start();
 *     timer_add(q, timer_now_ms() + 250, resume_fn, conn);
 *     ...
 *     timer_stop(q);   // fires nothing more; frees the queue
 *
 * Callbacks run on the timer thread, outside the queue's lock, so they may
 * arm new timers. */
#ifndef MW_TIMER_H
#define MW_TIMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct timer_q timer_q;
typedef void (*timer_fn)(void *arg);

/* Milliseconds on the monotonic clock. */
uint64_t timer_now_ms(void);

timer_q *timer_start(void);

/* Run fn(arg) once at or after due_ms (timer_now_ms() scale). False on OOM. */
bool timer_add(timer_q *q, uint64_t due_ms, timer_fn fn, void *arg);

/* Run every pending callback now, in deadline order (used at shutdown so
 * held responses are released instead of dropped). */
void timer_fire_all(timer_q *q);

/* Number of callbacks not yet run. */
size_t timer_pending(timer_q *q);

/* Stop the thread and free the queue; pending callbacks are not run. */
void timer_stop(timer_q *q);

#endif
