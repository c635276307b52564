#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "check_main.h"
#include "timer.h"

typedef struct {
    atomic_int order[8];
    atomic_int next;
} log_t;

typedef struct {
    log_t *log;
    int id;
} ev_t;

static void record(void *arg)
{
    ev_t *e = arg;
    int slot = atomic_fetch_add(&e->log->next, 1);
    atomic_store(&e->log->order[slot], e->id);
}

static void wait_count(log_t *l, int n, int max_ms)
{
    for (int i = 0; i < max_ms && atomic_load(&l->next) < n; i++)
        usleep(1000);
}

START_TEST(fires_in_deadline_order)
{
    timer_q *q = timer_start();
    ck_assert_ptr_nonnull(q);
    log_t l = {0};
    ev_t e[3] = {{&l, 1}, {&l, 2}, {&l, 3}};
    uint64_t now = timer_now_ms();
    ck_assert(timer_add(q, now + 120, record, &e[2]));
    ck_assert(timer_add(q, now + 20, record, &e[0]));
    ck_assert(timer_add(q, now + 60, record, &e[1]));
    wait_count(&l, 3, 2000);
    ck_assert_int_eq(atomic_load(&l.next), 3);
    ck_assert_int_eq(atomic_load(&l.order[0]), 1);
    ck_assert_int_eq(atomic_load(&l.order[1]), 2);
    ck_assert_int_eq(atomic_load(&l.order[2]), 3);
    ck_assert(timer_now_ms() - now >= 120);
    timer_stop(q);
}
END_TEST

static _Atomic uint64_t fired_at;

static void stamp(void *arg)
{
    (void)arg;
    atomic_store(&fired_at, timer_now_ms());
}

/* The callback records when it ran: never before its deadline, however
 * loaded the machine (a sleep-based check would be at the scheduler's mercy). */
START_TEST(does_not_fire_early)
{
    timer_q *q = timer_start();
    uint64_t due = timer_now_ms() + 300;
    timer_add(q, due, stamp, NULL);
    ck_assert_uint_eq(timer_pending(q), 1);
    for (int i = 0; i < 3000 && atomic_load(&fired_at) == 0; i++)
        usleep(1000);
    ck_assert_uint_ne(atomic_load(&fired_at), 0);
    ck_assert_uint_ge(atomic_load(&fired_at), due);
    ck_assert_uint_eq(timer_pending(q), 0);
    timer_stop(q);
}
END_TEST

START_TEST(fire_all_runs_pending_now)
{
    timer_q *q = timer_start();
    log_t l = {0};
    ev_t e[2] = {{&l, 1}, {&l, 2}};
    timer_add(q, timer_now_ms() + 60000, record, &e[1]);
    timer_add(q, timer_now_ms() + 50000, record, &e[0]);
    timer_fire_all(q);
    ck_assert_int_eq(atomic_load(&l.next), 2);
    ck_assert_int_eq(atomic_load(&l.order[0]), 1);
    ck_assert_uint_eq(timer_pending(q), 0);
    timer_stop(q);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("timer");
    TCase *t = tcase_create("core");
    tcase_add_test(t, fires_in_deadline_order);
    tcase_add_test(t, does_not_fire_early);
    tcase_add_test(t, fire_all_runs_pending_now);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
