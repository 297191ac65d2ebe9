/*
 * test_sim.c - the engine on small hand-computed scenarios: the order of
 * callbacks, the runtime's rules, synchronisation, accounting, and the
 * monitor fed by a real run.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "engine/sim.h"
#include "engine/stats.h"
#include "topo/topo.h"
#include "trace/trace.h"

/* ---- a small policy under test ------------------------------------------ */

/* Per-core FIFO queues ordered by the thread attribute "prio" (lowest
 * first); a thread goes to the core named by its attribute "core" (default
 * 0). Preempts at every tick when "rr" is set; records callbacks. */
static GString *calls;
static bool round_robin;
static int prio_attr, core_attr;
static enum { MISBEHAVE_NONE, MISBEHAVE_ILLEGAL, MISBEHAVE_NOLOCK } misbehave;

static void note(const char *what)
{
    g_string_append_printf(calls, "%s ", what);
}

static int by_prio(const struct ipa_thread *a, const struct ipa_thread *b,
                   void *arg)
{
    (void)arg;
    int64_t pa = ipa_thread_attr(a, prio_attr, 0);
    int64_t pb = ipa_thread_attr(b, prio_attr, 0);
    return (pa > pb) - (pa < pb);
}

static const struct ipa_rq_desc rqs[] = {
    {.name = "ready", .state = IPA_STATE_READY, .cmp = by_prio},
};

static int t_init(struct ipa_rt *rt)
{
    prio_attr = ipa_attr_id(rt, "prio");
    core_attr = ipa_attr_id(rt, "core");
    return 0;
}

static int t_prepare(struct ipa_rt *rt, struct ipa_process_event *e)
{
    (void)rt;
    note("prepare");
    return (int)ipa_thread_attr(e->target, core_attr, 0);
}

static void t_place(struct ipa_rt *rt, struct ipa_process_event *e)
{
    note("place");
    int core = e->core;
    if (misbehave == MISBEHAVE_NOLOCK)
        core = (core + 1) % ipa_nr_cores(rt);
    ipa_change_state(rt, e->target, IPA_STATE_READY, core,
                     ipa_core_rq(rt, core, 0));
}

static void t_end(struct ipa_rt *rt, struct ipa_process_event *e)
{
    (void)rt;
    (void)e;
    note("end");
}

static void t_tick(struct ipa_rt *rt, struct ipa_process_event *e)
{
    if (round_robin && ipa_rq_count(ipa_core_rq(rt, e->core, 0)))
        ipa_change_state(rt, e->target, IPA_STATE_READY_TICK, e->core,
                         ipa_core_rq(rt, e->core, 0));
}

static void t_block(struct ipa_rt *rt, struct ipa_process_event *e)
{
    note("block");
    ipa_change_state(rt, e->target,
                     misbehave == MISBEHAVE_ILLEGAL ? IPA_STATE_MIGRATING
                                                    : IPA_STATE_BLOCKED,
                     e->core, NULL);
}

static void t_terminate(struct ipa_rt *rt, struct ipa_process_event *e)
{
    note("terminate");
    ipa_change_state(rt, e->target, IPA_STATE_TERMINATED, e->core, NULL);
}

/* Kept sums under test (test_kept_sums): checked when sums is set. */
static bool sums, sum_misuse;
static int sum_checks, sum_mismatches, value_calls;

static int64_t group_share(struct ipa_rt *rt, const struct ipa_thread *t,
                           void *arg)
{
    (void)arg;
    value_calls++;
    int g = ipa_thread_group(t);
    return ipa_thread_weight(t) / (g >= 0 ? ipa_group_size(rt, g) : 1);
}

static int64_t other_value(struct ipa_rt *rt, const struct ipa_thread *t,
                           void *arg)
{
    (void)rt;
    (void)t;
    (void)arg;
    return 1;
}

/* At every schedule point: the sums the runtime keeps (ipa_rq_sum) are
 * the sums of walking the queues. */
static void check_sums(struct ipa_rt *rt, int core)
{
    for (int i = 0; i < ipa_nr_cores(rt); i++) {
        struct ipa_rq *rq = ipa_core_rq(rt, ipa_core_at(rt, i), 0);
        int calls_before = value_calls;
        int64_t walked = 0;
        for (struct ipa_thread *t = ipa_rq_first(rq); t;
             t = ipa_rq_next(rq, t))
            walked += group_share(rt, t, NULL);
        value_calls = calls_before;
        sum_mismatches += ipa_rq_sum(rt, rq, 0, group_share, NULL) != walked;
        sum_checks++;
    }
    if (sum_misuse)
        ipa_rq_sum(rt, ipa_core_rq(rt, core, 0), 0, other_value, NULL);
}

/* Waiting cores under test (test_waiting_cores): checked when set. */
static bool waiting;
static int waiting_checks, waiting_seen, waiting_mismatches;

static bool has_waiting(struct ipa_rt *rt, int core)
{
    return ipa_rq_count(ipa_core_rq(rt, core, 0)) > 0;
}

/* The first waiting core >= @from in @mask. */
static int next_waiting(struct ipa_rt *rt, const uint64_t *mask, int from)
{
    return ipa_cores_next(ipa_waiting_cores(rt), mask, ipa_machine_cores(rt),
                          from);
}

/* At every schedule point: the runtime's waiting cores are what scanning
 * the queues finds, over all cores and within each domain's mask. */
static void check_waiting(struct ipa_rt *rt)
{
    int first = -1;
    for (int i = 0; i < ipa_nr_cores(rt); i++) {
        int c = ipa_core_at(rt, i);
        if (first < 0 && has_waiting(rt, c))
            first = c;
        waiting_mismatches +=
            (next_waiting(rt, NULL, c) == c) != has_waiting(rt, c);
        for (int l = 1; l <= ipa_nr_levels(rt); l++) {
            const struct ipa_sched_domain *sd = ipa_core_domain(rt, c, l);
            int want = -1;
            for (int k = sd->nr_cores - 1; k >= 0; k--)
                if (has_waiting(rt, sd->cores[k]))
                    want = sd->cores[k];
            waiting_mismatches += next_waiting(rt, sd->mask, 0) != want;
        }
    }
    waiting_mismatches += next_waiting(rt, NULL, 0) != first;
    waiting_seen += first >= 0;
    waiting_checks++;
}

static void t_schedule(struct ipa_rt *rt, struct ipa_core_event *e)
{
    note("schedule");
    if (sums)
        check_sums(rt, e->target);
    if (waiting)
        check_waiting(rt);
    struct ipa_thread *t = ipa_rq_first(ipa_core_rq(rt, e->target, 0));
    if (t)
        ipa_change_state(rt, t, IPA_STATE_RUNNING, e->target, NULL);
}

#define CORE_NOTE(name)                                                        \
    static void t_##name(struct ipa_rt *rt, struct ipa_core_event *e)          \
    {                                                                          \
        (void)rt;                                                              \
        (void)e;                                                               \
        note(#name);                                                           \
    }
CORE_NOTE(newly_idle)
CORE_NOTE(enter_idle)
CORE_NOTE(exit_idle)

static const struct ipa_policy_ops test_ops = {
    .abi = IPA_RUNTIME_ABI,
    .name = "test",
    .core_rqs = rqs,
    .nr_core_rqs = 1,
    .init = t_init,
    .new_prepare = t_prepare,
    .new_place = t_place,
    .new_end = t_end,
    .unblock_prepare = t_prepare,
    .unblock_place = t_place,
    .unblock_end = t_end,
    .tick = t_tick,
    .block = t_block,
    .terminate = t_terminate,
    .schedule = t_schedule,
    .newly_idle = t_newly_idle,
    .enter_idle = t_enter_idle,
    .exit_idle = t_exit_idle,
};

/* A policy whose thread data (40 bytes) fits in a cache line: the engine
 * lays it within one, wherever the thread's program ends. */
enum { DATA_SIZE = 40, LINE = 64 };
static int placed, straddling;

static void data_place(struct ipa_rt *rt, struct ipa_process_event *e)
{
    uintptr_t at = (uintptr_t)ipa_thread_data(e->target);
    placed++;
    if (at % LINE + DATA_SIZE > LINE)
        straddling++;
    t_place(rt, e);
}

/* A global queue (EDF-like): any core elects the queue's first thread;
 * balancing on core 0 elects for an idle core 1 from its own event. */
static const struct ipa_rq_desc global_rqs[] = {
    {.name = "global", .state = IPA_STATE_READY},
};

static int g_prepare(struct ipa_rt *rt, struct ipa_process_event *e)
{
    (void)e;
    int idle = ipa_next_idle_core(rt, 0);
    return idle >= 0 ? idle : 0;
}

static void g_place(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_READY, e->core,
                     ipa_global_rq(rt, 0));
}

static void g_schedule(struct ipa_rt *rt, struct ipa_core_event *e)
{
    struct ipa_thread *t = ipa_rq_first(ipa_global_rq(rt, 0));
    if (t)
        ipa_change_state(rt, t, IPA_STATE_RUNNING, e->target, NULL);
}

static const struct ipa_policy_ops global_ops = {
    .abi = IPA_RUNTIME_ABI,
    .name = "global",
    .global_rqs = global_rqs,
    .nr_global_rqs = 1,
    .new_prepare = g_prepare,
    .new_place = g_place,
    .unblock_prepare = g_prepare,
    .unblock_place = g_place,
    .block = t_block,
    .terminate = t_terminate,
    .schedule = g_schedule,
};

/* The same policy with a queue the runtime orders by keys in the
 * thread's data: after an unused word, "prio" lowest first, then "rank"
 * highest first; ties FIFO. */
static int rank_attr;

static const struct ipa_rq_desc keyed_rqs[] = {
    {.name = "ready",
     .state = IPA_STATE_READY,
     .nr_keys = 2,
     .key_offset = sizeof(int64_t),
     .highest = 2},
};

static int k_init(struct ipa_rt *rt)
{
    rank_attr = ipa_attr_id(rt, "rank");
    return t_init(rt);
}

static int k_prepare(struct ipa_rt *rt, struct ipa_process_event *e)
{
    int64_t *keys = ipa_thread_data(e->target);
    keys[1] = ipa_thread_attr(e->target, prio_attr, 0);
    keys[2] = ipa_thread_attr(e->target, rank_attr, 0);
    return t_prepare(rt, e);
}

static const struct ipa_policy_ops keyed_ops = {
    .abi = IPA_RUNTIME_ABI,
    .name = "keyed",
    .thread_data_size = 3 * sizeof(int64_t),
    .core_rqs = keyed_rqs,
    .nr_core_rqs = 1,
    .init = k_init,
    .new_prepare = k_prepare,
    .new_place = t_place,
    .unblock_prepare = k_prepare,
    .unblock_place = t_place,
    .block = t_block,
    .terminate = t_terminate,
    .schedule = t_schedule,
};

static const struct ipa_policy_ops *ops_under_test = &test_ops;

/* ---- fixture -------------------------------------------------------------- */

/* The event log's format, written here so that the engine test does not
 * depend on the report stage. */
static void log_line(void *ctx, uint64_t now_ns, const char *event, int core,
                     int tid, enum ipa_state from, enum ipa_state to)
{
    fprintf(ctx, "%llu %s %d %d %s %s\n", (unsigned long long)now_ns, event,
            core, tid, ipa_state_name(from), ipa_state_name(to));
}

struct run {
    struct ipa_topo *topo;
    struct ipa_trace *trace;
    struct ipa_sim *sim;
    char *log;
    size_t log_len;
};

static void start(struct run *r, const char *topo, const char *json,
                  uint64_t threshold_ns)
{
    GError *error = NULL;
    memset(r, 0, sizeof *r);
    g_string_truncate(calls, 0);
    assert_true(ipa_topo_load(topo, &r->topo, &error));
    if (!ipa_trace_parse_json("test.json", json, strlen(json), &r->trace,
                              &error))
        fail_msg("trace: %s", error->message);
    struct ipa_sim_config config;
    ipa_sim_config_defaults(&config);
    config.wc_threshold_ns = threshold_ns;
    FILE *log = open_memstream(&r->log, &r->log_len);
    r->sim = ipa_sim_new(r->topo, r->trace, &config);
    struct ipa_sim_observer observer = {.ctx = log, .state_change = log_line};
    ipa_sim_add_observer(r->sim, &observer);
    assert_true(ipa_sim_add_partition(r->sim, "test", ops_under_test, NULL,
                                      NULL, 0, &error));
    assert_true(ipa_sim_run(r->sim, &error));
    fclose(log);
}

static void finish(struct run *r)
{
    ipa_sim_free(r->sim);
    ipa_trace_free(r->trace);
    ipa_topo_free(r->topo);
    free(r->log);
}

static struct ipa_thread_result thread(struct run *r, int tid)
{
    struct ipa_thread_result res;
    ipa_sim_thread_result(r->sim, tid, &res);
    return res;
}

static const struct ipa_wc_result *wc(struct run *r)
{
    struct ipa_partition_result p;
    ipa_sim_partition_result(r->sim, 0, &p);
    return p.wc;
}

static int setup(void **state)
{
    (void)state;
    calls = g_string_new(NULL);
    round_robin = false;
    sums = sum_misuse = false;
    waiting = false;
    misbehave = MISBEHAVE_NONE;
    ops_under_test = &test_ops;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    g_string_free(calls, TRUE);
    return 0;
}

/* ---- tests ---------------------------------------------------------------- */

static void test_one_core_fifo(void **state)
{
    (void)state;
    struct run r;
    start(&r, "pack:1 core:1 pu:1",
          "{\"ipasim_trace\":1,\"threads\":["
          "{\"name\":\"a\",\"ops\":[{\"run\":\"10ms\"}]},"
          "{\"name\":\"b\",\"ops\":[{\"run\":\"10ms\"}]}]}",
          20000000);
    assert_int_equal(ipa_sim_exit_kind(r.sim), IPA_SIM_DONE);
    assert_int_equal(ipa_sim_makespan_ns(r.sim), 20000000);
    assert_int_equal(thread(&r, 0).runtime_ns, 10000000);
    assert_int_equal(thread(&r, 0).wait_ns, 0);
    assert_int_equal(thread(&r, 1).runtime_ns, 10000000);
    assert_int_equal(thread(&r, 1).wait_ns, 10000000);
    assert_int_equal(thread(&r, 1).latency_max_ns, 10000000);
    assert_int_equal(thread(&r, 0).state, IPA_STATE_TERMINATED);
    assert_int_equal(wc(&r)->violations, 0);
    struct ipa_core_result c;
    ipa_sim_core_result(r.sim, 0, &c);
    assert_int_equal(c.busy_ns, 20000000);
    assert_int_equal(c.idle_ns, 0);
    finish(&r);
}

/* The Ipanema order: exit_idle before placing on an idle core; schedule,
 * then newly_idle and schedule again, then enter_idle. */
static void test_callback_order(void **state)
{
    (void)state;
    struct run r;
    start(&r, "pack:1 core:1 pu:1",
          "{\"ipasim_trace\":1,\"threads\":["
          "{\"name\":\"a\",\"ops\":[{\"run\":\"1ms\"}]}]}",
          20000000);
    assert_string_equal(calls->str,
                        "prepare exit_idle place end schedule terminate "
                        "schedule newly_idle schedule enter_idle ");
    finish(&r);
}

static void test_work_conservation_measured(void **state)
{
    (void)state;
    struct run r;
    /* both on core 0 of two: b waits 10ms while core 1 idles */
    start(&r, "pack:1 core:2 pu:1",
          "{\"ipasim_trace\":1,\"threads\":["
          "{\"name\":\"a\",\"ops\":[{\"run\":\"10ms\"}]},"
          "{\"name\":\"b\",\"ops\":[{\"run\":\"10ms\"}]}]}",
          5000000);
    const struct ipa_wc_result *w = wc(&r);
    assert_int_equal(w->violations, 1);
    assert_int_equal(w->wasted_core_ns, 10000000);
    assert_int_equal(w->longest_ns, 10000000);
    assert_int_equal(w->flagged->len, 1);
    const struct ipa_wc_interval *iv =
        &g_array_index(w->flagged, struct ipa_wc_interval, 0);
    assert_int_equal(iv->start_ns, 0);
    assert_int_equal(iv->end_ns, 10000000);
    assert_int_equal(iv->nr_cores, 1);
    assert_int_equal(iv->cores[0], 1);
    assert_int_equal(iv->nr_threads, 1);
    assert_int_equal(iv->threads[0], 1);
    finish(&r);
}

static void test_affinity_is_not_a_violation(void **state)
{
    (void)state;
    struct run r;
    start(&r, "pack:1 core:2 pu:1",
          "{\"ipasim_trace\":1,\"threads\":["
          "{\"name\":\"a\",\"affinity\":\"0\",\"ops\":[{\"run\":\"10ms\"}]},"
          "{\"name\":\"b\",\"affinity\":\"0\",\"ops\":[{\"run\":\"10ms\"}]}]}",
          5000000);
    assert_int_equal(wc(&r)->violations, 0);
    assert_int_equal(ipa_sim_makespan_ns(r.sim), 20000000);
    finish(&r);
}

static void test_order_criterion(void **state)
{
    (void)state;
    struct run r;
    /* all arrive at once on one core: lowest prio first, ties FIFO */
    start(&r, "pack:1 core:1 pu:1",
          "{\"ipasim_trace\":1,\"threads\":["
          "{\"name\":\"a\",\"attrs\":{\"prio\":5},\"ops\":[{\"run\":\"1ms\"}]},"
          "{\"name\":\"b\",\"attrs\":{\"prio\":1},\"ops\":[{\"run\":\"1ms\"}]},"
          "{\"name\":\"c\",\"attrs\":{\"prio\":5},\"ops\":[{\"run\":\"1ms\"}]},"
          "{\"name\":\"d\",\"attrs\":{\"prio\":3},\"ops\":[{\"run\":\"1ms\"}]}"
          "]}",
          20000000);
    /* a arrives first on the idle core and runs; then b, d, a... */
    assert_int_equal(thread(&r, 0).end_ns, 1000000);
    assert_int_equal(thread(&r, 1).end_ns, 2000000);
    assert_int_equal(thread(&r, 3).end_ns, 3000000);
    assert_int_equal(thread(&r, 2).end_ns, 4000000);
    finish(&r);
}

static void test_order_by_keys(void **state)
{
    (void)state;
    struct run r;
    ops_under_test = &keyed_ops;
    /* a runs at once; then prio lowest first, rank highest first among
     * equal prios, FIFO among equal both: b, d, c, e, f */
    start(&r, "pack:1 core:1 pu:1",
          "{\"ipasim_trace\":1,\"threads\":["
          "{\"name\":\"a\",\"attrs\":{\"prio\":5},\"ops\":[{\"run\":\"1ms\"}]},"
          "{\"name\":\"b\",\"attrs\":{\"prio\":-1},\"ops\":[{\"run\":\"1ms\"}]},"
          "{\"name\":\"c\",\"attrs\":{\"prio\":5,\"rank\":9},\"ops\":[{\"run\":\"1ms\"}]},"
          "{\"name\":\"d\",\"attrs\":{\"prio\":3},\"ops\":[{\"run\":\"1ms\"}]},"
          "{\"name\":\"e\",\"attrs\":{\"prio\":5,\"rank\":9},\"ops\":[{\"run\":\"1ms\"}]},"
          "{\"name\":\"f\",\"attrs\":{\"prio\":5,\"rank\":-4},\"ops\":[{\"run\":\"1ms\"}]}"
          "]}",
          20000000);
    static const int order[] = {0, 1, 3, 2, 4, 5};
    for (int i = 0; i < 6; i++)
        assert_int_equal(thread(&r, order[i]).end_ns, (i + 1) * 1000000);
    finish(&r);
}

/* Keys the runtime cannot read safely are refused when the policy is
 * added, naming the queue. */
static void test_bad_keys_refused(void **state)
{
    (void)state;
    struct ipa_rq_desc bad = keyed_rqs[0];
    struct ipa_policy_ops ops = keyed_ops;
    ops.core_rqs = &bad;
    struct ipa_topo *topo = NULL;
    struct ipa_trace *trace = NULL;
    GError *error = NULL;
    const char *json = "{\"ipasim_trace\":1,\"threads\":[{\"name\":\"a\","
                       "\"ops\":[{\"run\":\"1ms\"}]}]}";
    assert_true(ipa_topo_load("pack:1 core:1 pu:1", &topo, &error));
    assert_true(ipa_trace_parse_json("t.json", json, strlen(json), &trace,
                                     &error));
    struct ipa_sim_config config;
    ipa_sim_config_defaults(&config);
    for (int k = 0; k < 4; k++) {
        bad = keyed_rqs[0];
        if (k == 0)
            bad.key_offset = 2 * sizeof(int64_t); /* past the data */
        else if (k == 1)
            bad.key_offset = 4; /* not aligned */
        else if (k == 2)
            bad.cmp = by_prio; /* both orders */
        else
            bad.nr_keys = -1;
        struct ipa_sim *sim = ipa_sim_new(topo, trace, &config);
        assert_false(ipa_sim_add_partition(sim, "test", &ops, NULL, NULL, 0,
                                           &error));
        assert_non_null(strstr(error->message, "run queue 'ready' has bad keys"));
        g_clear_error(&error);
        ipa_sim_free(sim);
    }
    /* the table as declared is accepted */
    bad = keyed_rqs[0];
    struct ipa_sim *sim = ipa_sim_new(topo, trace, &config);
    assert_true(ipa_sim_add_partition(sim, "test", &ops, NULL, NULL, 0,
                                      &error));
    ipa_sim_free(sim);
    ipa_trace_free(trace);
    ipa_topo_free(topo);
}

static void test_round_robin_ticks(void **state)
{
    (void)state;
    round_robin = true;
    struct run r;
    start(&r, "pack:1 core:1 pu:1",
          "{\"ipasim_trace\":1,\"threads\":["
          "{\"name\":\"a\",\"ops\":[{\"run\":\"3ms\"}]},"
          "{\"name\":\"b\",\"ops\":[{\"run\":\"3ms\"}]}]}",
          20000000);
    /* a 0-1, b 1-2, a 2-3, b 3-4, a 4-5, b 5-6 (ms) */
    assert_int_equal(thread(&r, 0).end_ns, 5000000);
    assert_int_equal(thread(&r, 1).end_ns, 6000000);
    assert_int_equal(thread(&r, 0).nr_switches, 3);
    assert_int_equal(thread(&r, 1).wait_ns, 3000000);
    /* preemption goes through READY_TICK, completed by the runtime */
    assert_non_null(strstr(r.log, "1000000 tick 0 0 RUNNING READY_TICK\n"
                                  "1000000 runtime 0 0 READY_TICK READY\n"
                                  "1000000 schedule 0 1 READY RUNNING\n"));
    finish(&r);
}

static void test_sleep_and_channels(void **state)
{
    (void)state;
    struct run r;
    start(&r, "pack:1 core:2 pu:1",
          "{\"ipasim_trace\":1,\"threads\":["
          "{\"name\":\"a\",\"ops\":[{\"run\":\"1ms\"},{\"sleep\":\"5ms\"},"
          "{\"run\":\"1ms\"},{\"wait\":\"go\"},{\"run\":\"1ms\"}]},"
          "{\"name\":\"b\",\"attrs\":{\"core\":1},\"ops\":[{\"run\":\"10ms\"},"
          "{\"signal\":\"go\"},{\"run\":\"1ms\"}]}]}",
          20000000);
    assert_int_equal(ipa_sim_exit_kind(r.sim), IPA_SIM_DONE);
    /* a: runs 0-1, sleeps to 6, runs to 7, waits; b signals at 10 */
    assert_int_equal(thread(&r, 0).end_ns, 11000000);
    assert_int_equal(thread(&r, 0).nr_wakeups, 2);
    assert_int_equal(thread(&r, 0).runtime_ns, 3000000);
    assert_int_equal(thread(&r, 1).end_ns, 11000000);
    finish(&r);
}

static void test_barrier(void **state)
{
    (void)state;
    struct run r;
    start(&r, "pack:1 core:3 pu:1",
          "{\"ipasim_trace\":1,\"threads\":["
          "{\"name\":\"w\",\"count\":3,\"ops\":[{\"repeat\":2,\"ops\":["
          "{\"run\":\"1ms\"},{\"barrier\":\"b\"}]}]}]}",
          20000000);
    /* every thread on core 0: rounds of 3ms each, twice */
    assert_int_equal(ipa_sim_exit_kind(r.sim), IPA_SIM_DONE);
    assert_int_equal(ipa_sim_makespan_ns(r.sim), 6000000);
    assert_int_equal(thread(&r, 0).nr_wakeups + thread(&r, 1).nr_wakeups +
                         thread(&r, 2).nr_wakeups,
                     4);
    finish(&r);
}

static void test_deadlock_names_threads(void **state)
{
    (void)state;
    struct run r;
    start(&r, "pack:1 core:1 pu:1",
          "{\"ipasim_trace\":1,\"threads\":["
          "{\"name\":\"stuck\",\"ops\":[{\"wait\":\"never\"}]},"
          "{\"name\":\"ok\",\"ops\":[{\"run\":\"1ms\"}]}]}",
          20000000);
    assert_int_equal(ipa_sim_exit_kind(r.sim), IPA_SIM_DEADLOCK);
    assert_non_null(strstr(ipa_sim_exit_message(r.sim),
                           "1 thread blocked forever: stuck (on channel "
                           "'never')"));
    assert_int_equal(thread(&r, 0).state, IPA_STATE_BLOCKED);
    assert_string_equal(thread(&r, 0).blocked_on, "never");
    finish(&r);
}

/* One thread running 1ms on @topo makes the policy fault with @message. */
static void assert_one_thread_faults(const char *topo, const char *message)
{
    struct run r;
    start(&r, topo,
          "{\"ipasim_trace\":1,\"threads\":["
          "{\"name\":\"a\",\"ops\":[{\"run\":\"1ms\"}]}]}",
          20000000);
    assert_int_equal(ipa_sim_exit_kind(r.sim), IPA_SIM_FAULT);
    assert_non_null(strstr(ipa_sim_exit_message(r.sim), message));
    finish(&r);
}

static void test_illegal_transition_faults(void **state)
{
    (void)state;
    misbehave = MISBEHAVE_ILLEGAL;
    struct run r;
    start(&r, "pack:1 core:1 pu:1",
          "{\"ipasim_trace\":1,\"threads\":["
          "{\"name\":\"a\",\"ops\":[{\"run\":\"2ms\"},{\"sleep\":\"1ms\"}]}]}",
          20000000);
    assert_int_equal(ipa_sim_exit_kind(r.sim), IPA_SIM_FAULT);
    const char *m = ipa_sim_exit_message(r.sim);
    assert_non_null(strstr(m, "illegal transition RUNNING -> MIGRATING"));
    assert_non_null(strstr(m, "event: block"));
    assert_non_null(strstr(m, "thread: 0 (a)"));
    assert_non_null(strstr(m, "core: 0"));
    assert_non_null(strstr(m, "time: 2000000 ns"));
    finish(&r);
}

static void test_lock_discipline(void **state)
{
    (void)state;
    misbehave = MISBEHAVE_NOLOCK;
    assert_one_thread_faults("pack:1 core:2 pu:1",
                             "onto core 1 without holding its lock");
}

static void test_spawn_and_mutex(void **state)
{
    (void)state;
    struct run r;
    start(&r, "pack:1 core:2 pu:1",
          "{\"ipasim_trace\":1,"
          "\"templates\":[{\"name\":\"kid\",\"attrs\":{\"core\":1},"
          "\"ops\":[{\"lock\":\"m\"},"
          "{\"run\":\"2ms\"},{\"unlock\":\"m\"}]}],"
          "\"threads\":[{\"name\":\"p\",\"ops\":[{\"lock\":\"m\"},"
          "{\"spawn\":\"kid\"},{\"run\":\"1ms\"},{\"unlock\":\"m\"},"
          "{\"run\":\"1ms\"}]}]}",
          20000000);
    assert_int_equal(ipa_sim_exit_kind(r.sim), IPA_SIM_DONE);
    assert_int_equal(ipa_sim_nr_threads(r.sim), 2);
    /* the kid starts on core 1 at once, blocks on m until p unlocks it
     * at 1ms (a hand-off: one wake-up), then runs 2ms */
    assert_int_equal(thread(&r, 1).runtime_ns, 2000000);
    assert_int_equal(thread(&r, 1).nr_wakeups, 1);
    assert_int_equal(thread(&r, 0).end_ns, 2000000);
    assert_int_equal(thread(&r, 1).end_ns, 3000000);
    finish(&r);
}

/* Thread records differ in size with their programs and loop nesting
 * (each carries a copy of its own program): threads of many lengths and
 * depths, and kids spawned mid-run, each run exactly their own program. */
static void test_programs_of_any_length(void **state)
{
    (void)state;
    enum { N = 40 };
    GString *json = g_string_new("{\"ipasim_trace\":1,"
                                 "\"templates\":[{\"name\":\"kid\",\"ops\":["
                                 "{\"repeat\":3,\"ops\":[{\"run\":\"70us\"},"
                                 "{\"sleep\":\"10us\"}]}]}],\"threads\":[");
    uint64_t want[N];
    for (int i = 0; i < N; i++) {
        int depth = i % 4, runs = i % 7 + 1;
        g_string_append_printf(json, "%s{\"name\":\"t%d\",\"ops\":[",
                               i ? "," : "", i);
        for (int d = 0; d < depth; d++)
            g_string_append(json, "{\"repeat\":2,\"ops\":[");
        for (int k = 0; k < runs; k++)
            g_string_append_printf(json, "%s{\"run\":\"%dus\"}",
                                   k ? "," : "", (i + 1) * 10);
        for (int d = 0; d < depth; d++)
            g_string_append(json, "]}");
        if (i % 5 == 0)
            g_string_append(json, ",{\"spawn\":\"kid\"}");
        /* the last ops too: a record laid over the end of another's
         * program changes them */
        g_string_append_printf(json, ",{\"sleep\":\"5us\"},{\"run\":\"%dus\"}]}",
                               i + 1);
        want[i] = (UINT64_C(1) << depth) * (uint64_t)runs *
                      (uint64_t)(i + 1) * 10000 +
                  (uint64_t)(i + 1) * 1000;
    }
    g_string_append(json, "]}");
    struct run r;
    start(&r, "pack:1 core:2 pu:1", json->str, 20000000);
    assert_int_equal(ipa_sim_exit_kind(r.sim), IPA_SIM_DONE);
    assert_int_equal(ipa_sim_nr_threads(r.sim), N + N / 5);
    for (int i = 0; i < N; i++)
        assert_int_equal(thread(&r, i).runtime_ns, want[i]);
    for (int i = N; i < N + N / 5; i++)
        assert_int_equal(thread(&r, i).runtime_ns, 210000);
    finish(&r);
    g_string_free(json, true);
}

/* Thousands of threads fill chunks of doubling size up to 2 MB, which the
 * engine maps itself (huge pages); a program longer than that gets a mapped
 * chunk of its own. Every record, program and policy slot stays intact. */
static void test_mapped_chunks(void **state)
{
    (void)state;
    enum { CROWD = 6000, LONG_OPS = 70000 };
    GString *json = g_string_new(NULL);
    g_string_printf(json,
                    "{\"ipasim_trace\":1,\"threads\":[{\"name\":\"w\","
                    "\"count\":%d,\"ops\":[{\"run\":\"20us\"},"
                    "{\"sleep\":\"5us\"},{\"run\":\"30us\"}]},"
                    "{\"name\":\"long\",\"ops\":[",
                    CROWD);
    for (int i = 0; i < LONG_OPS; i++)
        g_string_append(json, &",{\"run\":\"1us\"}"[i == 0]);
    g_string_append(json, "]}]}");
    struct run r;
    start(&r, "pack:1 core:2 pu:1", json->str, 20000000);
    assert_int_equal(ipa_sim_exit_kind(r.sim), IPA_SIM_DONE);
    assert_int_equal(ipa_sim_nr_threads(r.sim), CROWD + 1);
    for (int i = 0; i < CROWD; i++)
        assert_int_equal(thread(&r, i).runtime_ns, 50000);
    assert_int_equal(thread(&r, CROWD).runtime_ns, LONG_OPS * 1000);
    /* the crowd's fourth chunk and the long program's own (2.2 MB of ops
     * round up to 4 MB) */
    size_t mapped = ipa_sim_mapped_bytes(r.sim);
    assert_true(mapped >= (size_t)6 << 20);
    assert_int_equal(mapped % ((size_t)2 << 20), 0);
    finish(&r);
    g_string_free(json, true);
}

/* The engine runs programs in slots of two sizes (timed ops take two):
 * loops over ops of both sizes, nested, repeat exactly their bodies. */
static void test_loops_over_steps_of_both_sizes(void **state)
{
    (void)state;
    struct run r;
    start(&r, "pack:1 core:2 pu:1",
          "{\"ipasim_trace\":1,\"threads\":[{\"name\":\"t\",\"ops\":["
          "{\"repeat\":3,\"ops\":[{\"yield\":true},{\"run\":\"10us\"},"
          "{\"repeat\":2,\"ops\":[{\"signal\":\"c\"},{\"sleep\":\"5us\"},"
          "{\"run\":\"1us\"}]},{\"yield\":true}]},{\"run\":\"7us\"}]}]}",
          20000000);
    assert_int_equal(ipa_sim_exit_kind(r.sim), IPA_SIM_DONE);
    assert_int_equal(thread(&r, 0).runtime_ns, 3 * (10000 + 2 * 1000) + 7000);
    assert_int_equal(thread(&r, 0).nr_wakeups, 3 * 2);
    finish(&r);
}

/* Threads of equal programs share one copy: 1,000 threads of 100 ops
 * would need 3.2 MB of copies, and so mapped chunks; shared, their records
 * fit in the heap's. Each still keeps its own loop counters, and programs
 * that differ in one field (a count, a duration, a kind) keep their own. */
static void test_equal_programs_shared(void **state)
{
    (void)state;
    enum { CROWD = 1000, OPS = 100 };
    GString *json = g_string_new(NULL);
    g_string_printf(json, "{\"ipasim_trace\":1,\"threads\":["
                          "{\"name\":\"crowd\",\"count\":%d,\"ops\":[",
                    CROWD);
    for (int i = 0; i < OPS; i++)
        g_string_append(json, &",{\"run\":\"1us\"}"[i == 0]);
    g_string_append(
        json, "]},"
              "{\"name\":\"two\",\"ops\":[{\"repeat\":2,\"ops\":["
              "{\"run\":\"10us\"}]}]},"
              "{\"name\":\"three\",\"ops\":[{\"repeat\":3,\"ops\":["
              "{\"run\":\"10us\"}]}]},"
              "{\"name\":\"longer\",\"ops\":[{\"repeat\":2,\"ops\":["
              "{\"run\":\"20us\"}]}]},"
              "{\"name\":\"sleeper\",\"ops\":[{\"repeat\":2,\"ops\":["
              "{\"sleep\":\"10us\"}]}]},"
              "{\"name\":\"two_again\",\"ops\":[{\"repeat\":2,\"ops\":["
              "{\"run\":\"10us\"}]}]}]}");
    struct run r;
    start(&r, "pack:1 core:2 pu:1", json->str, 1000000000);
    assert_int_equal(ipa_sim_exit_kind(r.sim), IPA_SIM_DONE);
    assert_int_equal(ipa_sim_nr_threads(r.sim), CROWD + 5);
    assert_int_equal(ipa_sim_mapped_bytes(r.sim), 0);
    for (int i = 0; i < CROWD; i++)
        assert_int_equal(thread(&r, i).runtime_ns, OPS * 1000);
    assert_int_equal(thread(&r, CROWD).runtime_ns, 20000);
    assert_int_equal(thread(&r, CROWD + 1).runtime_ns, 30000);
    assert_int_equal(thread(&r, CROWD + 2).runtime_ns, 40000);
    assert_int_equal(thread(&r, CROWD + 3).runtime_ns, 0);
    assert_int_equal(thread(&r, CROWD + 4).runtime_ns, 20000);
    finish(&r);
    g_string_free(json, true);
}

/* Threads whose programs have 1 to 32 ops end their records at every
 * 16-byte offset of a line; none has its policy data across two lines. */
static void test_policy_data_within_a_line(void **state)
{
    (void)state;
    enum { N = 32 };
    GString *json = g_string_new("{\"ipasim_trace\":1,\"threads\":[");
    for (int i = 0; i < N; i++) {
        g_string_append_printf(json, "%s{\"name\":\"t%d\",\"ops\":[",
                               i ? "," : "", i);
        for (int k = 0; k <= i; k++)
            g_string_append(json, &",{\"run\":\"10us\"}"[k == 0]);
        g_string_append(json, "]}");
    }
    g_string_append(json, "]}");
    /* test_ops, with data and a look at where it lies */
    struct ipa_policy_ops data_ops = test_ops;
    data_ops.thread_data_size = DATA_SIZE;
    data_ops.new_place = data_ops.unblock_place = data_place;
    ops_under_test = &data_ops;
    placed = straddling = 0;
    struct run r;
    start(&r, "pack:1 core:2 pu:1", json->str, 20000000);
    assert_int_equal(ipa_sim_exit_kind(r.sim), IPA_SIM_DONE);
    assert_int_equal(placed, N);
    assert_int_equal(straddling, 0);
    finish(&r);
    g_string_free(json, true);
}

static void test_determinism(void **state)
{
    (void)state;
    const char *json =
        "{\"ipasim_trace\":1,\"threads\":[{\"name\":\"w\",\"count\":4,"
        "\"ops\":[{\"repeat\":20,\"ops\":[{\"run\":{\"exp\":\"1ms\"}},"
        "{\"sleep\":{\"uniform\":[\"1us\",\"2ms\"]},\"p\":0.5}]}]}]}";
    struct run a, b;
    start(&a, "pack:1 core:2 pu:1", json, 20000000);
    start(&b, "pack:1 core:2 pu:1", json, 20000000);
    assert_true(a.log_len > 1000);
    assert_int_equal(a.log_len, b.log_len);
    assert_memory_equal(a.log, b.log, a.log_len);
    finish(&a);
    finish(&b);
}

/* Threads of a global queue run on whichever core elects them. */
static void test_global_queue(void **state)
{
    (void)state;
    ops_under_test = &global_ops;
    struct run r;
    start(&r, "pack:1 core:2 pu:1",
          "{\"ipasim_trace\":1,\"threads\":[{\"name\":\"w\",\"count\":3,"
          "\"ops\":[{\"run\":\"10ms\"}]}]}",
          5000000);
    assert_int_equal(ipa_sim_exit_kind(r.sim), IPA_SIM_DONE);
    /* two run at once, the third when one is done: no idle core waits */
    assert_int_equal(ipa_sim_makespan_ns(r.sim), 20000000);
    assert_int_equal(thread(&r, 2).wait_ns, 10000000);
    assert_int_equal(wc(&r)->violations, 0);
    finish(&r);
}

/* Kept sums follow threads coming and going and group sizes changing (a
 * group's thread exits half way), and call the value function only when
 * they must. */
static void test_kept_sums(void **state)
{
    (void)state;
    sums = true;
    round_robin = true;
    sum_checks = sum_mismatches = value_calls = 0;
    struct run r;
    start(&r, "pack:1 core:2 pu:1",
          "{\"ipasim_trace\":1,\"threads\":["
          "{\"name\":\"g\",\"count\":6,\"group\":\"a\",\"nice\":-3,"
          "\"ops\":[{\"repeat\":30,\"ops\":[{\"run\":\"3ms\"},"
          "{\"sleep\":\"1ms\"}]}]},"
          "{\"name\":\"short\",\"group\":\"a\",\"attrs\":{\"core\":1},"
          "\"ops\":[{\"run\":\"20ms\"}]},"
          "{\"name\":\"solo\",\"count\":3,\"attrs\":{\"core\":1},"
          "\"ops\":[{\"repeat\":30,\"ops\":[{\"run\":\"2ms\"},"
          "{\"sleep\":\"500us\"}]}]}]}",
          20000000);
    assert_int_equal(ipa_sim_exit_kind(r.sim), IPA_SIM_DONE);
    assert_true(sum_checks > 200);
    assert_int_equal(sum_mismatches, 0);
    /* walking would call it once per queued thread and check */
    assert_true(value_calls > 0);
    assert_true(value_calls < sum_checks);
    finish(&r);
}

/* Threads of one value class (equal weight, nice, group and attributes)
 * share their value: a queue holding many classes, which come and go
 * (threads exit, spawned ones arrive), still sums what walking it does,
 * and a burst of arrivals into one group costs value calls per class,
 * not per queued thread. */
static void test_kept_sums_by_class(void **state)
{
    (void)state;
    sums = true;
    round_robin = true;
    sum_checks = sum_mismatches = value_calls = 0;
    GString *json = g_string_new(
        "{\"ipasim_trace\":1,\"threads\":["
        "{\"name\":\"burst\",\"count\":300,\"group\":\"a\","
        "\"ops\":[{\"run\":\"1ms\"},{\"sleep\":\"2ms\"},{\"run\":\"1ms\"}]},"
        "{\"name\":\"parent\",\"group\":\"b\",\"ops\":[{\"repeat\":6,"
        "\"ops\":[{\"spawn\":\"child\"},{\"run\":\"700us\"}]}]}");
    /* twelve classes of their own, exiting at different times */
    for (int i = 0; i < 12; i++)
        g_string_append_printf(
            json,
            ",{\"name\":\"own%d\",\"group\":\"b\",\"attrs\":{\"k\":%d},"
            "\"ops\":[{\"repeat\":%d,\"ops\":[{\"run\":\"1ms\"},"
            "{\"sleep\":\"300us\"}]}]}",
            i, i, 2 + i);
    g_string_append(json, "],\"templates\":[{\"name\":\"child\","
                          "\"group\":\"b\",\"nice\":5,"
                          "\"ops\":[{\"run\":\"2ms\"}]}]}");
    struct run r;
    start(&r, "pack:1 core:2 pu:1", json->str, 20000000);
    g_string_free(json, TRUE);
    assert_int_equal(ipa_sim_exit_kind(r.sim), IPA_SIM_DONE);
    assert_true(sum_checks > 300);
    assert_int_equal(sum_mismatches, 0);
    /* a value is computed at most once per class (15) and group sizes
     * (each of the 319 threads, all grouped, arrives and exits); walking
     * the queues would call it for each of the burst's 300 threads at
     * every sum while they arrive, about 90,000 times */
    assert_true(value_calls > 0);
    assert_true(value_calls <= 15 * (2 * 319 + 1));
    finish(&r);
}

/* The runtime knows which cores have threads waiting, machine-wide and
 * within a domain, as queues fill and drain. */
static void test_waiting_cores(void **state)
{
    (void)state;
    waiting = true;
    round_robin = true;
    waiting_checks = waiting_seen = waiting_mismatches = 0;
    /* cores 0, 1 and 3 get 3, 1 and 2 threads, core 2 none */
    static const int per_core[] = {3, 1, 0, 2};
    GString *json = g_string_new("{\"ipasim_trace\":1,\"threads\":[");
    for (int c = 0, n = 0; c < 4; c++)
        for (int k = 0; k < per_core[c]; k++, n++)
            g_string_append_printf(
                json,
                "%s{\"name\":\"t%d\",\"attrs\":{\"core\":%d},"
                "\"ops\":[{\"repeat\":20,\"ops\":[{\"run\":\"2ms\"},"
                "{\"sleep\":\"%dus\"}]}]}",
                n ? "," : "", n, c, 500 + 700 * k);
    g_string_append(json, "]}");
    struct run r;
    start(&r, "pack:2 core:2 pu:1", json->str, 20000000);
    g_string_free(json, TRUE);
    assert_int_equal(ipa_sim_exit_kind(r.sim), IPA_SIM_DONE);
    assert_true(waiting_checks > 100);
    /* some checks saw a core waiting, others none */
    assert_true(waiting_seen > 10 && waiting_seen < waiting_checks);
    assert_int_equal(waiting_mismatches, 0);
    finish(&r);
}

/* A slot sums one value: another value for it is a policy fault. */
static void test_kept_sum_slot_misuse(void **state)
{
    (void)state;
    sums = sum_misuse = true;
    assert_one_thread_faults("pack:1 core:1 pu:1",
                             "slot 0 already sums another value");
}

static void test_histogram(void **state)
{
    (void)state;
    struct ipa_hist *h = g_new0(struct ipa_hist, 1);
    assert_int_equal(ipa_hist_quantile(h, 0.5), 0);
    for (uint64_t v = 1; v <= 1000; v++)
        ipa_hist_add(h, v * 1000);
    assert_int_equal(h->count, 1000);
    assert_int_equal(ipa_hist_quantile(h, 1.0), 1000000);
    uint64_t p50 = ipa_hist_quantile(h, 0.5);
    assert_true(p50 >= 500000 && p50 <= 500000 + 500000 / 32 + 1);
    uint64_t p99 = ipa_hist_quantile(h, 0.99);
    assert_true(p99 >= 990000 && p99 <= 990000 + 990000 / 32 + 1);
    for (uint64_t v = 0; v < 64; v++) {
        struct ipa_hist *small = g_new0(struct ipa_hist, 1);
        ipa_hist_add(small, v);
        assert_int_equal(ipa_hist_quantile(small, 0.5), v);
        g_free(small);
    }
    g_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_one_core_fifo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_callback_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_work_conservation_measured, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_affinity_is_not_a_violation,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_order_criterion, setup, teardown),
        cmocka_unit_test_setup_teardown(test_order_by_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_keys_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_round_robin_ticks, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_sleep_and_channels, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_barrier, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deadlock_names_threads, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_illegal_transition_faults, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_lock_discipline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spawn_and_mutex, setup, teardown),
        cmocka_unit_test_setup_teardown(test_programs_of_any_length, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_mapped_chunks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loops_over_steps_of_both_sizes,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_equal_programs_shared, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_policy_data_within_a_line, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_determinism, setup, teardown),
        cmocka_unit_test_setup_teardown(test_global_queue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kept_sums, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kept_sums_by_class, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_waiting_cores, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kept_sum_slot_misuse, setup,
                                        teardown),
        cmocka_unit_test(test_histogram),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
