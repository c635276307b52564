/* faults_rule: one rule, its parsing and validation (faults/ internal). */
#ifndef FAULTS_RULE_H
#define FAULTS_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server.h"

typedef struct faults_pair {
    char *name;
    char *value;
} faults_pair;

/* Server-specific fields a rule may carry (faults_add_field). */
typedef struct faults_ext {
    const char *name;
    bool (*check)(const char *value, char *err, size_t errlen);
} faults_ext;

/* What a server adds to the rule language: its own fields and its own
 * `kind` values (names are the server's literals, never copied). */
#define FAULTS_MAX_FIELDS 16
#define FAULTS_MAX_KINDS 8
typedef struct faults_extensions {
    faults_ext fields[FAULTS_MAX_FIELDS];
    size_t nfields;
    const char *kinds[FAULTS_MAX_KINDS];
    size_t nkinds;
} faults_extensions;

typedef struct faults_rule {
    unsigned long id;
    void *json; /* the rule as given (cJSON), echoed by the control API */
    /* what it matches */
    char *path, *method, *model;
    char *test_id; /* acts only on requests with this x-test-id */
    faults_pair *match_headers;
    size_t nmatch;
    /* what it does */
    long status;
    char *body;
    faults_pair *headers;
    size_t nheaders;
    faults_pair *extras; /* server-specific fields, as text */
    size_t nextras;
    long delay_ms, jitter_ms;
    srv_delivery kind;
    long kind_param; /* the kind's own parameter, from the one field below that fits it */
    long hang_ms, drip_bytes_per_s, truncate_bytes; /* -1 when not given */
    /* when it fires */
    long times, after, every, duration_ms;
    double probability;
    long seed; /* -1: none given */
    /* state, under the store's lock */
    uint64_t created_ms, matched, hits, rng, jitter_rng;
} faults_rule;

/* Parse a JSON object (a cJSON *) into a new rule, with a server's
 * extensions (NULL: none); NULL with a message naming the field when it is
 * invalid. */
faults_rule *faults_rule_from_json(const void *obj, const faults_extensions *x, char *err, size_t errlen);

/* Parse the x-mock-fault header form, "status=503;delay_ms=800". */
faults_rule *faults_rule_from_header(const char *kv, const faults_extensions *x, char *err, size_t errlen);

void faults_rule_free(faults_rule *r);

/* Does the rule's filter match this request? body_model is the request
 * body's "model" (NULL if none). */
bool faults_rule_matches(const faults_rule *rule, srv_req *r, const char *body_model);

/* Trigger logic for one matching request at time now; updates the state.
 * Returns true when the rule fires. Call under the store's lock. */
bool faults_rule_fires(faults_rule *rule, uint64_t now_ms);

/* Requests the rule will still fire for (-1 = unlimited). */
long faults_rule_remaining(const faults_rule *rule);

/* The delay for this firing: delay_ms plus the seeded jitter. */
unsigned faults_rule_delay(faults_rule *rule);

/* What the rule does, for metrics and the journal: "reset", "status", ... */
const char *faults_rule_kind_name(const faults_rule *rule);

/* Make the response what the rule says; false when the handler must not
 * run (the rule decided the response). */
bool faults_rule_apply(const faults_rule *rule, unsigned delay_ms, srv_req *r);

#endif
