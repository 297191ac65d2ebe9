/*
 * test_replay.c - a recorded schedule (trace/recorded.h) replayed by the
 * engine (ipa_sim_replay): the importer's events for a small trace-cmd
 * recording, and every figure of the report worked out by hand from its
 * lines: CPU, wait, latency, switches, migrations, busy time and the
 * work-conservation intervals, a per-CPU kernel thread's included.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "engine/sim.h"
#include "topo/topo.h"
#include "trace/import.h"
#include "trace/recorded.h"
#include "trace/trace.h"
#include "util/common.h"

/* Times in us from the first line. a runs on CPU 0 and wakes b for CPU 1,
 * which idles 200 us before switching it in; b blocks at 500; a wakes
 * ksoftirqd/0, bound to CPU 0, and is preempted for it (R+) at 560 while
 * CPU 1 idles; a wakes b for CPU 0 at 650 and blocks at 700, b runs there
 * (a migration), exits and is switched out dead at 900. */
static const char recording[] =
    "cpus=2\n"
    "          <idle>-0     [000]     1.000000: sched_wakeup:         "
    "comm=a pid=10 prio=120 success=1 target_cpu=000\n"
    "          <idle>-0     [000]     1.000010: sched_switch:         "
    "prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> "
    "next_comm=a next_pid=10 next_prio=120\n"
    "               a-10    [000]     1.000100: sched_wakeup:         "
    "comm=b pid=11 prio=120 success=1 target_cpu=001\n"
    "          <idle>-0     [001]     1.000300: sched_switch:         "
    "prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> "
    "next_comm=b next_pid=11 next_prio=120\n"
    "               b-11    [001]     1.000500: sched_switch:         "
    "prev_comm=b prev_pid=11 prev_prio=120 prev_state=S ==> "
    "next_comm=swapper/1 next_pid=0 next_prio=120\n"
    "               a-10    [000]     1.000520: sched_wakeup:         "
    "comm=ksoftirqd/0 pid=9 prio=120 success=1 target_cpu=000\n"
    "               a-10    [000]     1.000560: sched_switch:         "
    "prev_comm=a prev_pid=10 prev_prio=120 prev_state=R+ ==> "
    "next_comm=ksoftirqd/0 next_pid=9 next_prio=120\n"
    "     ksoftirqd/0-9     [000]     1.000600: sched_switch:         "
    "prev_comm=ksoftirqd/0 prev_pid=9 prev_prio=120 prev_state=S ==> "
    "next_comm=a next_pid=10 next_prio=120\n"
    "               a-10    [000]     1.000650: sched_wakeup:         "
    "comm=b pid=11 prio=120 success=1 target_cpu=000\n"
    "               a-10    [000]     1.000700: sched_switch:         "
    "prev_comm=a prev_pid=10 prev_prio=120 prev_state=S ==> "
    "next_comm=b next_pid=11 next_prio=120\n"
    "               b-11    [000]     1.000800: sched_process_exit:   "
    "comm=b pid=11 prio=120\n"
    "               b-11    [000]     1.000900: sched_switch:         "
    "prev_comm=b prev_pid=11 prev_prio=120 prev_state=X ==> "
    "next_comm=swapper/0 next_pid=0 next_prio=120\n";

#define US 1000

/* c runs on CPU 1 from the start and wakes d for CPU 0, which idles
 * 50 us first; then CPU 1 loses events: what c did from its last event
 * (100) to its next (500) is unknown. */
static const char lost[] =
    "cpus=2\n"
    "          <idle>-0     [001]     1.000000: sched_switch:         "
    "prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> "
    "next_comm=c next_pid=20 next_prio=120\n"
    "               c-20    [001]     1.000100: sched_wakeup:         "
    "comm=d pid=21 prio=120 success=1 target_cpu=000\n"
    "          <idle>-0     [000]     1.000150: sched_switch:         "
    "prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> "
    "next_comm=d next_pid=21 next_prio=120\n"
    "CPU:1 [LOST 12 EVENTS]\n"
    "               d-21    [000]     1.000400: sched_switch:         "
    "prev_comm=d prev_pid=21 prev_prio=120 prev_state=S ==> "
    "next_comm=swapper/0 next_pid=0 next_prio=120\n"
    "               c-20    [001]     1.000500: sched_switch:         "
    "prev_comm=c prev_pid=20 prev_prio=120 prev_state=S ==> "
    "next_comm=swapper/1 next_pid=0 next_prio=120\n";

static void load_text(const char *text, struct ipa_trace **trace,
                      struct ipa_recorded **sched)
{
    struct ipa_import im;
    GError *error = NULL;
    ipa_import_init(&im);
    im.schedule = ipa_recorded_new();
    if (!ipa_trace_import_ftrace("rec.txt", text, strlen(text), &im, &error))
        fail_msg("%s", error->message);
    char *json = ipa_trace_json_text(im.root);
    if (!ipa_trace_parse_json("rec.txt", json, strlen(json), trace, &error))
        fail_msg("%s", error->message);
    g_free(json);
    *sched = im.schedule;
    im.schedule = NULL;
    ipa_import_fini(&im);
}

static void load(struct ipa_trace **trace, struct ipa_recorded **sched)
{
    load_text(recording, trace, sched);
}

/* A replay of @text on @topo_text; false with *error as
 * ipa_sim_replay gives it. */
struct replayed {
    struct ipa_trace *trace;
    struct ipa_recorded *rec;
    struct ipa_topo *topo;
    struct ipa_sim *sim;
};

static bool replay(struct replayed *r, const char *text, const char *topo_text,
                   GError **error)
{
    load_text(text, &r->trace, &r->rec);
    r->topo = NULL;
    if (!ipa_topo_load(topo_text, &r->topo, error))
        fail_msg("%s", (*error)->message);
    struct ipa_sim_config config;
    ipa_sim_config_defaults(&config);
    r->sim = ipa_sim_new(r->topo, r->trace, &config);
    return ipa_sim_replay(r->sim, r->rec, error);
}

static void replayed_free(struct replayed *r)
{
    ipa_sim_free(r->sim);
    ipa_topo_free(r->topo);
    ipa_recorded_free(r->rec);
    ipa_trace_free(r->trace);
}

static void test_schedule_events(void **state)
{
    (void)state;
    struct ipa_trace *trace;
    struct ipa_recorded *rec;
    load(&trace, &rec);
    static const struct ipa_recorded_event want[] = {
        {0, IPA_RECORDED_ARRIVE, 0, 0, -1, -1},
        {10 * US, IPA_RECORDED_RUN, 0, 0, -1, -1},
        {100 * US, IPA_RECORDED_ARRIVE, 1, 1, 0, 0},
        {300 * US, IPA_RECORDED_RUN, 1, 1, -1, -1},
        {500 * US, IPA_RECORDED_BLOCK, 1, 1, -1, -1},
        {520 * US, IPA_RECORDED_ARRIVE, 2, 0, 0, 0},
        {560 * US, IPA_RECORDED_PREEMPT, 0, 0, -1, -1},
        {560 * US, IPA_RECORDED_RUN, 2, 0, -1, -1},
        {600 * US, IPA_RECORDED_BLOCK, 2, 0, -1, -1},
        {600 * US, IPA_RECORDED_RUN, 0, 0, -1, -1},
        {650 * US, IPA_RECORDED_WAKE, 1, 0, 0, 0},
        {700 * US, IPA_RECORDED_BLOCK, 0, 0, -1, -1},
        {700 * US, IPA_RECORDED_RUN, 1, 0, -1, -1},
        {900 * US, IPA_RECORDED_EXIT, 1, 0, -1, -1},
    };
    assert_int_equal(rec->events->len, G_N_ELEMENTS(want));
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
        const struct ipa_recorded_event *e =
            &g_array_index(rec->events, struct ipa_recorded_event, i);
        if (e->time_ns != want[i].time_ns || e->kind != want[i].kind ||
            e->thread != want[i].thread || e->cpu != want[i].cpu ||
            e->waker != want[i].waker || e->waker_cpu != want[i].waker_cpu)
            fail_msg("event %zu: %llu kind %d thread %d cpu %d waker %d/%d",
                     i, (unsigned long long)e->time_ns, e->kind, e->thread,
                     e->cpu, e->waker, e->waker_cpu);
    }
    assert_int_equal(rec->names->len, 3);
    assert_string_equal(g_ptr_array_index(rec->names, 2), "ksoftirqd/0-9");
    assert_int_equal(g_array_index(rec->pinned, int, 0), -1);
    assert_int_equal(g_array_index(rec->pinned, int, 2), 0);
    assert_int_equal(rec->nr_cpus, 2);
    assert_int_equal(rec->end_ns, 900 * US);
    ipa_recorded_free(rec);
    ipa_trace_free(trace);
}

static void check_thread(const struct ipa_sim *sim, int tid, uint64_t cpu_us,
                         uint64_t wait_us, uint64_t switches,
                         uint64_t wakeups, uint64_t latency_max_us,
                         uint64_t migrations, enum ipa_state state)
{
    struct ipa_thread_result r;
    ipa_sim_thread_result(sim, tid, &r);
    assert_true(r.started);
    assert_int_equal(r.runtime_ns, cpu_us * US);
    assert_int_equal(r.wait_ns, wait_us * US);
    assert_int_equal(r.nr_switches, switches);
    assert_int_equal(r.nr_wakeups, wakeups);
    assert_int_equal(r.latency_max_ns, latency_max_us * US);
    assert_int_equal(r.nr_migrations, migrations);
    assert_int_equal(r.state, state);
}

static void test_replay_figures(void **state)
{
    (void)state;
    struct replayed r;
    GError *error = NULL;
    if (!replay(&r, recording, "pack:1 core:2 pu:1", &error))
        fail_msg("%s", error->message);
    const struct ipa_sim *sim = r.sim;

    assert_int_equal(ipa_sim_exit_kind(sim), IPA_SIM_UNTIL);
    assert_int_equal(ipa_sim_now_ns(sim), 900 * US);
    /* a: 10-560 and 600-700 on CPU 0, waited 0-10 and 560-600 */
    check_thread(sim, 0, 650, 50, 2, 0, 10, 0, IPA_STATE_BLOCKED);
    /* b: 300-500 on CPU 1, 700-900 on CPU 0 */
    check_thread(sim, 1, 400, 250, 2, 1, 200, 1, IPA_STATE_TERMINATED);
    check_thread(sim, 2, 40, 40, 1, 0, 40, 0, IPA_STATE_BLOCKED);
    struct ipa_thread_result b;
    ipa_sim_thread_result(sim, 1, &b);
    assert_int_equal(b.end_ns, 900 * US);

    struct ipa_core_result c0, c1;
    ipa_sim_core_result(sim, 0, &c0);
    ipa_sim_core_result(sim, 1, &c1);
    assert_int_equal(c0.busy_ns, 890 * US);
    assert_int_equal(c1.busy_ns, 200 * US);
    assert_int_equal(c0.nr_switches, 4);

    /* both CPUs idle while a waited to be switched in (0-10); CPU 1 idle
     * while b waited (100-300), while a waited (560-600) and while b
     * waited again (650-700); not while ksoftirqd/0 waited for its own
     * CPU (520-560) */
    struct ipa_partition_result p;
    assert_int_equal(ipa_sim_nr_partitions(sim), 1);
    ipa_sim_partition_result(sim, 0, &p);
    assert_string_equal(p.name, "recorded");
    assert_int_equal(p.wc->violations, 4);
    assert_int_equal(p.wc->wasted_core_ns, 300 * US);
    assert_int_equal(p.wc->longest_ns, 200 * US);
    const struct ipa_hist *lat = ipa_sim_latency(sim);
    assert_int_equal(lat->count, 4); /* 3 arrivals, 1 wake-up */
    assert_int_equal(lat->sum, (10 + 200 + 40 + 50) * US);
    replayed_free(&r);
}

/* At the gap c's run ends at CPU 1's last event and c is neither running
 * nor waiting until its next one: no CPU time, no wait, and CPU 1 idle
 * meanwhile is no violation; only d's wait for idle CPU 0 is. */
static void test_replay_gap(void **state)
{
    (void)state;
    struct replayed r;
    GError *error = NULL;
    if (!replay(&r, lost, "pack:1 core:2 pu:1", &error))
        fail_msg("%s", error->message);
    const struct ipa_recorded_event *gap =
        &g_array_index(r.rec->events, struct ipa_recorded_event, 3);
    assert_int_equal(gap->kind, IPA_RECORDED_GAP);
    assert_int_equal(gap->time_ns, 100 * US);
    assert_int_equal(gap->cpu, 1);
    check_thread(r.sim, 0, 100, 0, 1, 0, 0, 0, IPA_STATE_BLOCKED);
    check_thread(r.sim, 1, 250, 50, 1, 0, 50, 0, IPA_STATE_BLOCKED);
    struct ipa_core_result c1;
    ipa_sim_core_result(r.sim, 1, &c1);
    assert_int_equal(c1.busy_ns, 100 * US);
    struct ipa_partition_result p;
    ipa_sim_partition_result(r.sim, 0, &p);
    assert_int_equal(p.wc->violations, 1);
    assert_int_equal(p.wc->wasted_core_ns, 50 * US);
    replayed_free(&r);
}

static void test_too_few_cores(void **state)
{
    (void)state;
    struct replayed r;
    GError *error = NULL;
    assert_false(replay(&r, recording, "pack:1 core:1 pu:1", &error));
    assert_string_equal(error->message,
                        "the recording has 2 CPUs, the topology only 1 core");
    g_error_free(error);
    replayed_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schedule_events),
        cmocka_unit_test(test_replay_figures),
        cmocka_unit_test(test_replay_gap),
        cmocka_unit_test(test_too_few_cores),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
