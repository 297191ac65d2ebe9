/*
 * test_timer.c - the TIMER operation (rt-app's periodic timer): periods
 * from the thread's arrival, a relative timer restarting after an overrun,
 * an absolute one catching up; hand-computed on one core.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "engine/sim.h"
#include "topo/topo.h"
#include "trace/trace.h"

/* One global FIFO queue: the simplest policy that runs a trace. */
static const struct ipa_rq_desc rqs[] = {
    {.name = "global", .state = IPA_STATE_READY},
};

static int g_prepare(struct ipa_rt *rt, struct ipa_process_event *e)
{
    (void)rt;
    (void)e;
    return 0;
}

static void g_place(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_READY, e->core,
                     ipa_global_rq(rt, 0));
}

static void g_block(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_BLOCKED, e->core, NULL);
}

static void g_terminate(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_TERMINATED, e->core, NULL);
}

static void g_schedule(struct ipa_rt *rt, struct ipa_core_event *e)
{
    struct ipa_thread *t = ipa_rq_first(ipa_global_rq(rt, 0));
    if (t)
        ipa_change_state(rt, t, IPA_STATE_RUNNING, e->target, NULL);
}

static const struct ipa_policy_ops ops = {
    .abi = IPA_RUNTIME_ABI,
    .name = "global",
    .global_rqs = rqs,
    .nr_global_rqs = 1,
    .new_prepare = g_prepare,
    .new_place = g_place,
    .unblock_prepare = g_prepare,
    .unblock_place = g_place,
    .block = g_block,
    .terminate = g_terminate,
    .schedule = g_schedule,
};

/* Runs @json on one core; returns thread 0's result in @out. */
static void run(const char *json, struct ipa_thread_result *out)
{
    struct ipa_topo *topo = NULL;
    struct ipa_trace *trace = NULL;
    GError *error = NULL;
    assert_true(ipa_topo_load("pack:1 core:1 pu:1", &topo, &error));
    if (!ipa_trace_parse_json("timer.json", json, strlen(json), &trace,
                              &error))
        fail_msg("trace: %s", error->message);
    struct ipa_sim_config config;
    ipa_sim_config_defaults(&config);
    struct ipa_sim *sim = ipa_sim_new(topo, trace, &config);
    assert_true(ipa_sim_add_partition(sim, "global", &ops, NULL, NULL, 0,
                                      &error));
    assert_true(ipa_sim_run(sim, &error));
    assert_int_equal(ipa_sim_exit_kind(sim), IPA_SIM_DONE);
    ipa_sim_thread_result(sim, 0, out);
    ipa_sim_free(sim);
    ipa_trace_free(trace);
    ipa_topo_free(topo);
}

static void test_periods(void **state)
{
    (void)state;
    struct ipa_thread_result r;
    /* runs 0-3, 10-13, 20-23; the third period ends at 30 */
    run("{\"ipasim_trace\":1,\"threads\":[{\"name\":\"a\",\"ops\":["
        "{\"repeat\":3,\"ops\":[{\"run\":\"3ms\"},{\"timer\":\"10ms\"}]}]}]}",
        &r);
    assert_int_equal(r.end_ns, 30000000);
    assert_int_equal(r.runtime_ns, 9000000);
    assert_int_equal(r.nr_wakeups, 3);
}

static void test_periods_from_arrival(void **state)
{
    (void)state;
    struct ipa_thread_result r;
    run("{\"ipasim_trace\":1,\"threads\":[{\"name\":\"a\",\"start\":\"5ms\","
        "\"ops\":[{\"run\":\"1ms\"},{\"timer\":\"10ms\"},{\"run\":\"1ms\"},"
        "{\"timer\":\"10ms\"}]}]}",
        &r);
    /* boundaries at 15 and 25 */
    assert_int_equal(r.end_ns, 25000000);
    assert_int_equal(r.nr_wakeups, 2);
}

static void test_relative_overrun_restarts(void **state)
{
    (void)state;
    struct ipa_thread_result r;
    /* overrun at 15 (boundary 10): restart from 15, so 25 then 35 */
    run("{\"ipasim_trace\":1,\"threads\":[{\"name\":\"a\",\"ops\":["
        "{\"run\":\"15ms\"},{\"timer\":\"10ms\"},{\"run\":\"1ms\"},"
        "{\"timer\":\"10ms\"},{\"run\":\"1ms\"},{\"timer\":\"10ms\"}]}]}",
        &r);
    assert_int_equal(r.end_ns, 35000000);
    assert_int_equal(r.nr_wakeups, 2);
}

static void test_absolute_overrun_catches_up(void **state)
{
    (void)state;
    struct ipa_thread_result r;
    /* overrun at 15 (boundary 10): the boundaries stay at 20 and 30 */
    run("{\"ipasim_trace\":1,\"threads\":[{\"name\":\"a\",\"ops\":["
        "{\"run\":\"15ms\"},{\"timer\":\"10ms\",\"absolute\":true},"
        "{\"run\":\"1ms\"},{\"timer\":\"10ms\",\"absolute\":true},"
        "{\"run\":\"1ms\"},{\"timer\":\"10ms\",\"absolute\":true}]}]}",
        &r);
    assert_int_equal(r.end_ns, 30000000);
    assert_int_equal(r.nr_wakeups, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_periods),
        cmocka_unit_test(test_periods_from_arrival),
        cmocka_unit_test(test_relative_overrun_restarts),
        cmocka_unit_test(test_absolute_overrun_catches_up),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
