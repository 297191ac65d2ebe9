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
        "  {\"spawn\": \"b-12\"}, {\"run\": \"1ms\"}]}],"
        " \"templates\": [{\"name\": \"b-12\", \"ops\": [{\"run\": \"2ms\"}]}]}",
        "tc.txt: imported 2 threads and 1 forked templates from 12 events; "
        "dropped: 3 idle-task switches, 0 migrations (placement is the "
        "policy's), 0 redundant wake-ups, 1 unknown events (print 1), 1 "
        "blocks still open at the end, 1 lines not understood");
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
        "p.txt: imported 2 threads and 0 forked templates from 9 events; "
        "dropped: 2 idle-task switches, 1 migrations (placement is the "
        "policy's), 1 redundant wake-ups, 1 unknown events "
        "(sched_stat_runtime 1), 1 blocks still open at the end");
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
                 "s.txt: imported 1 threads and 0 forked templates from 4 "
                 "events; dropped: 3 idle-task switches, 0 migrations "
                 "(placement is the policy's), 0 redundant wake-ups, 0 "
                 "unknown events, 0 blocks still open at the end");
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
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_shared_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
