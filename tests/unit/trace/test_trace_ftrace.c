/*
 * test_trace_ftrace.c - kernel trace import: exact rebuilt phases, wake-up
 * channels, forks and the summary for small hand-written trace-cmd and
 * perf script snippets; every trace in $IPASIM_SHARED_DATA/ftrace imports
 * into a valid native trace.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "trace/import.h"
#include "trace/trace.h"
#include "util/common.h"
#include "util/input.h"

static void check_import(const char *name, const char *text,
                         const char *expect_json, const char *expect_summary)
{
    struct ipa_import im;
    GError *error = NULL;
    ipa_import_init(&im);
    assert_int_equal(ipa_trace_detect(text, strlen(text)),
                     IPA_TRACE_FMT_FTRACE);
    if (!ipa_trace_import_ftrace(name, text, strlen(text), &im, &error))
        fail_msg("%s", error->message);
    struct json_object *want = json_tokener_parse(expect_json);
    assert_non_null(want);
    if (!json_object_equal(im.root, want)) {
        char *got = ipa_trace_json_text(im.root);
        fail_msg("got:\n%s", got);
    }
    assert_string_equal(im.summary, expect_summary);
    assert_int_equal(im.warnings->len, 0);
    /* the result is a valid native trace */
    char *json = ipa_trace_json_text(im.root);
    struct ipa_trace *t = NULL;
    if (!ipa_trace_parse_json(name, json, strlen(json), &t, &error))
        fail_msg("%s", error->message);
    ipa_trace_free(t);
    g_free(json);
    json_object_put(want);
    ipa_import_fini(&im);
}

static void test_trace_cmd(void **state)
{
    (void)state;
    static const char text[] =
        "version = 6\n"
        "CPU 1 is empty\n"
        "cpus=2\n"
        "          <idle>-0     [000]     1.000000: sched_wakeup:         "
        "comm=a pid=10 prio=120 success=1 target_cpu=000\n"
        "          <idle>-0     [000]     1.000010: sched_switch:         "
        "prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=0 "
        "next_comm=a next_pid=10 next_prio=120\n"
        "               a-10    [000]     1.001010: sched_switch:         "
        "prev_comm=a prev_pid=10 prev_prio=120 prev_state=1 next_comm=b "
        "next_pid=11 next_prio=125\n"
        "               b-11    [000]     1.002010: sched_wakeup:         "
        "comm=a pid=10 prio=120 success=1 target_cpu=001\n"
        "          <idle>-0     [001]     1.002020: sched_switch:         "
        "prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=0 "
        "next_comm=a next_pid=10 next_prio=120\n"
        "               b-11    [000]     1.003010: sched_process_fork:   "
        "comm=b pid=11 child_comm=b child_pid=12\n"
        "               a-10    [001]     1.003020: sched_switch:         "
        "prev_comm=a prev_pid=10 prev_prio=120 prev_state=4096 "
        "next_comm=b next_pid=12 next_prio=120\n"
        "               b-11    [000]     1.004010: sched_process_exit:   "
        "comm=b pid=11 prio=125\n"
        "               b-11    [000]     1.004020: sched_switch:         "
        "prev_comm=b prev_pid=11 prev_prio=125 prev_state=32 "
        "next_comm=swapper/0 next_pid=0 next_prio=120\n"
        "               b-12    [001]     1.005020: sched_switch:         "
        "prev_comm=b prev_pid=12 prev_prio=120 prev_state=1 next_comm=a "
        "next_pid=10 next_prio=120\n"
        "               a-10    [001]     1.006020: print:                "
        "0xffff00000819ff24s: marker\n"
        "a line that is not an event\n"
        "               a-10    [001]     1.007020: sched_process_exit:   "
        "comm=a pid=10 prio=120\n";
    check_import(
        "tc.txt", text,
        "{\"ipasim_trace\": 1, \"name\": \"tc\", \"threads\": ["
        " {\"name\": \"a-10\", \"ops\": [{\"run\": \"1ms\"},"
        "  {\"wait\": \"b-11>a-10\"}, {\"run\": \"3ms\"}]},"
        " {\"name\": \"b-11\", \"start\": \"1010us\", \"nice\": 5, \"ops\": ["
        "  {\"run\": \"1ms\"}, {\"signal\": \"b-11>a-10\"}, {\"run\": \"1ms\"},"
        "  {\"spawn\": \"b-12\"}, {\"run\": \"1010us\"}]}],"
        " \"templates\": [{\"name\": \"b-12\", \"ops\": [{\"run\": \"2ms\"}]}]}",
        "tc.txt: trace-cmd report: imported 2 threads and 1 forked templates from 12 events; "
        "dropped: 3 idle-task switches, 0 migrations (placement is the "
        "policy's), 0 redundant wake-ups, 1 unknown events (print 1), 1 "
        "blocks still open at the end, 1 lines not understood; CPU time "
        "from switches only, 0.000 ms of it before CPUs' first switches "
        "(from the recording's start) and 2.000 ms after their last (to its "
        "end)");
}

static void test_perf_script(void **state)
{
    (void)state;
    static const char text[] =
        "            perf   100 [000]    10.000000:       sched:sched_switch: "
        "prev_comm=perf prev_pid=100 prev_prio=120 prev_state=S ==> "
        "next_comm=worker next_pid=200 next_prio=120\n"
        "          worker   200 [000]    10.000500:       sched:sched_waking: "
        "comm=perf pid=100 prio=120 target_cpu=001\n"
        "          worker   200 [000]    10.000501:       sched:sched_wakeup: "
        "comm=perf pid=100 prio=120 target_cpu=001\n"
        "          worker   200 [000]    10.000600: sched:sched_migrate_task: "
        "comm=perf pid=100 prio=120 orig_cpu=0 dest_cpu=1\n"
        "         swapper     0 [001]    10.000700:       sched:sched_switch: "
        "prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> "
        "next_comm=perf next_pid=100 next_prio=120\n"
        "          worker   200 [000]    10.001000:       sched:sched_switch: "
        "prev_comm=worker prev_pid=200 prev_prio=120 prev_state=R+ ==> "
        "next_comm=swapper/0 next_pid=0 next_prio=120\n"
        "            perf   100 [001]    10.002700: sched:sched_stat_runtime: "
        "comm=perf pid=100 runtime=2000000 [ns]\n"
        "            perf   100 [001]    10.002700:       sched:sched_switch: "
        "prev_comm=perf prev_pid=100 prev_prio=120 prev_state=D ==> "
        "next_comm=worker next_pid=200 next_prio=120\n"
        "          worker   200 [001]    10.003700: sched:sched_process_exit: "
        "comm=worker pid=200 prio=120 group_dead=true\n";
    check_import(
        "p.txt", text,
        "{\"ipasim_trace\": 1, \"name\": \"p\", \"threads\": ["
        " {\"name\": \"perf-100\", \"ops\": [{\"wait\": \"worker-200>perf-100\"},"
        "  {\"run\": \"2ms\"}]},"
        " {\"name\": \"worker-200\", \"ops\": [{\"run\": \"500us\"},"
        "  {\"signal\": \"worker-200>perf-100\"}, {\"run\": \"1500us\"}]}]}",
        "p.txt: perf script: imported 2 threads and 0 forked templates from 9 events; "
        "dropped: 2 idle-task switches, 1 migrations (placement is the "
        "policy's), 1 redundant wake-ups, 0 unknown events, 1 blocks still "
        "open at the end; CPU time as the kernel billed it "
        "(sched_stat_runtime): 2.000 ms to 1 threads, 0.000 ms of it while "
        "they ran from the recording's start; CPU time from switches for "
        "the threads never billed, 0.000 ms of it before CPUs' first "
        "switches (from the recording's start) and 1.000 ms after their "
        "last (to its end)");
}

/* A sleep ended from the idle task (a timer) replays as a sleep. */
static void test_timer_wakeup_is_sleep(void **state)
{
    (void)state;
    static const char text[] =
        "  a-7 [000] 0.000000: sched_switch: prev_comm=a prev_pid=7 "
        "prev_prio=120 prev_state=S next_comm=swapper/0 next_pid=0 "
        "next_prio=120\n"
        "  <idle>-0 [000] 0.004000: sched_wakeup: comm=a pid=7 prio=120 "
        "target_cpu=000\n"
        "  <idle>-0 [000] 0.004100: sched_switch: prev_comm=swapper/0 "
        "prev_pid=0 prev_prio=120 prev_state=R next_comm=a next_pid=7 "
        "next_prio=120\n"
        "  a-7 [000] 0.005100: sched_switch: prev_comm=a prev_pid=7 "
        "prev_prio=120 prev_state=X next_comm=swapper/0 next_pid=0 "
        "next_prio=120\n";
    check_import("s.txt", text,
                 "{\"ipasim_trace\": 1, \"name\": \"s\", \"threads\": ["
                 " {\"name\": \"a-7\", \"ops\": [{\"sleep\": \"4ms\"},"
                 "  {\"run\": \"1ms\"}]}]}",
                 "s.txt: trace-cmd report: imported 1 threads and 0 forked templates from 4 "
                 "events; dropped: 3 idle-task switches, 0 migrations "
                 "(placement is the policy's), 0 redundant wake-ups, 0 "
                 "unknown events, 0 blocks still open at the end; CPU time "
                 "from switches only, 0.000 ms of it before CPUs' first "
                 "switches (from the recording's start) and 0.000 ms after "
                 "their last (to its end)");
}

/* Imports @text, which must succeed, into @im. */
static void import_ok(const char *name, const char *text,
                      struct ipa_import *im)
{
    GError *error = NULL;
    ipa_import_init(im);
    if (!ipa_trace_import_ftrace(name, text, strlen(text), im, &error))
        fail_msg("%s", error->message);
}

/* The thread or template @name of an imported trace, NULL if none. */
static struct json_object *thread_named(struct json_object *root,
                                        const char *name)
{
    static const char *const lists[] = {"threads", "templates"};
    for (size_t l = 0; l < G_N_ELEMENTS(lists); l++) {
        struct json_object *arr;
        if (!json_object_object_get_ex(root, lists[l], &arr))
            continue;
        for (size_t i = 0; i < json_object_array_length(arr); i++) {
            struct json_object *t = json_object_array_get_idx(arr, i), *n;
            json_object_object_get_ex(t, "name", &n);
            if (!strcmp(json_object_get_string(n), name))
                return t;
        }
    }
    return NULL;
}

/* @text with the kernel's billing renamed to sched_stat_wait, an event
 * the importer does not model: CPU time comes from the switches, and every
 * line still shows which task ran on its CPU. */
static char *unbilled(const char *text)
{
    char **parts = g_strsplit(text, "sched_stat_runtime", -1);
    char *s = g_strjoinv("sched_stat_wait", parts);
    g_strfreev(parts);
    return s;
}

/* The sum of a thread's runs in microseconds ("Nus", "Nms" or ns). */
static long run_us(struct json_object *root, const char *name)
{
    struct json_object *t = thread_named(root, name), *ops;
    assert_non_null(t);
    json_object_object_get_ex(t, "ops", &ops);
    long us = 0;
    for (size_t i = 0; i < json_object_array_length(ops); i++) {
        struct json_object *run;
        if (!json_object_object_get_ex(json_object_array_get_idx(ops, i),
                                       "run", &run))
            continue;
        const char *v = json_object_get_string(run);
        char *end;
        long n = strtol(v, &end, 10);
        us += !strcmp(end, "ms") ? n * 1000 : !strcmp(end, "us") ? n : n / 1000;
    }
    return us;
}

static bool summary_says(const struct ipa_import *im, const char *what)
{
    if (!strstr(im->summary, what))
        fail_msg("summary lacks \"%s\": %s", what, im->summary);
    return true;
}

/* trace-cmd report lines of the Juno recording (CPU 2), with a lost-events
 * record inserted: sh's run ends at the CPU's last event before the gap
 * (182 us, not the 219 us its switches would give without the record). */
static void test_lost_events_end_the_run(void **state)
{
    (void)state;
    static const char head[] =
        "          <idle>-0     [002]    76.211513: sched_wakeup:          comm=sh pid=1642 prio=120 success=1 target_cpu=2\n"
        "          <idle>-0     [002]    76.211523: sched_switch:          prev_comm=swapper/2 prev_pid=0 prev_prio=120 prev_state=0 next_comm=sh next_pid=1642 next_prio=120\n"
        "              sh-1642  [002]    76.211696: sched_wakeup:          comm=kworker/u12:1 pid=46 prio=120 success=1 target_cpu=2\n"
        "              sh-1642  [002]    76.211701: sched_switch:          prev_comm=sh prev_pid=1642 prev_prio=120 prev_state=4096 next_comm=kworker/u12:1 next_pid=46 next_prio=120\n"
        "   kworker/u12:1-46    [002]    76.211715: sched_switch:          prev_comm=kworker/u12:1 prev_pid=46 prev_prio=120 prev_state=1 next_comm=sh next_pid=1642 next_prio=120\n";
    static const char tail[] =
        "              sh-1642  [002]    76.211752: sched_wakeup:          comm=kworker/u12:1 pid=46 prio=120 success=1 target_cpu=2\n"
        "              sh-1642  [002]    76.211756: sched_switch:          prev_comm=sh prev_pid=1642 prev_prio=120 prev_state=4096 next_comm=kworker/u12:1 next_pid=46 next_prio=120\n"
        "   kworker/u12:1-46    [002]    76.211762: sched_switch:          prev_comm=kworker/u12:1 prev_pid=46 prev_prio=120 prev_state=1 next_comm=sh next_pid=1642 next_prio=120\n";
    struct ipa_import im;
    char *whole = g_strconcat(head, tail, NULL);
    import_ok("j.txt", whole, &im);
    assert_int_equal(run_us(im.root, "sh-1642"), 178 + 41);
    assert_int_equal(im.warnings->len, 0);
    ipa_import_fini(&im);
    char *lost = g_strconcat(head, "CPU:2 [LOST 120 EVENTS]\n", tail, NULL);
    import_ok("j.txt", lost, &im);
    assert_int_equal(run_us(im.root, "sh-1642"), 178 + 4);
    assert_int_equal(run_us(im.root, "kworker/u12:1-46"), 14 + 6);
    summary_says(&im, "gaps: 1 LOST records (120 events)");
    summary_says(&im, "0.037 ms of CPU time counted to no task");
    assert_int_equal(im.warnings->len, 1);
    assert_string_equal(g_ptr_array_index(im.warnings, 0),
                        "j.txt:6: CPU 2: events lost; the run there ends at "
                        "the CPU's last event (76.211715 s)");
    ipa_import_fini(&im);
    g_free(lost);
    g_free(whole);
}

/* perf script lines of the tar-gzip recording: tokio-rt-worker is switched
 * in, and the next event on that CPU ran in gzip (the switches between were
 * not recorded). The worker gets no CPU time it was not seen to have;
 * gzip runs from the event that shows it. The recording ends with perf
 * switched in on CPU 1 while the model has it on CPU 0. */
static void test_inconsistent_switches(void **state)
{
    (void)state;
    static const char text[] =
        "            gzip  4400 [000]  2363.936025:       sched:sched_waking: comm=tokio-rt-worker pid=92 prio=110 target_cpu=000\n"
        "            gzip  4400 [000]  2363.936034: sched:sched_stat_runtime: comm=gzip pid=4400 runtime=2154892 [ns]\n"
        "            gzip  4400 [000]  2363.936036:       sched:sched_switch: prev_comm=gzip prev_pid=4400 prev_prio=120 prev_state=R ==> next_comm=tokio-rt-worker next_pid=92 next_prio=110\n"
        "            gzip  4400 [000]  2363.936475:       sched:sched_waking: comm=tar pid=4399 prio=120 target_cpu=001\n"
        "            gzip  4400 [000]  2363.936476: sched:sched_stat_runtime: comm=gzip pid=4402 runtime=246130 [ns]\n"
        "         swapper     0 [000]  2366.409955:       sched:sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=perf next_pid=4396 next_prio=120\n"
        "         swapper     0 [001]  2366.410006:       sched:sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=perf next_pid=4396 next_prio=120\n";
    struct ipa_import im;
    char *switches = unbilled(text);
    import_ok("tg.txt", switches, &im);
    g_free(switches);
    assert_int_equal(run_us(im.root, "tokio-rt-worker-92"), 0);
    /* 11 us from the start to the switch, then from the event that shows
     * it to the CPU's last event before the idle task's switch-out, which
     * says the CPU was idle (another gap) */
    assert_int_equal(run_us(im.root, "gzip-4400"), 11 + 1);
    assert_int_equal(run_us(im.root, "perf-4396"), 0);
    summary_says(&im, "1 events of a task not switched in there, 1 switch-ins "
                      "of a task running elsewhere, 1 switch-outs of a task "
                      "not running there");
    assert_int_equal(im.warnings->len, 3);
    ipa_import_fini(&im);
    /* the kernel's billing names gzip-4400 wherever the switches lost it;
     * gzip-4402, billed from CPU 0 before any event showed it, is left
     * out, and said so */
    import_ok("tg.txt", text, &im);
    assert_int_equal(run_us(im.root, "gzip-4400"), 2154);
    assert_int_equal(run_us(im.root, "tokio-rt-worker-92"), 0);
    summary_says(&im, "2.155 ms to 1 threads");
    summary_says(&im, "0.246 ms to tasks no event showed running (dropped)");
    ipa_import_fini(&im);
}

/* Billing comes from whichever CPU ran update_curr, so another CPU's
 * clock may print it after the task's block: it is still the task's CPU
 * time, here after a block that never ends. */
static void test_billing_after_block(void **state)
{
    (void)state;
    static const char text[] =
        "         swapper     0 [000]     1.000000:       sched:sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=a next_pid=10 next_prio=120\n"
        "               a    10 [000]     1.000500: sched:sched_stat_runtime: comm=a pid=10 runtime=400000 [ns]\n"
        "               a    10 [000]     1.001000:       sched:sched_switch: prev_comm=a prev_pid=10 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120\n"
        "               b    11 [001]     1.001001: sched:sched_stat_runtime: comm=a pid=10 runtime=600000 [ns]\n";
    struct ipa_import im;
    import_ok("b.txt", text, &im);
    assert_int_equal(run_us(im.root, "a-10"), 1000);
    summary_says(&im, "1 blocks still open at the end");
    ipa_import_fini(&im);
}

/* An event older than its CPU's last one is dropped and ends the run. */
static void test_out_of_order(void **state)
{
    (void)state;
    static const char text[] =
        "          <idle>-0     [002]    76.211523: sched_switch:          prev_comm=swapper/2 prev_pid=0 prev_prio=120 prev_state=0 next_comm=sh next_pid=1642 next_prio=120\n"
        "              sh-1642  [002]    76.211701: sched_switch:          prev_comm=sh prev_pid=1642 prev_prio=120 prev_state=4096 next_comm=kworker/u12:1 next_pid=46 next_prio=120\n"
        "              sh-1642  [002]    76.211696: sched_wakeup:          comm=kworker/u12:1 pid=46 prio=120 success=1 target_cpu=2\n"
        "   kworker/u12:1-46    [002]    76.211715: sched_switch:          prev_comm=kworker/u12:1 prev_pid=46 prev_prio=120 prev_state=1 next_comm=sh next_pid=1642 next_prio=120\n";
    struct ipa_import im;
    import_ok("o.txt", text, &im);
    assert_int_equal(run_us(im.root, "sh-1642"), 178);
    /* kworker's run ended at the CPU's last event before the gap, and the
     * CPU is its again from its switch-out */
    assert_int_equal(run_us(im.root, "kworker/u12:1-46"), 0);
    summary_says(&im, "1 events out of order");
    ipa_import_fini(&im);
}

/* perf script lines of a shell worker's last moments: sha256sum exits,
 * is preempted by rcu_preempt, runs again, wakes its parent wl.sh and
 * switches out dead. All of it is sha256sum-9851's (no second thread),
 * and its signal is what the parent waits for. */
static void test_exit_keeps_the_thread(void **state)
{
    (void)state;
    static const char text[] =
        "           wl.sh  9844 [000]   297.050915:       sched:sched_switch: prev_comm=wl.sh prev_pid=9844 prev_prio=120 prev_state=S ==> next_comm=sha256sum next_pid=9848 next_prio=120\n"
        "           wl.sh  9842 [000]   297.051792:       sched:sched_switch: prev_comm=wl.sh prev_pid=9842 prev_prio=120 prev_state=D ==> next_comm=sha256sum next_pid=9851 next_prio=120\n"
        "       sha256sum  9851 [000]   297.051874:       sched:sched_switch: prev_comm=sha256sum prev_pid=9851 prev_prio=120 prev_state=R ==> next_comm=wl.sh next_pid=9842 next_prio=120\n"
        "           wl.sh  9842 [000]   297.051882:       sched:sched_switch: prev_comm=wl.sh prev_pid=9842 prev_prio=120 prev_state=S ==> next_comm=sha256sum next_pid=9851 next_prio=120\n"
        "       sha256sum  9851 [000]   297.052420: sched:sched_process_exit: comm=sha256sum pid=9851 prio=120 group_dead=true\n"
        "       sha256sum  9851 [000]   297.052530:       sched:sched_waking: comm=rcu_preempt pid=15 prio=120 target_cpu=000\n"
        "       sha256sum  9851 [000]   297.052544:       sched:sched_switch: prev_comm=sha256sum prev_pid=9851 prev_prio=120 prev_state=R+ ==> next_comm=rcu_preempt next_pid=15 next_prio=120\n"
        "     rcu_preempt    15 [000]   297.052554:       sched:sched_switch: prev_comm=rcu_preempt prev_pid=15 prev_prio=120 prev_state=I ==> next_comm=sha256sum next_pid=9851 next_prio=120\n"
        "       sha256sum  9851 [000]   297.052587:       sched:sched_waking: comm=wl.sh pid=9844 prio=120 target_cpu=000\n"
        "       sha256sum  9851 [000]   297.052597:       sched:sched_switch: prev_comm=sha256sum prev_pid=9851 prev_prio=120 prev_state=Z ==> next_comm=wl.sh next_pid=9844 next_prio=120\n";
    struct ipa_import im;
    import_ok("x.txt", text, &im);
    assert_null(thread_named(im.root, "sha256sum-9851#2"));
    /* 82 + 662 + 43 us: before the exit and after it */
    assert_int_equal(run_us(im.root, "sha256sum-9851"), 787);
    struct json_object *parent = thread_named(im.root, "wl.sh-9844"), *ops;
    assert_non_null(parent);
    json_object_object_get_ex(parent, "ops", &ops);
    assert_string_equal(json_object_to_json_string(ops),
                        "[ { \"wait\": \"sha256sum-9851>wl.sh-9844\" } ]");
    struct json_object *child = thread_named(im.root, "sha256sum-9851");
    json_object_object_get_ex(child, "ops", &ops);
    assert_string_equal(json_object_to_json_string(ops),
                        "[ { \"run\": \"777us\" }, { \"signal\": "
                        "\"sha256sum-9851>wl.sh-9844\" }, { \"run\": "
                        "\"10us\" } ]");
    ipa_import_fini(&im);
}

/* The Juno recording's trace-cmd report -R lines, and the same records as
 * trace-cmd report prints them with its sched plugin (libtraceevent
 * plugin_sched_switch.c: "PREV:PID [PRIO] STATE ==> NEXT:PID [PRIO]", the
 * state's letters from "SDTtZXxW" or R; wake-ups "COMM:PID [PRIO]
 * success=N CPU:NNN"), import to the same trace. */
static void test_trace_cmd_plugin_form(void **state)
{
    (void)state;
    static const char raw[] =
        "          <idle>-0     [002]    76.211513: sched_wakeup:          comm=sh pid=1642 prio=120 success=1 target_cpu=2\n"
        "          <idle>-0     [002]    76.211523: sched_switch:          prev_comm=swapper/2 prev_pid=0 prev_prio=120 prev_state=0 next_comm=sh next_pid=1642 next_prio=120\n"
        "              sh-1642  [002]    76.211696: sched_wakeup:          comm=kworker/u12:1 pid=46 prio=120 success=1 target_cpu=2\n"
        "              sh-1642  [002]    76.211701: sched_switch:          prev_comm=sh prev_pid=1642 prev_prio=120 prev_state=4096 next_comm=kworker/u12:1 next_pid=46 next_prio=120\n"
        "          <idle>-0     [001]    76.211715: sched_wakeup:          comm=sshd pid=1639 prio=120 success=1 target_cpu=1\n"
        "   kworker/u12:1-46    [002]    76.211715: sched_switch:          prev_comm=kworker/u12:1 prev_pid=46 prev_prio=120 prev_state=1 next_comm=sh next_pid=1642 next_prio=120\n"
        "          <idle>-0     [001]    76.211718: sched_switch:          prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=0 next_comm=sshd next_pid=1639 next_prio=120\n"
        "              sh-1642  [002]    76.211752: sched_wakeup:          comm=kworker/u12:1 pid=46 prio=120 success=1 target_cpu=2\n"
        "              sh-1642  [002]    76.211756: sched_switch:          prev_comm=sh prev_pid=1642 prev_prio=120 prev_state=4096 next_comm=kworker/u12:1 next_pid=46 next_prio=120\n";
    static const char pretty[] =
        "          <idle>-0     [002]    76.211513: sched_wakeup:          sh:1642 [120] success=1 CPU:002\n"
        "          <idle>-0     [002]    76.211523: sched_switch:          swapper/2:0 [120] R ==> sh:1642 [120]\n"
        "              sh-1642  [002]    76.211696: sched_wakeup:          kworker/u12:1:46 [120] success=1 CPU:002\n"
        "              sh-1642  [002]    76.211701: sched_switch:          sh:1642 [120] R ==> kworker/u12:1:46 [120]\n"
        "          <idle>-0     [001]    76.211715: sched_wakeup:          sshd:1639 [120] success=1 CPU:001\n"
        "   kworker/u12:1-46    [002]    76.211715: sched_switch:          kworker/u12:1:46 [120] S ==> sh:1642 [120]\n"
        "          <idle>-0     [001]    76.211718: sched_switch:          swapper/1:0 [120] R ==> sshd:1639 [120]\n"
        "              sh-1642  [002]    76.211752: sched_wakeup:          kworker/u12:1:46 [120] success=1 CPU:002\n"
        "              sh-1642  [002]    76.211756: sched_switch:          sh:1642 [120] R ==> kworker/u12:1:46 [120]\n";
    struct ipa_import a, b;
    import_ok("j.txt", raw, &a);
    import_ok("j.txt", pretty, &b);
    assert_true(json_object_equal(a.root, b.root));
    assert_non_null(thread_named(b.root, "kworker/u12:1-46"));
    assert_int_equal(run_us(b.root, "sh-1642"), 178 + 41);
    summary_says(&a, "j.txt: trace-cmd report: imported");
    summary_says(&b, "j.txt: trace-cmd report, sched plugin form: imported");
    ipa_import_fini(&a);
    ipa_import_fini(&b);
}

/* A recording made here with perf sched record -m 1 (1,419 LOST records in
 * 4 minutes), printed by perf script --show-lost-events: the LOST record
 * names CPU 1, so bash's run there counts from its first event after the
 * record (47 us), not from the recording's start (1,454 us); CPU 0's task
 * keeps its 3,225 us. */
static void test_perf_lost_record(void **state)
{
    (void)state;
    static const char head[] =
        "              sh 29997 [000]  4644.142031: sched:sched_process_fork: comm=sh pid=29997 child_comm=sh child_pid=301\n"
        "              sh 29997 [000]  4644.142034: sched:sched_stat_runtime: comm=sh pid=29997 runtime=220809 [ns]\n"
        "              sh 29997 [000]  4644.142036:   sched:sched_wakeup_new: comm=sh pid=301 prio=120 target_cpu=000\n"
        "              sh 29997 [000]  4644.142037:       sched:sched_switch: prev_comm=sh prev_pid=29997 prev_prio=120 prev_state=D ==> next_comm=sh next_pid=301 next_prio=120\n"
        "              sh   301 [000]  4644.142166:       sched:sched_waking: comm=sh pid=29997 prio=120 target_cpu=000\n"
        "              sh   301 [000]  4644.142168: sched:sched_stat_runtime: comm=sh pid=301 runtime=133975 [ns]\n";
    static const char lost[] =
        "            bash 32763 [001]  4644.142551: PERF_RECORD_LOST lost 79\n";
    static const char tail[] =
        "            bash 32763 [001]  4644.143438: sched:sched_stat_runtime: comm=bash pid=32763 runtime=2080855 [ns]\n"
        "            bash 32763 [001]  4644.143455:       sched:sched_waking: comm=bash pid=32758 prio=120 target_cpu=001\n"
        "            bash 32763 [001]  4644.143481: sched:sched_stat_runtime: comm=bash pid=32763 runtime=22333 [ns]\n"
        "            bash 32763 [001]  4644.143485:       sched:sched_switch: prev_comm=bash prev_pid=32763 prev_prio=120 prev_state=Z ==> next_comm=replay_topology next_pid=29889 next_prio=120\n"
        "            true   301 [000]  4644.145247: sched:sched_stat_runtime: comm=true pid=301 runtime=3077089 [ns]\n"
        "            true   301 [000]  4644.145259: sched:sched_stat_runtime: comm=true pid=301 runtime=14448 [ns]\n"
        "            true   301 [000]  4644.145262:       sched:sched_switch: prev_comm=true prev_pid=301 prev_prio=120 prev_state=Z ==> next_comm=ipasim next_pid=32673 next_prio=120\n";
    struct ipa_import im;
    char *whole = g_strconcat(head, tail, NULL);
    char *switches = unbilled(whole);
    import_ok("l.txt", switches, &im);
    assert_int_equal(run_us(im.root, "bash-32763"), 1454);
    ipa_import_fini(&im);
    char *with_lost = g_strconcat(head, lost, tail, NULL);
    char *lost_switches = unbilled(with_lost);
    import_ok("l.txt", lost_switches, &im);
    assert_int_equal(run_us(im.root, "bash-32763"), 47);
    assert_int_equal(run_us(im.root, "sh-301"), 3225);
    summary_says(&im, "gaps: 1 LOST records (79 events)");
    ipa_import_fini(&im);
    /* Billed, a lost record loses no CPU time that survived it: each
     * sched_stat_runtime is a stretch the kernel measured, so losing
     * events can only lose stretches. bash's first billing reaches back
     * before the recording's first event; the summary counts it as
     * billed while running from the start (with sh-29997's 0.221 ms)
     * only when no gap came between. */
    import_ok("l.txt", whole, &im);
    assert_int_equal(run_us(im.root, "bash-32763"), 2103);
    summary_says(&im, "2.324 ms of it while they ran from the recording's "
                      "start");
    ipa_import_fini(&im);
    import_ok("l.txt", with_lost, &im);
    assert_int_equal(run_us(im.root, "bash-32763"), 2103);
    assert_int_equal(run_us(im.root, "sh-301"), 3225);
    summary_says(&im, "gaps: 1 LOST records (79 events)");
    summary_says(&im, "0.221 ms of it while they ran from the recording's "
                      "start");
    summary_says(&im, "1.270 ms of the switches' CPU time counted to no "
                      "task (the kernel's billing still counts)");
    ipa_import_fini(&im);
    g_free(lost_switches);
    g_free(switches);
    g_free(with_lost);
    g_free(whole);
}

/* The kernel's own trace text (here from trappy's systrace page: irq and
 * preempt flags between the CPU and the time) is read and named; inside
 * an HTML page it is named systrace. */
static void test_kernel_trace_text(void **state)
{
    (void)state;
    static const char text[] =
        "           <...>-10144 [007] dn.4  7480.992787: sched_wakeup: comm=kworker/7:0 pid=9996 prio=120 success=1 target_cpu=007\n"
        "           <...>-10144 [007] d..3  7480.992816: sched_switch: prev_comm=sh prev_pid=10144 prev_prio=120 prev_state=R+ ==> next_comm=kworker/7:0 next_pid=9996 next_prio=120\n"
        "           <...>-9996  [007] d..3  7480.992862: sched_switch: prev_comm=kworker/7:0 prev_pid=9996 prev_prio=120 prev_state=S ==> next_comm=sh next_pid=10144 next_prio=120\n"
        "            adbd-315   [002] dn.4  7480.993239: sched_wakeup: comm=kworker/2:1 pid=5748 prio=120 success=1 target_cpu=002\n";
    struct ipa_import im;
    import_ok("k.txt", text, &im);
    summary_says(&im, "k.txt: kernel trace/trace_pipe text: imported");
    assert_int_equal(run_us(im.root, "kworker/7:0-9996"), 46);
    ipa_import_fini(&im);
    char *page = g_strconcat("<!DOCTYPE html>\n<html>\n", text,
                             "</html>\n", NULL);
    import_ok("k.html", page, &im);
    summary_says(&im, "k.html: systrace HTML (kernel trace text): imported");
    ipa_import_fini(&im);
    g_free(page);
}

static void test_errors(void **state)
{
    (void)state;
    struct ipa_import im;
    GError *error = NULL;
    static const char idle_only[] =
        "  <idle>-0 [000] 0.000000: sched_wakeup: comm=swapper pid=0 "
        "prio=120\n";
    ipa_import_init(&im);
    assert_false(ipa_trace_import_ftrace("i.txt", idle_only,
                                         strlen(idle_only), &im, &error));
    assert_string_equal(error->message,
                        "i.txt: no thread other than the idle task");
    g_clear_error(&error);
    ipa_import_fini(&im);
    ipa_import_init(&im);
    assert_false(ipa_trace_import_ftrace("e.txt", "hello\n", 6, &im, &error));
    assert_string_equal(error->message,
                        "e.txt: no scheduler events found (expected "
                        "trace-cmd report or perf script text with "
                        "sched_switch lines)");
    g_clear_error(&error);
    ipa_import_fini(&im);
}

/* Every shared kernel trace imports, loads through ipa_trace_load, and
 * has threads. */
static void test_shared_data(void **state)
{
    (void)state;
    const char *root = g_getenv("IPASIM_SHARED_DATA");
    char *dir = root ? g_build_filename(root, "ftrace", NULL) : NULL;
    if (!dir || !g_file_test(dir, G_FILE_TEST_IS_DIR)) {
        g_free(dir);
        skip();
    }
    GDir *d = g_dir_open(dir, 0, NULL);
    assert_non_null(d);
    const char *n;
    int seen = 0;
    while ((n = g_dir_read_name(d))) {
        char *p = g_build_filename(dir, n, NULL);
        char *text = NULL;
        size_t len = 0;
        GError *error = NULL;
        struct ipa_import im;
        ipa_import_init(&im);
        assert_true(
            ipa_input_read("trace", p, IPA_INPUT_TRACE, &text, &len, &error));
        assert_int_equal(ipa_trace_detect(text, len), IPA_TRACE_FMT_FTRACE);
        if (!ipa_trace_import(p, text, len, &im, &error))
            fail_msg("%s", error->message);
        assert_non_null(im.summary);
        struct ipa_trace *t = NULL;
        if (!ipa_trace_load(p, &t, &error))
            fail_msg("%s", error->message);
        assert_true(t->threads->len > 0);
        ipa_trace_free(t);
        ipa_import_fini(&im);
        g_free(text);
        g_free(p);
        seen++;
    }
    g_dir_close(d);
    assert_true(seen >= 2);
    g_free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trace_cmd),
        cmocka_unit_test(test_perf_script),
        cmocka_unit_test(test_timer_wakeup_is_sleep),
        cmocka_unit_test(test_lost_events_end_the_run),
        cmocka_unit_test(test_inconsistent_switches),
        cmocka_unit_test(test_billing_after_block),
        cmocka_unit_test(test_out_of_order),
        cmocka_unit_test(test_exit_keeps_the_thread),
        cmocka_unit_test(test_trace_cmd_plugin_form),
        cmocka_unit_test(test_perf_lost_record),
        cmocka_unit_test(test_kernel_trace_text),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_shared_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
