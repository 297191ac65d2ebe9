/*
 * test_trace_rtapp.c - rt-app import: the exact native trace for small
 * hand-written workloads (prefix keys, repeated keys in order, comments,
 * trailing commas, timers, fork, resources, thread properties), the exact
 * warnings and errors, the TIMER operation in the native loader, and every
 * workload in $IPASIM_SHARED_DATA/rt-app.
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

/* Imports @text and compares with @expect_json and the warnings (a
 * NULL-terminated list). */
static void check(const char *text, const char *expect_json,
                  const char *const *warnings)
{
    struct ipa_import im;
    GError *error = NULL;
    ipa_import_init(&im);
    assert_int_equal(ipa_trace_detect(text, strlen(text)),
                     IPA_TRACE_FMT_RTAPP);
    if (!ipa_trace_import_rtapp("w.json", text, strlen(text), &im, &error))
        fail_msg("%s", error->message);
    struct json_object *want = json_tokener_parse(expect_json);
    assert_non_null(want);
    if (!json_object_equal(im.root, want)) {
        char *got = ipa_trace_json_text(im.root);
        fail_msg("got:\n%s", got);
    }
    guint n = 0;
    while (warnings && warnings[n]) {
        assert_true(n < im.warnings->len);
        assert_string_equal(g_ptr_array_index(im.warnings, n), warnings[n]);
        n++;
    }
    assert_int_equal(im.warnings->len, n);
    char *json = ipa_trace_json_text(im.root);
    struct ipa_trace *t = NULL;
    if (!ipa_trace_parse_json("w.json", json, strlen(json), &t, &error))
        fail_msg("%s\n%s", error->message, json);
    ipa_trace_free(t);
    g_free(json);
    json_object_put(want);
    ipa_import_fini(&im);
}

static void check_error(const char *text, const char *message)
{
    struct ipa_import im;
    GError *error = NULL;
    ipa_import_init(&im);
    assert_false(
        ipa_trace_import_rtapp("w.json", text, strlen(text), &im, &error));
    assert_non_null(error);
    assert_string_equal(error->message, message);
    assert_null(im.root);
    g_error_free(error);
    ipa_import_fini(&im);
}

static void test_prefix_duplicates_comments(void **state)
{
    (void)state;
    check("/* header */ {\n"
          "  // a line comment\n"
          "  \"tasks\": {\n"
          "    \"t\": { \"loop\": 2, \"run0\": 1000, /* inline */ "
          "\"sleep1\": 2000,\n"
          "           \"run\": 3000, \"run\": 4000, \"runtime\": 500, "
          "\"sleep\": 0, },\n"
          "  },\n"
          "  \"global\": { \"duration\": 1, \"calibration\": \"CPU0\", },\n"
          "}\n",
          "{\"ipasim_trace\": 1, \"name\": \"w\", \"until\": \"1s\", "
          "\"threads\": [{\"name\": \"t\", \"ops\": [{\"repeat\": 2, "
          "\"ops\": [{\"run\": \"1ms\"}, {\"sleep\": \"2ms\"}, "
          "{\"run\": \"3ms\"}, {\"run\": \"4ms\"}, {\"run\": \"500us\"}]}]}]}",
          NULL);
}

static void test_timers(void **state)
{
    (void)state;
    static const char *const warnings[] = {
        "w.json: tasks.t.phases.b.timer1: a second timer 'tick' in one task "
        "cannot be modelled: it shares the periods of timer 'unique'",
        NULL};
    check("{\"tasks\": {\"t\": {\"loop\": 1, \"phases\": {"
          " \"a\": {\"loop\": 3, \"run\": 1000,"
          "        \"timer0\": {\"ref\": \"unique\", \"period\": 10000}},"
          " \"b\": {\"run\": 2000,"
          "        \"timer1\": {\"ref\": \"tick\", \"period\": 5000, "
          "\"mode\": \"absolute\"}}}}}}",
          "{\"ipasim_trace\": 1, \"name\": \"w\", \"threads\": [{\"name\": "
          "\"t\", \"ops\": [{\"repeat\": 3, \"ops\": [{\"run\": \"1ms\"}, "
          "{\"timer\": \"10ms\"}]}, {\"run\": \"2ms\"}, "
          "{\"timer\": \"5ms\", \"absolute\": true}]}]}",
          warnings);
}

static void test_fork_and_instances(void **state)
{
    (void)state;
    check("{\"tasks\": {"
          " \"parent\": {\"loop\": 1, \"instance\": 2, \"delay\": 500,"
          "   \"fork\": \"child\", \"run\": 1000},"
          " \"child\": {\"instance\": 0, \"loop\": 1, \"taskgroup\": \"/g\","
          "   \"cpus\": [3, 1, 3], \"sleep\": 2000}},"
          " \"global\": {\"duration\": 2}}",
          "{\"ipasim_trace\": 1, \"name\": \"w\", \"until\": \"2s\","
          " \"threads\": [{\"name\": \"parent\", \"count\": 2, "
          "\"start\": \"500us\", \"ops\": [{\"spawn\": \"child\"}, "
          "{\"run\": \"1ms\"}]}],"
          " \"templates\": [{\"name\": \"child\", \"group\": \"/g\", "
          "\"affinity\": [1, 3], \"ops\": [{\"sleep\": \"2ms\"}]}]}",
          NULL);
}

static void test_resources(void **state)
{
    (void)state;
    check("{\"tasks\": {\"t\": {\"loop\": 1,"
          " \"lock\": \"m\", \"wait\": {\"ref\": \"c\", \"mutex\": \"m\"},"
          " \"unlock\": \"m\", \"signal\": \"c\", \"broad\": \"c\","
          " \"sync\": {\"ref\": \"c\", \"mutex\": \"m\"},"
          " \"barrier\": \"b\", \"suspend\": \"t\", \"resume\": \"u\","
          " \"yield\": 0}}}",
          "{\"ipasim_trace\": 1, \"name\": \"w\", \"threads\": [{\"name\": "
          "\"t\", \"ops\": [{\"lock\": \"m\"}, {\"unlock\": \"m\"}, "
          "{\"wait\": \"c\"}, {\"lock\": \"m\"}, {\"unlock\": \"m\"}, "
          "{\"signal\": \"c\"}, {\"broadcast\": \"c\"}, {\"signal\": \"c\"}, "
          "{\"unlock\": \"m\"}, {\"wait\": \"c\"}, {\"lock\": \"m\"}, "
          "{\"barrier\": \"b\"}, {\"wait\": \"t\"}, {\"signal\": \"u\"}, "
          "{\"yield\": true}]}]}",
          NULL);
}

static void test_properties_and_warnings(void **state)
{
    (void)state;
    static const char *const warnings[] = {
        "w.json: tasks.rt.policy: SCHED_FIFO cannot be modelled (one class "
        "per policy in ipasim): its priority is left in attrs.rt_priority "
        "for the policy",
        "w.json: tasks.io.mem: memory load cannot be modelled (no memory or "
        "I/O device in ipasim): event dropped",
        "w.json: tasks.io.iorun: I/O load cannot be modelled (no memory or "
        "I/O device in ipasim): event dropped",
        "w.json: tasks.io.frobnicate: unknown task key, ignored",
        "w.json: tasks.ph.phases.p2.cpus: per-phase affinity cannot be "
        "modelled: the thread may run on the CPUs of all its phases",
        "w.json: global.duration: not given and some task loops forever: "
        "the run stops at 10s",
        NULL};
    check("{\"tasks\": {"
          " \"rt\": {\"policy\": \"SCHED_FIFO\", \"priority\": 10, "
          "\"loop\": 1, \"run\": 1000},"
          " \"nice\": {\"priority\": -5, \"loop\": 1, \"run\": 1000},"
          " \"io\": {\"loop\": 1, \"run\": 1000, \"mem\": 10, \"iorun\": 10,"
          "   \"frobnicate\": 1},"
          " \"ph\": {\"cpus\": [2], \"phases\": {"
          "   \"p1\": {\"run\": 1000}, \"p2\": {\"cpus\": [0], \"run\": 2000}}}"
          "}}",
          "{\"ipasim_trace\": 1, \"name\": \"w\", \"until\": \"10s\", "
          "\"threads\": ["
          " {\"name\": \"rt\", \"attrs\": {\"rt_priority\": 10}, "
          "\"ops\": [{\"run\": \"1ms\"}]},"
          " {\"name\": \"nice\", \"nice\": -5, \"ops\": [{\"run\": \"1ms\"}]},"
          " {\"name\": \"io\", \"ops\": [{\"run\": \"1ms\"}]},"
          " {\"name\": \"ph\", \"affinity\": [0, 2], \"ops\": [{\"repeat\": "
          "\"forever\", \"ops\": [{\"run\": \"1ms\"}, {\"run\": \"2ms\"}]}]}]}",
          warnings);
}

static void test_errors(void **state)
{
    (void)state;
    check_error("{\"tasks\": {\"t\": {\"run\": 1}}} /* open",
                "w.json:1:30: error: unterminated comment");
    check_error("{\"tasks\": {\"t\": {\"run\": 1}\n  \"x\": 2}}",
                "w.json:2:3: error: expected ',' or '}'");
    check_error("{\"tasks\": {\"t\": {\"run\": \"1ms\"}}}",
                "w.json: tasks.t.run: expected a duration in microseconds (a "
                "non-negative integer)");
    check_error("{\"tasks\": {\"t\": {\"phases\": {\"p\": {\"fork\": "
                "\"nobody\"}}}}}",
                "w.json: tasks.t.phases.p.fork: no task named 'nobody' to "
                "fork");
    check_error("{\"tasks\": {\"t\": {\"timer\": {\"period\": 10, \"mode\": "
                "\"sometimes\"}}}}",
                "w.json: tasks.t.timer.mode: expected \"absolute\" or "
                "\"relative\"");
    check_error("{\"tasks\": {\"t\": {\"instance\": 0, \"run\": 1}}}",
                "w.json: tasks: no task has an instance at start (every "
                "\"instance\" is 0)");
    check_error("{\"tasks\": {\"t\": {\"policy\": \"SCHED_FOO\", \"run\": "
                "1}}}",
                "w.json: tasks.t.policy: unknown policy 'SCHED_FOO' (expected "
                "SCHED_OTHER, SCHED_BATCH, SCHED_IDLE, SCHED_FIFO, SCHED_RR "
                "or SCHED_DEADLINE)");
}

/* Objects of many members are looked up through an index: the same
 * answers as a scan, the last of repeated keys winning, a task name used
 * twice refused. */
static void test_large_objects(void **state)
{
    (void)state;
    GString *tasks = g_string_new("{\"tasks\": {");
    for (int i = 0; i < 40; i++)
        g_string_append_printf(tasks, "\"t%d\": {\"run\": 1}, ", i);
    GString *dup = g_string_new(tasks->str);
    g_string_append(dup, "\"t7\": {\"run\": 2}}}");
    check_error(dup->str, "w.json: tasks.t7: task name 't7' is used twice");

    GString *task = g_string_new("{\"tasks\": {\"t\": {\"loop\": 2, ");
    for (int i = 0; i < 20; i++)
        g_string_append_printf(task, "\"run%d\": 1000, ", i);
    g_string_append(task, "\"loop\": 3}}}");
    struct ipa_import im;
    GError *error = NULL;
    ipa_import_init(&im);
    if (!ipa_trace_import_rtapp("w.json", task->str, task->len, &im, &error))
        fail_msg("%s", error->message);
    struct json_object *threads, *ops, *repeat;
    assert_true(json_object_object_get_ex(im.root, "threads", &threads));
    ops = json_object_array_get_idx(threads, 0);
    assert_true(json_object_object_get_ex(ops, "ops", &ops));
    assert_true(json_object_object_get_ex(json_object_array_get_idx(ops, 0),
                                          "repeat", &repeat));
    assert_int_equal(json_object_get_int(repeat), 3);
    ipa_import_fini(&im);
    g_string_free(task, TRUE);
    g_string_free(dup, TRUE);
    g_string_free(tasks, TRUE);
}

/* The native loader's side of the TIMER operation. */
static void test_native_timer(void **state)
{
    (void)state;
    struct ipa_trace *t = NULL;
    GError *error = NULL;
    const char *ok = "{\"ipasim_trace\": 1, \"threads\": [{\"name\": \"a\", "
                     "\"ops\": [{\"timer\": \"10ms\"}, {\"timer\": 5000, "
                     "\"absolute\": true}]}]}";
    assert_true(ipa_trace_parse_json("n.json", ok, strlen(ok), &t, &error));
    const struct ipa_thread_spec *s = g_ptr_array_index(t->threads, 0);
    assert_int_equal(s->nr_ops, 3);
    assert_int_equal(s->ops[0].kind, IPA_OP_TIMER);
    assert_int_equal(s->ops[0].dur.a_ns, 10000000);
    assert_int_equal(s->ops[0].count, 0);
    assert_int_equal(s->ops[1].kind, IPA_OP_TIMER);
    assert_int_equal(s->ops[1].dur.a_ns, 5000);
    assert_int_equal(s->ops[1].count, 1);
    assert_string_equal(ipa_op_names[IPA_OP_TIMER], "timer");
    ipa_trace_free(t);
    static const struct {
        const char *ops, *msg;
    } bad[] = {
        {"[{\"timer\": 0}]",
         "n.json: threads[0].ops[0].timer: expected a positive period"},
        {"[{\"run\": \"1ms\", \"absolute\": true}]",
         "n.json: threads[0].ops[0].absolute: \"absolute\" goes only with "
         "timer"},
        {"[{\"timer\": \"1ms\", \"absolute\": 1}]",
         "n.json: threads[0].ops[0].absolute: expected true (periods from "
         "the first timer) or false (restart after an overrun)"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        char *json = g_strdup_printf(
            "{\"ipasim_trace\": 1, \"threads\": [{\"name\": \"a\", "
            "\"ops\": %s}]}",
            bad[i].ops);
        assert_false(
            ipa_trace_parse_json("n.json", json, strlen(json), &t, &error));
        assert_string_equal(error->message, bad[i].msg);
        g_clear_error(&error);
        g_free(json);
    }
}

static void test_detect_and_print(void **state)
{
    (void)state;
    const char *native = "{\"ipasim_trace\": 1, \"tasks\": 1}";
    assert_int_equal(ipa_trace_detect(native, strlen(native)),
                     IPA_TRACE_FMT_NATIVE);
    const char *rtapp = "/* x */ {\"tasks\": {}}";
    assert_int_equal(ipa_trace_detect(rtapp, strlen(rtapp)),
                     IPA_TRACE_FMT_RTAPP);
    assert_int_equal(ipa_trace_detect("garbage", 7), IPA_TRACE_FMT_NATIVE);
    struct json_object *o = json_tokener_parse(
        "{\"ipasim_trace\": 1, \"threads\": [{\"name\": \"a\", \"ops\": "
        "[{\"run\": \"1ms\"}]}]}");
    char *text = ipa_trace_json_text(o);
    assert_string_equal(text, "{\n  \"ipasim_trace\": 1,\n  \"threads\": [ "
                              "{ \"name\": \"a\", \"ops\": [ { \"run\": "
                              "\"1ms\" } ] } ]\n}\n");
    g_free(text);
    json_object_put(o);
}

/* A native trace converts to itself: same model, operation for
 * operation. */
static void test_native_round_trip(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    GError *error = NULL;
    struct ipa_import im;
    struct ipa_trace *a = NULL, *b = NULL;
    const char *path = IPASIM_SOURCE_DIR "/traces/db.json";
    assert_true(
        ipa_input_read("trace", path, IPA_INPUT_TRACE, &text, &len, &error));
    ipa_import_init(&im);
    assert_true(ipa_trace_import(path, text, len, &im, &error));
    char *json = ipa_trace_json_text(im.root);
    assert_true(ipa_trace_parse_json(path, text, len, &a, &error));
    assert_true(ipa_trace_parse_json(path, json, strlen(json), &b, &error));
    assert_int_equal(a->threads->len, b->threads->len);
    assert_int_equal(a->templates->len, b->templates->len);
    for (guint i = 0; i < a->threads->len; i++) {
        const struct ipa_thread_spec *x = g_ptr_array_index(a->threads, i);
        const struct ipa_thread_spec *y = g_ptr_array_index(b->threads, i);
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->nr_ops, y->nr_ops);
        for (int k = 0; k < x->nr_ops; k++) {
            assert_int_equal(x->ops[k].kind, y->ops[k].kind);
            assert_int_equal(x->ops[k].dur_kind, y->ops[k].dur_kind);
            assert_int_equal(x->ops[k].dur.a_ns, y->ops[k].dur.a_ns);
            assert_int_equal(x->ops[k].dur.b_ns, y->ops[k].dur.b_ns);
            assert_int_equal(x->ops[k].obj, y->ops[k].obj); /* or jump */
            assert_int_equal(x->ops[k].count, y->ops[k].count);
            assert_int_equal(x->ops[k].prob_ppm, y->ops[k].prob_ppm);
        }
    }
    ipa_trace_free(a);
    ipa_trace_free(b);
    g_free(json);
    ipa_import_fini(&im);
    g_free(text);
}

/* Every shared rt-app workload imports and loads through ipa_trace_load. */
static void test_shared_data(void **state)
{
    (void)state;
    const char *root = g_getenv("IPASIM_SHARED_DATA");
    char *dir = root ? g_build_filename(root, "rt-app", NULL) : NULL;
    if (!dir || !g_file_test(dir, G_FILE_TEST_IS_DIR)) {
        g_free(dir);
        skip();
    }
    GDir *d = g_dir_open(dir, 0, NULL);
    assert_non_null(d);
    const char *n;
    int seen = 0;
    while ((n = g_dir_read_name(d))) {
        if (!g_str_has_suffix(n, ".json"))
            continue;
        char *p = g_build_filename(dir, n, NULL);
        struct ipa_trace *t = NULL;
        GError *error = NULL;
        if (!ipa_trace_load(p, &t, &error))
            fail_msg("%s", error->message);
        assert_true(t->threads->len > 0);
        ipa_trace_free(t);
        g_free(p);
        seen++;
    }
    g_dir_close(d);
    assert_true(seen > 0);
    g_free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prefix_duplicates_comments),
        cmocka_unit_test(test_timers),
        cmocka_unit_test(test_fork_and_instances),
        cmocka_unit_test(test_resources),
        cmocka_unit_test(test_properties_and_warnings),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_large_objects),
        cmocka_unit_test(test_native_timer),
        cmocka_unit_test(test_detect_and_print),
        cmocka_unit_test(test_native_round_trip),
        cmocka_unit_test(test_shared_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
