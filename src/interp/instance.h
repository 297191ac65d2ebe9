/*
 * instance.h - one program running on one partition (an ipa_rt): the
 * entities' storage, the frame stack, and the event being handled.
 * Everything here is allocated at init; the event path only reuses it.
 */
#ifndef IPA_INTERP_INSTANCE_H
#define IPA_INTERP_INSTANCE_H

#include <ipasim/dsl.h>

#include "lower/program.h"


struct inst {
    struct program *p;
    struct ipa_rt *rt;
    int *attr_ids; /* trace attribute ids, by program attr_names index */

    int64_t *cores_set; /* the partition's cores, encoded, ascending */
    int nr_cores;
    /* [enum within]: the runtime's core sets, fixed for the run */
    const uint64_t *within[WITHIN_COUNT];
    bool *mine;         /* [machine core]: in the partition */
    int nr_machine_cores;
    /* [machine core * p->nr_rqs]: the partition's run queues, NULL for
     * other cores (core_rq() asks the runtime, which names the fault) */
    struct ipa_rq **rqs;
    void **core_data; /* [machine core]: the partition's, as rqs */
    struct ipa_dsl_span *core_sets; /* [machine core][set slot] */

    /* what the builder made: set attributes are spans of its pool */
    struct ipa_dsl_domains doms;
    char *builder_where;
    int64_t *dom_data;     /* [domain][plain slot] */
    struct ipa_dsl_span *dom_sets; /* [domain][set slot] */
    int64_t *grp_data;
    struct ipa_dsl_span *grp_sets;

    /* Lazy attributes of cores, domains and groups, cached while nothing
     * changes: `epoch` moves at every event and move, and at every write
     * of a field some lazy attribute may read (lower.c's
     * find_epoch_writes), so a cached value is never stale.
     * [entity][lazy index] */
    struct lazy_cache {
        int64_t value;
        uint64_t epoch;
    } *lazy_cache[IPA_ENT_COUNT];
    uint64_t epoch;

    int64_t *stack; /* frames */
    int stack_size;
    int top;        /* first free slot */
    int depth;      /* lazy attributes being evaluated */
    int64_t *fp;    /* current frame */
    GArray *scratch; /* int64_t: foreach snapshots */
    uint64_t steps;

    /* the event being handled */
    int ev;
    int64_t ev_target; /* e.target, encoded: the thread, or the core */
    int64_t ev_core;     /* thread events: e.core (encoded) */
    int64_t ev_source;
    bool preparing;      /* new/unblock prepare: record the target's move */
    int placed_core, placed_state;
    int preempt_core; /* recorded by preempt(c) in prepare, -1: none */
    struct ipa_dsl_locks locks;
    struct ipa_dsl_walks walks; /* foreach over run queues */
    int64_t ret;

    /* the ipa_rq_sum argument of each kept sum (program.h's KEPT_SUM) */
    struct kept_sum {
        struct inst *in;
        int lazy;
    } kept[IPA_RQ_SUMS];
};

/* Runs a unit (handler, function, attribute) with @args in its first
 * slots; returns its value (expressions) or the returned value. */
int64_t ipa_interp_run(struct inst *in, const struct unit *u,
                       const int64_t *args, int nr_args);
/* Moves thread @t into state @state of @core, taking the locks it needs
 * (best effort: a failed trylock skips the move). */
void ipa_interp_move(struct inst *in, struct ipa_thread *t, int core,
                     int state, const struct ipa_node *src);
/* Makes the preemption prepare recorded (preempt(c)): core c's running
 * thread goes back to its first READY state at the schedule point that
 * follows the event, as a tick's preemption does. */
void ipa_interp_preempt(struct inst *in, const struct ipa_node *src);
/* Stops the run with a fault at @src (file:line:col). */
void ipa_interp_fault(struct inst *in, const struct ipa_node *src,
                      const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

#endif
