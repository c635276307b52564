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
 *     faults *f = faults_new();
 *     faults_add_json(f, "{\"path\":\"/v1/embeddings\",\"status\":429,\"times\":2}", err, sizeof err);
 *     srv_config cfg = {..., .pre_dispatch = faults_pre_dispatch, .pre_ctx = f};
 *
 * Only the rules live here; their routes are the control plane's (control/).
 */
#ifndef FAULTS_H
#define FAULTS_H

#include <stdbool.h>
#include <stddef.h>

#include "server.h"

typedef struct faults faults;

faults *faults_new(void);
void faults_free(faults *f);

/* Add one rule (a JSON object) or several (a JSON array), all or nothing.
 * False with a message naming the field when a rule is invalid. */
bool faults_add_json(faults *f, const char *json, size_t len, char *err, size_t errlen);

/* The same, giving the first new rule's id (the rules of an array are
 * numbered in order from it). */
bool faults_add_json_first(faults *f, const char *json, size_t len, unsigned long *first_id, char *err,
                           size_t errlen);

/* Remove rule `id` (false if there is none); or every rule, or (test_id
 * not NULL) every rule of that test. */
bool faults_remove(faults *f, unsigned long id);
void faults_clear(faults *f, const char *test_id);

/* Load start-up rules from a file holding a JSON array of rules. */
bool faults_load_file(faults *f, const char *path, char *err, size_t errlen);

/* A server's own rule field (mock_llamaparse's job_status, say): check
 * validates a value given as text (false with a message in err). When a
 * rule with the field fires, its value reaches the handler as the request
 * note of the same name (srv_req_note). Register before serving. */
typedef bool (*faults_field_check)(const char *value, char *err, size_t errlen);
bool faults_add_field(faults *f, const char *name, faults_field_check check);

/* A server's own `kind` value (mock_openai's stream_cut): a rule with it
 * hands the handler the note kind=<name> instead of a delivery mode. The
 * name is kept by pointer: a literal, or anything outliving the store.
 * False when the store has no room for more (register before serving). */
bool faults_add_kind(faults *f, const char *name);

/* srv_pre_fn: apply the first rule that fires (or the request's own
 * x-mock-fault header); false when the response is decided. */
bool faults_pre_dispatch(srv_req *r, void *f);

/* Add one rule object or an array of them (a cJSON *), all or nothing;
 * the new rules get the ids *first_id .. *first_id + *count - 1. */
bool faults_add_parsed(faults *f, const void *json, unsigned long *first_id, size_t *count, char *err,
                       size_t errlen);

/* Append the stored rule `id` as JSON (the rule as given, plus id, hits,
 * remaining); false if there is no such rule. */
bool faults_describe(faults *f, unsigned long id, buf *out);

/* Append every rule (or every rule of one test), in order, separated by
 * commas. */
void faults_describe_all(faults *f, const char *test_id, buf *out);

#endif
