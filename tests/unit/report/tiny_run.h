/*
 * tiny_run.h - a small run for the report tests: per-core FIFO queues, a
 * thread goes to the core named by its attribute "core" (default 0) and
 * gives way at every tick when its queue is not empty; the run is
 * recorded by an ipa_recorder. Included by test_*.c (static only).
 */
#ifndef IPA_TESTS_TINY_RUN_H
#define IPA_TESTS_TINY_RUN_H

#include <string.h>

#include "engine/sim.h"
#include "report/recorder.h"
#include "topo/topo.h"
#include "trace/trace.h"

static int tiny_core_attr;
/* Limits of the recorder of the next tiny_start (NULL: defaults). */
static const struct ipa_recorder_limits *tiny_limits;

static const struct ipa_rq_desc tiny_rqs[] = {
    {.name = "ready", .state = IPA_STATE_READY},
};

static int tiny_init(struct ipa_rt *rt)
{
    tiny_core_attr = ipa_attr_id(rt, "core");
    return 0;
}

static int tiny_prepare(struct ipa_rt *rt, struct ipa_process_event *e)
{
    (void)rt;
    return (int)ipa_thread_attr(e->target, tiny_core_attr, 0);
}

static void tiny_place(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_READY, e->core,
                     ipa_core_rq(rt, e->core, 0));
}

static void tiny_tick(struct ipa_rt *rt, struct ipa_process_event *e)
{
    if (ipa_rq_count(ipa_core_rq(rt, e->core, 0)))
        ipa_change_state(rt, e->target, IPA_STATE_READY_TICK, e->core,
                         ipa_core_rq(rt, e->core, 0));
}

static void tiny_block(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_BLOCKED, e->core, NULL);
}

static void tiny_terminate(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_TERMINATED, e->core, NULL);
}

static void tiny_schedule(struct ipa_rt *rt, struct ipa_core_event *e)
{
    struct ipa_thread *t = ipa_rq_first(ipa_core_rq(rt, e->target, 0));
    if (t)
        ipa_change_state(rt, t, IPA_STATE_RUNNING, e->target, NULL);
}

static const struct ipa_policy_ops tiny_ops = {
    .abi = IPA_RUNTIME_ABI,
    .name = "tiny",
    .core_rqs = tiny_rqs,
    .nr_core_rqs = 1,
    .init = tiny_init,
    .new_prepare = tiny_prepare,
    .new_place = tiny_place,
    .unblock_prepare = tiny_prepare,
    .unblock_place = tiny_place,
    .tick = tiny_tick,
    .block = tiny_block,
    .terminate = tiny_terminate,
    .schedule = tiny_schedule,
};

struct tiny_run {
    struct ipa_topo *topo;
    struct ipa_trace *trace;
    struct ipa_sim *sim;
    struct ipa_recorder *rec;
    struct ipa_sim_observer observer;
};

/* Runs @json on the synthetic topology @topo, flagging violations of at
 * least @threshold_ns; false when the inputs do not load. */
static bool tiny_start(struct tiny_run *r, const char *topo, const char *json,
                       uint64_t threshold_ns)
{
    GError *error = NULL;
    memset(r, 0, sizeof *r);
    if (!ipa_topo_load(topo, &r->topo, &error) ||
        !ipa_trace_parse_json("tiny.json", json, strlen(json), &r->trace,
                              &error)) {
        fprintf(stderr, "tiny_start: %s\n", error->message);
        g_error_free(error);
        return false;
    }
    struct ipa_sim_config config;
    ipa_sim_config_defaults(&config);
    config.wc_threshold_ns = threshold_ns;
    r->sim = ipa_sim_new(r->topo, r->trace, &config);
    r->rec = ipa_recorder_new(ipa_sim_nr_cores(r->sim), tiny_limits);
    ipa_recorder_observer(r->rec, &r->observer);
    ipa_sim_add_observer(r->sim, &r->observer);
    if (!ipa_sim_add_partition(r->sim, "tiny", &tiny_ops, NULL, NULL, 0,
                               &error) ||
        !ipa_sim_run(r->sim, &error)) {
        fprintf(stderr, "tiny_start: %s\n", error->message);
        g_error_free(error);
        return false;
    }
    ipa_recorder_finish(r->rec, ipa_sim_now_ns(r->sim));
    return true;
}

static void tiny_finish(struct tiny_run *r)
{
    ipa_recorder_free(r->rec);
    ipa_sim_free(r->sim);
    if (r->trace)
        ipa_trace_free(r->trace);
    if (r->topo)
        ipa_topo_free(r->topo);
}

#endif
