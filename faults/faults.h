/* faults: fault injection shared by both servers; it knows no endpoint.
 *
 * Rules are flat JSON, matched in insertion order against each request
 * (path glob, method, headers, the JSON body's "model"); the first rule that
 * fires decides: a delay, a status with the API's own error body (the server
 * supplies it through srv_resp_error), extra headers, or a delivery mode
 * (reset, hang, empty, truncate, drip, malformed). A rule fires `times` times,
 * after `after` matches, every `every`th match, with a seeded `probability`,
 * within `duration_ms`. One request can carry its own rule in the
 * `x-mock-fault: key=value;...` header.
 *
 *     faults *f = faults_new(NULL);
 *     faults_add_json(f, "{\"path\":\"/v1/embeddings\",\"status\":429,\"times\":2}", err, sizeof err);
 *     srv_config cfg = {..., .pre_dispatch = faults_pre_dispatch, .pre_ctx = f};
 *     n += faults_control_routes(f, routes + n, cap - n);   // the control API
 */
#ifndef FAULTS_H
#define FAULTS_H

#include <stdbool.h>
#include <stddef.h>

#include "server.h"

typedef struct faults faults;

/* control_token: when set, the /__control/ routes need it as a bearer token or in
 * x-control-token. */
faults *faults_new(const char *control_token);
void faults_free(faults *f);

/* Add one rule (a JSON object) or several (a JSON array), all or nothing.
 * False with a message naming the field when a rule is invalid. */
bool faults_add_json(faults *f, const char *json, size_t len, char *err, size_t errlen);

/* The same, giving the first new rule's id (the rules of an array are
 * numbered in order from it). */
bool faults_add_json_first(faults *f, const char *json, size_t len, unsigned long *first_id, char *err,
                           size_t errlen);

/* Remove rule `id` (false if there is none), or every rule. */
bool faults_remove(faults *f, unsigned long id);
void faults_clear(faults *f);

/* What POST /__control/reset does: every rule and everything registered
 * with faults_on_reset (journal, jobs, rate limits) cleared. */
void faults_reset_all(faults *f);

/* Load start-up rules from a file holding a JSON array of rules. */
bool faults_load_file(faults *f, const char *path, char *err, size_t errlen);

/* The store both servers start with: --faults FILE (NULL for none) and
 * --control-token (NULL for none). NULL with a message on error. */
faults *faults_from_config(const char *file, const char *control_token, char *err, size_t errlen);

/* Serve the journal at /__control/requests and clear it on reset. */
bool faults_attach_journal(faults *f, journal *j);

/* A server's own rule field (mock_llamaparse's job_status, say): check
 * validates a value given as text (false with a message in err). When a
 * rule with the field fires, its value reaches the handler as the request
 * note of the same name (srv_req_note). Register before serving. */
typedef bool (*faults_field_check)(const char *value, char *err, size_t errlen);
bool faults_add_field(faults *f, const char *name, faults_field_check check);

/* A server's own `kind` value (mock_openai's stream_cut): a rule with it
 * hands the handler the note kind=<name> instead of a delivery mode. */
bool faults_add_kind(faults *f, const char *name);

/* Something else to clear on POST /__control/reset (journal, jobs...). */
bool faults_on_reset(faults *f, void (*fn)(void *ctx), void *ctx);

/* srv_pre_fn: apply the first rule that fires (or the request's own
 * x-mock-fault header); false when the response is decided. */
bool faults_pre_dispatch(srv_req *r, void *f);

/* For other control endpoints a server adds: false (401 written) when the
 * control token is required and missing. */
bool faults_control_authorised(faults *f, srv_req *r);

/* Append the control API's routes; returns how many were written. */
size_t faults_control_routes(faults *f, srv_route *out, size_t cap);

#define FAULTS_NROUTES 8

#endif
