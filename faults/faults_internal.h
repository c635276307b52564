/* The store shared by faults/ files (not for the servers). */
#ifndef FAULTS_INTERNAL_H
#define FAULTS_INTERNAL_H

#include <pthread.h>

#include "faults.h"
#include "faults_rule.h"

typedef struct faults_reset_hook {
    void (*fn)(void *ctx);
    void *ctx;
} faults_reset_hook;

/* Rules in insertion order under one lock: requests test them in order and
 * update their trigger state, the control API adds and removes them. */
struct faults {
    pthread_mutex_t lock;
    faults_rule **rules;
    size_t n, cap;
    unsigned long next_id;
    const char *control_token;
    journal *journal;          /* set up before serving, read-only after */
    faults_ext ext[16];        /* likewise */
    size_t next;
    faults_reset_hook *resets; /* likewise */
    size_t nresets;
};

/* Add one rule object or an array of them (a cJSON *), all or nothing; the
 * new rules get the ids first_id .. first_id + count - 1. */
bool faults_add_parsed(faults *f, const void *json, unsigned long *first_id, size_t *count, char *err,
                       size_t errlen);

/* Append the stored rule `id` as JSON (the rule as given, plus id, hits,
 * remaining); false if there is no such rule. */
bool faults_describe(faults *f, unsigned long id, buf *out);

/* Append every rule, in order, separated by commas. */
void faults_describe_all(faults *f, buf *out);

#endif
