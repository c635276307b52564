/* The store shared by faults/ files (not for the servers). */
#ifndef FAULTS_INTERNAL_H
#define FAULTS_INTERNAL_H

#include <pthread.h>

#include "faults.h"
#include "faults_rule.h"

/* Rules in insertion order under one lock: requests test them in order and
 * update their trigger state, the control API adds and removes them. */
struct faults {
    pthread_mutex_t lock;
    faults_rule **rules;
    size_t n, cap;
    unsigned long next_id;
    faults_extensions x; /* set up before serving, read-only after */
};

#endif
