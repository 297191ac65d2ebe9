/*
 * test_scenario.c - scenario files: what is read, the `ipasim run` command
 * lines, the exact error of each malformed file, the judging of reports
 * (exact reasons), reading a JSON report, and the JUnit output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "scenario/scenario.h"
#include "util/common.h"

static struct ipa_scenario *parse_ok(const char *path, const char *text)
{
    struct ipa_scenario *sc = NULL;
    GError *error = NULL;
    if (!ipa_scenario_parse(path, text, strlen(text), &sc, &error))
        fail_msg("%s", error->message);
    return sc;
}

static void parse_bad(const char *text, const char *message)
{
    struct ipa_scenario *sc = NULL;
    GError *error = NULL;
    assert_false(ipa_scenario_parse("/nowhere/s.json", text, strlen(text), &sc,
                                    &error));
    assert_null(sc);
    assert_string_equal(error->message, message);
    g_error_free(error);
}

static const char full[] =
    "{\"ipasim_scenario\": 1, \"name\": \"cmp\", \"topology\": \"64core.xml\","
    " \"trace\": \"t.json\","
    " \"policies\": [\"a.c\", {\"policy\": \"b.c\", \"expect\": "
    "{\"no_flagged\": false}}],"
    " \"params\": {\"quantum\": 30, \"slice\": \"4ms\", \"wake\": true},"
    " \"options\": {\"hz\": 250, \"until\": \"2s\", \"trylock_fail\": 0.5},"
    " \"expect\": {\"exit\": [\"done\", \"until\"], \"no_flagged\": true,"
    "  \"makespan_max\": \"1s\", \"latency_p99_max\": \"5ms\","
    "  \"relative\": [{\"policy\": \"a.c\", \"than\": \"b.c\", \"metric\": "
    "\"makespan\", \"at_least\": \"10%\"}]}}";

static void test_parse_and_argv(void **state)
{
    (void)state;
    /* a file beside the scenario resolves to it; others stay as written */
    char *dir = g_dir_make_tmp("scn-XXXXXX", NULL);
    char *trace = g_build_filename(dir, "t.json", NULL);
    char *path = g_build_filename(dir, "s.json", NULL);
    assert_true(g_file_set_contents(trace, "{}", 2, NULL));
    struct ipa_scenario *sc = parse_ok(path, full);
    assert_string_equal(sc->name, "cmp");
    assert_string_equal(sc->topology, "64core.xml");
    assert_string_equal(sc->trace, trace);
    assert_int_equal(sc->runs->len, 2);
    const struct ipa_scenario_run *a = g_ptr_array_index(sc->runs, 0);
    const struct ipa_scenario_run *b = g_ptr_array_index(sc->runs, 1);
    assert_string_equal(a->policy, "a.c");
    assert_int_equal(a->expect.max[IPA_METRIC_FLAGGED], 0);
    assert_int_equal(a->expect.min[IPA_METRIC_FLAGGED], 0);
    assert_int_equal(a->expect.max[IPA_METRIC_MAKESPAN], 1000000000);
    assert_int_equal(a->expect.max[IPA_METRIC_LATENCY_P99], 5000000);
    assert_true(a->expect.max[IPA_METRIC_LATENCY_MAX] == IPA_NO_BOUND);
    /* b overrides no_flagged, keeps the rest */
    assert_int_equal(b->expect.min[IPA_METRIC_FLAGGED], 1);
    assert_int_equal(b->expect.max[IPA_METRIC_MAKESPAN], 1000000000);
    assert_string_equal(b->expect.exits[1], "until");
    assert_int_equal(sc->relative->len, 1);

    char **argv = ipa_scenario_argv(sc, 1, "/bin/ipasim", "/tmp/r.json", NULL);
    char *line = g_strjoinv(" ", argv);
    char *want = g_strdup_printf(
        "/bin/ipasim run --topo 64core.xml --policy b.c --trace %s --json "
        "/tmp/r.json --quiet --param quantum=30 --param slice=4ms --param "
        "wake=true --hz 250 --until 2000000000ns --trylock-fail 0.5",
        trace);
    assert_string_equal(line, want);
    g_free(want);
    g_free(line);
    g_strfreev(argv);
    ipa_scenario_free(sc);

    /* run limits are options too; extra arguments come last, to win */
    sc = parse_ok(path, "{\"ipasim_scenario\": 1, \"topology\": \"x\", "
                        "\"trace\": \"y\", \"policy\": \"p.c\", "
                        "\"options\": {\"spin_limit\": 5, "
                        "\"max_input_size\": \"1G\"}}");
    const char *const extra[] = {"--spin-limit", "7", NULL};
    argv = ipa_scenario_argv(sc, 0, "ipasim", "r.json", extra);
    line = g_strjoinv(" ", argv);
    assert_string_equal(line, "ipasim run --topo x --policy p.c --trace y "
                              "--json r.json --quiet --spin-limit 5 "
                              "--max-input-size 1G --spin-limit 7");
    g_free(line);
    g_strfreev(argv);
    ipa_scenario_free(sc);

    /* the default name is the file's */
    sc = parse_ok(path, "{\"ipasim_scenario\": 1, \"topology\": \"x\", "
                        "\"trace\": \"y\", \"policy\": \"p.c\"}");
    assert_string_equal(sc->name, "s");
    ipa_scenario_free(sc);
    g_unlink(trace);
    g_rmdir(dir);
    g_free(trace);
    g_free(path);
    g_free(dir);
}

#define HEAD "{\"ipasim_scenario\": 1, \"topology\": \"x\", \"trace\": \"y\", "

static void test_errors(void **state)
{
    (void)state;
    parse_bad(HEAD "\"policy\": \"p.c\", \"options\": {\"max_input_size\": "
                   "\"lots\"}}",
              "/nowhere/s.json: options.max_input_size: expected a size like "
              "\"512M\" or \"2G\"");
    parse_bad("{\"ipasim_scenario\": 1,\n  \"topology\" \"x\"}",
              "/nowhere/s.json:2:14: error: expected ':' after the key");
    parse_bad("{\"topology\": \"x\"}",
              "/nowhere/s.json: missing \"ipasim_scenario\": 1 (is this a "
              "scenario?)");
    parse_bad(HEAD "\"policy\": \"p.c\", \"expct\": {}}",
              "/nowhere/s.json: unknown key 'expct' (did you mean "
              "'expect'?)");
    parse_bad(HEAD "\"policy\": \"p.c\", \"outcome\": {}}",
              "/nowhere/s.json: unknown key 'outcome' (expected one of "
              "ipasim_scenario, name, description, topology, trace, "
              "recorded_on, policy, policies, params, options, expect)");
    parse_bad(HEAD "\"policy\": \"p.c\", \"policies\": [\"q.c\"]}",
              "/nowhere/s.json: give \"policy\" or \"policies\", not both");
    parse_bad(HEAD "\"policy\": \"p.c\", \"expect\": {\"makespan_max\": "
                   "\"soon\"}}",
              "/nowhere/s.json: expect.makespan_max: expected a duration like "
              "\"2ms\" or an integer of nanoseconds");
    parse_bad(HEAD "\"policy\": \"p.c\", \"expect\": {\"speed_max\": 1}}",
              "/nowhere/s.json: expect.speed_max: unknown expectation "
              "(expected exit, no_flagged, METRIC_max or METRIC_min with "
              "METRIC one of makespan, latency_p99, latency_max, "
              "latency_mean, wasted, flagged, jobs, deadline_misses, "
              "response_p99, response_max, tardiness, or relative)");
    /* a typo gets the key it was meant to be (issue 28.7) */
    parse_bad(HEAD "\"policy\": \"p.c\", \"expect\": {\"no_flaged\": "
                   "true}}",
              "/nowhere/s.json: expect.no_flaged: unknown expectation "
              "'no_flaged' (did you mean 'no_flagged'?)");
    parse_bad(HEAD "\"policy\": \"p.c\", \"expect\": {\"makespan_mx\": "
                   "\"1s\"}}",
              "/nowhere/s.json: expect.makespan_mx: unknown expectation "
              "'makespan_mx' (did you mean 'makespan_max'?)");
    parse_bad(HEAD "\"policy\": \"p.c\", \"expect\": {\"relativ\": []}}",
              "/nowhere/s.json: expect.relativ: unknown expectation "
              "'relativ' (did you mean 'relative'?)");
    parse_bad(HEAD "\"policy\": \"p.c\", \"options\": {\"sed\": 1}}",
              "/nowhere/s.json: options.sed: unknown option 'sed' (did you "
              "mean 'seed'?)");
    parse_bad(HEAD "\"policies\": [\"p.c\", \"p.c\"]}",
              "/nowhere/s.json: policies[1]: policy 'p.c' is listed twice");
    parse_bad(HEAD "\"policies\": [\"p.c\"], \"expect\": {\"relative\": "
                   "[{\"policy\": \"p.c\", \"than\": \"q.c\", \"metric\": "
                   "\"makespan\"}]}}",
              "/nowhere/s.json: expect.relative[0].than: 'q.c' is not one of "
              "this scenario's policies");
    parse_bad(HEAD "\"policy\": \"p.c\", \"expect\": {\"exit\": \"ok\"}}",
              "/nowhere/s.json: expect.exit: expected how the run ends: one "
              "of done, until, max-events, deadlock, fault, stall, "
              "trace-error, or an array of them");
    parse_bad(HEAD "\"policy\": \"p.c\", \"options\": {\"hertz\": 1}}",
              "/nowhere/s.json: options.hertz: unknown option (expected one "
              "of hz, seed, until, max_events, wc_threshold, "
              "balance_interval, stall_limit, watchdog, cs_cost, "
              "migration_cost, numa_slowdown, trylock_fail, mode, "
              "deadline_miss, spin_limit, max_input_size)");
    parse_bad(HEAD "\"policy\": \"p.ipa\", \"params\": {\"k\": [1]}}",
              "/nowhere/s.json: params.k: expected an integer, a boolean or "
              "a duration string like \"10ms\"");
    parse_bad(HEAD "\"policy\": {\"expect\": {}}}",
              "/nowhere/s.json: policy: missing \"policy\"");
}

static void set(struct ipa_run_report *r, const char *exit, uint64_t makespan,
                uint64_t p99, uint64_t flagged)
{
    memset(r, 0, sizeof *r);
    r->exit = g_strdup(exit);
    r->value[IPA_METRIC_MAKESPAN] = makespan;
    r->value[IPA_METRIC_LATENCY_P99] = p99;
    r->value[IPA_METRIC_FLAGGED] = flagged;
}

static void test_judge(void **state)
{
    (void)state;
    struct ipa_scenario *sc = parse_ok("/nowhere/s.json", full);
    struct ipa_run_report reps[2];

    set(&reps[0], "done", 800000000, 1000000, 0);
    set(&reps[1], "done", 900000000, 1000000, 3);
    assert_null(ipa_scenario_judge(sc, reps));

    /* a.c is only 5.6% faster */
    reps[0].value[IPA_METRIC_MAKESPAN] = 850000000;
    char *why = ipa_scenario_judge(sc, reps);
    assert_string_equal(why, "expect.relative[0]: a.c makespan 850ms vs b.c "
                             "900ms: expected 10% lower (it is 5.6% lower)");
    g_free(why);

    ipa_run_report_fini(&reps[0]);
    ipa_run_report_fini(&reps[1]);
    set(&reps[0], "fault", 1200000000, 6000000, 2);
    set(&reps[1], "done", 900000000, 1000000, 0);
    why = ipa_scenario_judge(sc, reps);
    assert_string_equal(
        why, "a.c: the run ended in 'fault', expected done or until\n"
             "a.c: makespan 1.2s, expected at most 1s\n"
             "a.c: latency_p99 6ms, expected at most 5ms\n"
             "a.c: 2 flagged intervals, expected none\n"
             "b.c: 0 flagged intervals, expected some\n"
             "expect.relative[0]: a.c makespan 1.2s vs b.c 900ms: expected "
             "10% lower (it is 33.3% higher)");
    g_free(why);
    /* a missing report: only the other run is judged */
    g_free(reps[0].exit);
    reps[0].exit = NULL;
    why = ipa_scenario_judge(sc, reps);
    assert_string_equal(why, "b.c: 0 flagged intervals, expected some");
    g_free(why);
    ipa_run_report_fini(&reps[0]);
    ipa_run_report_fini(&reps[1]);
    ipa_scenario_free(sc);

    /* absolute margins and "better": false */
    sc = parse_ok("/nowhere/s.json",
                  HEAD "\"policies\": [\"p.c\", \"q.c\"], \"expect\": "
                       "{\"relative\": [{\"policy\": \"p.c\", \"than\": "
                       "\"q.c\", \"metric\": \"latency_p99\", \"at_least\": "
                       "\"1ms\", \"better\": false}]}}");
    set(&reps[0], "until", 1, 3000000, 0);
    set(&reps[1], "until", 1, 2000000, 0);
    assert_null(ipa_scenario_judge(sc, reps));
    reps[0].value[IPA_METRIC_LATENCY_P99] = 2500000;
    why = ipa_scenario_judge(sc, reps);
    assert_string_equal(why, "expect.relative[0]: p.c latency_p99 2.5ms vs "
                             "q.c 2ms: expected 1ms higher (it is 25.0% "
                             "higher)");
    g_free(why);
    ipa_run_report_fini(&reps[0]);
    ipa_run_report_fini(&reps[1]);
    ipa_scenario_free(sc);
}

static void test_report_and_junit(void **state)
{
    (void)state;
    char *dir = g_dir_make_tmp("scn-XXXXXX", NULL);
    char *rep = g_build_filename(dir, "r.json", NULL);
    char *xml = g_build_filename(dir, "j.xml", NULL);
    const char *json =
        "{\"ipasim_report\": 1, \"exit\": \"deadlock\", \"exit_message\": "
        "\"a blocked\", \"makespan_ns\": 7, \"latency\": {\"count\": 1, "
        "\"p50_ns\": 1, \"p99_ns\": 2, \"max_ns\": 3, \"mean_ns\": 4}, "
        "\"work_conservation\": {\"violations\": 0, \"wasted_core_ns\": 5, "
        "\"flagged\": [{}, {}]}}";
    assert_true(g_file_set_contents(rep, json, -1, NULL));
    struct ipa_run_report r;
    GError *error = NULL;
    assert_true(ipa_run_report_read(rep, &r, &error));
    assert_string_equal(r.exit, "deadlock");
    assert_string_equal(r.exit_message, "a blocked");
    assert_int_equal(r.value[IPA_METRIC_MAKESPAN], 7);
    assert_int_equal(r.value[IPA_METRIC_LATENCY_P99], 2);
    assert_int_equal(r.value[IPA_METRIC_LATENCY_MAX], 3);
    assert_int_equal(r.value[IPA_METRIC_LATENCY_MEAN], 4);
    assert_int_equal(r.value[IPA_METRIC_WASTED], 5);
    assert_int_equal(r.value[IPA_METRIC_FLAGGED], 2);
    ipa_run_report_fini(&r);
    assert_true(g_file_set_contents(rep, "{\"exit\": 1}", -1, NULL));
    assert_false(ipa_run_report_read(rep, &r, &error));
    g_clear_error(&error);

    char *fails[2] = {NULL, "x: bad & worse\ny: more"};
    double secs[2] = {0.5, 1.25};
    /* classnames come from the scenarios' paths, "." and ".json" left out */
    struct ipa_scenario ok = {.path = "./tests/scenarios/ok.json",
                              .name = "ok"};
    struct ipa_scenario lt = {.path = "/abs/dir//a<b.json", .name = "a<b"};
    GPtrArray *scenarios = g_ptr_array_new();
    g_ptr_array_add(scenarios, &ok);
    g_ptr_array_add(scenarios, &lt);
    char *text = NULL;
    size_t text_len = 0;
    FILE *out = open_memstream(&text, &text_len);
    assert_non_null(out);
    ipa_junit_print(out, scenarios, fails, secs);
    assert_int_equal(fclose(out), 0);
    g_ptr_array_unref(scenarios);
    assert_string_equal(
        text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<testsuites tests=\"2\" failures=\"1\">\n"
              "  <testsuite name=\"ipasim\" tests=\"2\" failures=\"1\" "
              "errors=\"0\" time=\"1.750\">\n"
              "    <testcase classname=\"tests.scenarios.ok\" name=\"ok\" "
              "time=\"0.500\"/>\n"
              "    <testcase classname=\"abs.dir.a&lt;b\" name=\"a&lt;b\" "
              "time=\"1.250\">\n"
              "      <failure message=\"x: bad &amp; worse\">x: bad &amp; "
              "worse\ny: more</failure>\n"
              "    </testcase>\n"
              "  </testsuite>\n"
              "</testsuites>\n");
    free(text);
    g_unlink(rep);
    g_unlink(xml);
    g_rmdir(dir);
    g_free(rep);
    g_free(xml);
    g_free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_argv),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_judge),
        cmocka_unit_test(test_report_and_junit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
