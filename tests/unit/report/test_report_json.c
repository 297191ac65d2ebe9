/*
 * test_report_json.c - the JSON report holds the documented fields with
 * the run's exact figures, is written whole, and is the same bytes for
 * the same run.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <json-c/json.h>
#include <string.h>
#include <unistd.h>

#include "engine/sim.h"
#include "report/report.h"
#include "topo/topo.h"
#include "trace/trace.h"

/* Everything on core 0 of two: b waits 10ms while core 1 idles. */
static const struct ipa_rq_desc rqs[] = {
    {.name = "ready", .state = IPA_STATE_READY},
};

static int first_core(struct ipa_rt *rt, struct ipa_process_event *e)
{
    (void)rt;
    (void)e;
    return 0;
}

static void place(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_READY, e->core,
                     ipa_core_rq(rt, e->core, 0));
}

static void gone(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_TERMINATED, e->core, NULL);
}

static void block(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_BLOCKED, e->core, NULL);
}

static void schedule(struct ipa_rt *rt, struct ipa_core_event *e)
{
    struct ipa_thread *t = ipa_rq_first(ipa_core_rq(rt, e->target, 0));
    if (t)
        ipa_change_state(rt, t, IPA_STATE_RUNNING, e->target, NULL);
}

static const struct ipa_policy_ops ops = {
    .abi = IPA_RUNTIME_ABI,
    .core_rqs = rqs,
    .nr_core_rqs = 1,
    .new_prepare = first_core,
    .unblock_prepare = first_core,
    .new_place = place,
    .unblock_place = place,
    .block = block,
    .terminate = gone,
    .schedule = schedule,
};

static const char trace_json[] =
    "{\"ipasim_trace\":1,\"threads\":["
    "{\"name\":\"a\",\"group\":\"g\",\"ops\":[{\"run\":\"10ms\"}]},"
    "{\"name\":\"b\",\"group\":\"g\",\"ops\":[{\"run\":\"10ms\"}]}]}";

static char *run_to_json(const char *dir, const char *name)
{
    struct ipa_topo *topo = NULL;
    struct ipa_trace *trace = NULL;
    GError *error = NULL;
    assert_true(ipa_topo_load("pack:1 core:2 pu:1", &topo, &error));
    assert_true(ipa_trace_parse_json("t.json", trace_json, strlen(trace_json),
                                     &trace, &error));
    struct ipa_sim_config config;
    ipa_sim_config_defaults(&config);
    config.wc_threshold_ns = 5000000;
    struct ipa_sim *sim = ipa_sim_new(topo, trace, &config);
    assert_true(
        ipa_sim_add_partition(sim, "p.c", &ops, NULL, NULL, 0, &error));
    assert_true(ipa_sim_run(sim, &error));
    struct ipa_report_info info = {.topology = "2core",
                                   .trace = "t.json",
                                   .policies = "p.c",
                                   .wall_seconds = 1.5,
                                   .max_threads = 64};
    char *path = g_build_filename(dir, name, NULL);
    assert_true(ipa_report_json(sim, &info, path, &error));
    assert_int_equal(ipa_report_flagged(sim), 1);
    ipa_sim_free(sim);
    ipa_trace_free(trace);
    ipa_topo_free(topo);
    return path;
}

static int64_t get_int(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v))
        fail_msg("missing key '%s'", key);
    return json_object_get_int64(v);
}

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v))
        fail_msg("missing key '%s'", key);
    return v;
}

static void test_fields_and_figures(void **state)
{
    (void)state;
    char *dir = g_dir_make_tmp("ipasim-report-XXXXXX", NULL);
    char *path = run_to_json(dir, "r.json");
    json_object *root = json_object_from_file(path);
    assert_non_null(root);
    assert_int_equal(get_int(root, "ipasim_report"), 1);
    assert_string_equal(json_object_get_string(get(root, "exit")), "done");
    assert_int_equal(get_int(root, "simulated_ns"), 20000000);
    assert_int_equal(get_int(root, "makespan_ns"), 20000000);
    assert_true(get_int(root, "events") > 0);

    json_object *threads = get(root, "threads");
    assert_int_equal(json_object_array_length(threads), 2);
    json_object *b = json_object_array_get_idx(threads, 1);
    assert_int_equal(get_int(b, "tid"), 1);
    assert_string_equal(json_object_get_string(get(b, "name")), "b");
    assert_string_equal(json_object_get_string(get(b, "state")), "TERMINATED");
    assert_int_equal(get_int(b, "runtime_ns"), 10000000);
    assert_int_equal(get_int(b, "wait_ns"), 10000000);
    assert_int_equal(get_int(b, "migrations"), 0);

    json_object *cores = get(root, "cores");
    assert_int_equal(json_object_array_length(cores), 2);
    json_object *c1 = json_object_array_get_idx(cores, 1);
    assert_int_equal(get_int(c1, "id"), 1);
    assert_int_equal(get_int(c1, "busy_ns"), 0);
    assert_int_equal(get_int(c1, "idle_ns"), 20000000);

    json_object *wc = get(root, "work_conservation");
    assert_int_equal(get_int(wc, "violations"), 1);
    assert_int_equal(get_int(wc, "wasted_core_ns"), 10000000);
    assert_int_equal(get_int(wc, "longest_ns"), 10000000);
    json_object *flagged = get(wc, "flagged");
    assert_int_equal(json_object_array_length(flagged), 1);
    json_object *f = json_object_array_get_idx(flagged, 0);
    assert_int_equal(get_int(f, "start_ns"), 0);
    assert_int_equal(get_int(f, "end_ns"), 10000000);
    assert_int_equal(json_object_array_length(get(f, "cores")), 1);
    assert_int_equal(
        json_object_get_int(json_object_array_get_idx(get(f, "cores"), 0)), 1);

    json_object *g = get(get(root, "latency_by_group"), "g");
    assert_int_equal(get_int(g, "count"), 2);
    assert_int_equal(get_int(g, "max_ns"), 10000000);

    /* no wall-clock figure anywhere: 1.5 s was given */
    const char *text = json_object_to_json_string(root);
    assert_null(strstr(text, "wall"));
    json_object_put(root);

    /* the same run gives the same bytes; no temporary file is left */
    char *again = run_to_json(dir, "r2.json");
    gchar *x, *y;
    gsize nx, ny;
    assert_true(g_file_get_contents(path, &x, &nx, NULL));
    assert_true(g_file_get_contents(again, &y, &ny, NULL));
    assert_int_equal(nx, ny);
    assert_memory_equal(x, y, nx);
    GDir *d = g_dir_open(dir, 0, NULL);
    int files = 0;
    while (g_dir_read_name(d))
        files++;
    g_dir_close(d);
    assert_int_equal(files, 2);

    unlink(path);
    unlink(again);
    rmdir(dir);
    g_free(x);
    g_free(y);
    g_free(path);
    g_free(again);
    g_free(dir);
}

static void test_unwritable_path(void **state)
{
    (void)state;
    struct ipa_topo *topo = NULL;
    struct ipa_trace *trace = NULL;
    GError *error = NULL;
    assert_true(ipa_topo_load("pack:1 core:2 pu:1", &topo, &error));
    assert_true(ipa_trace_parse_json("t.json", trace_json, strlen(trace_json),
                                     &trace, &error));
    struct ipa_sim_config config;
    ipa_sim_config_defaults(&config);
    struct ipa_sim *sim = ipa_sim_new(topo, trace, &config);
    assert_true(
        ipa_sim_add_partition(sim, "p.c", &ops, NULL, NULL, 0, &error));
    assert_true(ipa_sim_run(sim, &error));
    struct ipa_report_info info = {"2core", "t.json", "p.c", -1, 64};
    assert_false(
        ipa_report_json(sim, &info, "/nonexistent-dir/r.json", &error));
    assert_non_null(
        strstr(error->message, "cannot write /nonexistent-dir/r.json"));
    g_error_free(error);
    ipa_sim_free(sim);
    ipa_trace_free(trace);
    ipa_topo_free(topo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_and_figures),
        cmocka_unit_test(test_unwritable_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
