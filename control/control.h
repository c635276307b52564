/* control: the control plane both servers share, apart from the fault
 * rules themselves: the /__control/... routes (fault rules, the request
 * journal, reset), the control-token check, and the reset fan-out to
 * everything a server keeps per test (journal, jobs, rate limits...).
 *
 *     control *ctl = control_new("tok", f, j);      // token may be NULL
 *     control_on_reset(ctl, oa_ratelimit_reset, rl);   // fn(rl, test_id or NULL)
 *     control_routes(ctl, &routes);                 // appended, flagged SRV_ROUTE_CONTROL
 *     // a server's own control endpoint:
 *     if (!control_authorised(ctl, r)) return;      // 401 written
 */
#ifndef CONTROL_H
#define CONTROL_H

#include <stdbool.h>

#include "faults.h"
#include "journal.h"
#include "router.h"
#include "server.h"

typedef struct control control;

/* token: when set, /__control/... needs it as a bearer token or in
 * x-control-token. The faults and journal are the server's (not owned);
 * a NULL journal means no journal routes. NULL on out of memory. */
control *control_new(const char *token, faults *f, journal *j);
void control_free(control *c);

/* False (401 written in the server's error format) when the control token
 * is required and the request does not carry it. */
bool control_authorised(control *c, srv_req *r);

/* Something else POST /__control/reset clears: fn(ctx, test_id) clears
 * everything it keeps (test_id NULL) or only that test's (requests that
 * carried x-test-id: test_id). The rules and the journal are cleared
 * without asking. False on OOM. */
typedef void (*control_reset_fn)(void *ctx, const char *test_id);
bool control_on_reset(control *c, control_reset_fn fn, void *ctx);

/* What POST /__control/reset[?test_id=] does, for in-process callers. */
void control_reset(control *c, const char *test_id);

/* Append the control routes, each flagged SRV_ROUTE_CONTROL. */
void control_routes(control *c, srv_routes *t);

/* The route handlers of the control files (control_faults.c,
 * control_journal.c); ctx is the control. */
void control_faults_add(srv_req *r, void *ctx);
void control_faults_list(srv_req *r, void *ctx);
void control_faults_get(srv_req *r, void *ctx);
void control_faults_delete(srv_req *r, void *ctx);
void control_faults_clear(srv_req *r, void *ctx);
void control_journal_list(srv_req *r, void *ctx);
void control_journal_clear(srv_req *r, void *ctx);
void control_report(srv_req *r, void *ctx);

/* ?test_id=: the one test a control call is about, or NULL for all. */
const char *control_test_id(const srv_req *r);

/* The control's fault store and journal, for those handlers. */
faults *control_faults(const control *c);
journal *control_journal(const control *c);

#endif
