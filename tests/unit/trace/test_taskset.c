/*
 * test_taskset.c - random task sets (UUniFast-discard, RandFixedSum), the
 * task-set CSV format and the native trace written for a set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "trace/import.h"
#include "trace/taskset.h"
#include "trace/trace.h"
#include "util/common.h"

typedef void (*draw_fn)(GRand *rng, int n, double total, double *out);

static void uunifast(GRand *rng, int n, double total, double *out)
{
    assert_true(ipa_taskset_uunifast(rng, n, total, out));
}

/* Draws of 3 values summing to @total must be uniform over the slice
 * {x in [0,1]^3 : sum = total}: P(x1 < @below) must be @p. Sum 1.5: a
 * hexagon, x1's density 0.5 + x on [0, 0.5] and 1.5 - x on [0.5, 1] (over
 * 0.75): P(x1 < 0.25) = 0.15625 / 0.75. Sum 0.9: a triangle, density
 * 0.9 - x: P(x1 < 0.3) = 1 - (0.6 / 0.9)^2. Sum 2.1: its mirror
 * (1 - x): P(x1 < 0.7) = (0.6 / 0.9)^2. */
static void check_slice(draw_fn draw, double total, double below, double p)
{
    GRand *rng = g_rand_new_with_seed(42);
    const int draws = 40000;
    int n_below = 0;
    for (int d = 0; d < draws; d++) {
        double x[3];
        draw(rng, 3, total, x);
        assert_true(fabs(x[0] + x[1] + x[2] - total) < 1e-9);
        for (int i = 0; i < 3; i++)
            assert_true(x[i] >= 0 && x[i] <= 1);
        n_below += x[0] < below;
    }
    g_rand_free(rng);
    assert_true(fabs((double)n_below / draws - p) < 0.01);
}

static void check_uniform_slice(draw_fn draw)
{
    check_slice(draw, 1.5, 0.25, 0.15625 / 0.75);
    check_slice(draw, 0.9, 0.3, 1 - (0.6 / 0.9) * (0.6 / 0.9));
    check_slice(draw, 2.1, 0.7, (0.6 / 0.9) * (0.6 / 0.9));
}

static void test_uunifast_uniform(void **state)
{
    (void)state;
    check_uniform_slice(uunifast);
}

static void test_randfixedsum_uniform(void **state)
{
    (void)state;
    check_uniform_slice(ipa_taskset_randfixedsum);
}

/* Many tasks near full load: RandFixedSum needs no redraw, and each value
 * stays within [0, 1]. */
static void test_randfixedsum_heavy(void **state)
{
    (void)state;
    GRand *rng = g_rand_new_with_seed(7);
    double x[50];
    for (int d = 0; d < 200; d++) {
        ipa_taskset_randfixedsum(rng, 50, 47.5, x);
        double sum = 0;
        for (int i = 0; i < 50; i++) {
            assert_true(x[i] >= -1e-12 && x[i] <= 1 + 1e-12);
            sum += x[i];
        }
        assert_true(fabs(sum - 47.5) < 1e-9);
    }
    g_rand_free(rng);
}

static const uint64_t periods[] = {10000000, 20000000, 50000000, 100000000};

static GArray *generate(uint64_t seed, enum ipa_taskset_method method,
                        bool constrained)
{
    struct ipa_taskset_params p = {
        .nr_cpus = 8, .nr_tasks = 100, .utilisation = 6.4,
        .periods = periods, .nr_periods = 4, .seed = seed,
        .method = method, .constrained = constrained};
    GError *error = NULL;
    GArray *tasks = ipa_taskset_generate(&p, &error);
    assert_null(error);
    assert_non_null(tasks);
    return tasks;
}

static void test_generate(void **state)
{
    (void)state;
    for (int m = 0; m < 2; m++) {
        GArray *a = generate(42, (enum ipa_taskset_method)m, false);
        GArray *b = generate(42, (enum ipa_taskset_method)m, false);
        GArray *c = generate(43, (enum ipa_taskset_method)m, false);
        GArray *d = generate(42, (enum ipa_taskset_method)m, true);
        assert_int_equal(a->len, 100);
        double util = 0;
        bool differs = false;
        for (guint i = 0; i < a->len; i++) {
            const struct ipa_task *x = &g_array_index(a, struct ipa_task, i);
            const struct ipa_task *y = &g_array_index(b, struct ipa_task, i);
            const struct ipa_task *z = &g_array_index(c, struct ipa_task, i);
            const struct ipa_task *w = &g_array_index(d, struct ipa_task, i);
            /* the same seed, the same set */
            assert_string_equal(x->name, y->name);
            assert_true(x->period_ns == y->period_ns &&
                        x->wcet_ns == y->wcet_ns);
            differs |= x->wcet_ns != z->wcet_ns;
            assert_true(x->wcet_ns >= 1 && x->wcet_ns <= x->period_ns);
            assert_true(x->deadline_ns == x->period_ns);
            /* constrained: the same draws, then a deadline in [C, T] */
            assert_true(w->wcet_ns == x->wcet_ns &&
                        w->period_ns == x->period_ns);
            assert_true(w->deadline_ns >= w->wcet_ns &&
                        w->deadline_ns <= w->period_ns);
            util += (double)x->wcet_ns / (double)x->period_ns;
        }
        assert_true(differs);
        assert_true(fabs(util - 6.4) < 1e-4);
        ipa_taskset_free(a);
        ipa_taskset_free(b);
        ipa_taskset_free(c);
        ipa_taskset_free(d);
    }
}

static void test_generate_refuses(void **state)
{
    (void)state;
    struct ipa_taskset_params p = {
        .nr_cpus = 2, .nr_tasks = 4, .utilisation = 2.5, .periods = periods,
        .nr_periods = 4, .seed = 1};
    GError *error = NULL;
    assert_null(ipa_taskset_generate(&p, &error));
    assert_non_null(strstr(error->message, "at most the CPU count"));
    g_clear_error(&error);
    p.nr_cpus = 8;
    p.utilisation = 3.9; /* UUniFast-discard would redraw forever */
    assert_null(ipa_taskset_generate(&p, &error));
    assert_non_null(strstr(error->message, "randfixedsum"));
    g_clear_error(&error);
    p.method = IPA_TASKSET_RANDFIXEDSUM;
    GArray *tasks = ipa_taskset_generate(&p, &error);
    assert_non_null(tasks);
    ipa_taskset_free(tasks);
    p.nr_tasks = 3000; /* its tables would take 2 x 72 MB */
    p.utilisation = 8;
    assert_null(ipa_taskset_generate(&p, &error));
    assert_non_null(strstr(error->message, "at most 2000 tasks"));
    g_clear_error(&error);
}

static void csv_bad(const char *text, const char *message)
{
    GError *error = NULL;
    assert_null(ipa_taskset_parse_csv("t.csv", text, strlen(text), &error));
    assert_non_null(error);
    assert_string_equal(error->message, message);
    g_error_free(error);
}

static void test_csv(void **state)
{
    (void)state;
    const char *text = "id,period_ms,wcet_us\r\n1,10,288\n\n7, 2.5 ,1.5\n";
    assert_true(ipa_taskset_detect(text, strlen(text)));
    assert_false(ipa_taskset_detect("{\"id\": 1}", 9));
    assert_int_equal(ipa_trace_detect(text, strlen(text)),
                     IPA_TRACE_FMT_TASKSET);
    GError *error = NULL;
    GArray *tasks = ipa_taskset_parse_csv("t.csv", text, strlen(text), &error);
    assert_non_null(tasks);
    assert_int_equal(tasks->len, 2);
    const struct ipa_task *t = &g_array_index(tasks, struct ipa_task, 1);
    assert_string_equal(t->name, "task7");
    assert_true(t->period_ns == 2500000 && t->wcet_ns == 1500 &&
                t->deadline_ns == 2500000);
    ipa_taskset_free(tasks);

    csv_bad("id,period\n1,10\n",
            "t.csv:1:1: error: expected the header line 'id,period_ms,wcet_us'");
    csv_bad("id,period_ms,wcet_us\n1,10\n",
            "t.csv:2:1: error: expected 3 fields: id,period_ms,wcet_us");
    csv_bad("id,period_ms,wcet_us\n1,10,0\n",
            "t.csv:2:6: error: wcet_us: expected a positive number of "
            "microseconds");
    csv_bad("id,period_ms,wcet_us\n1,ten,5\n",
            "t.csv:2:3: error: period_ms: expected a positive number of "
            "milliseconds");
    csv_bad("id,period_ms,wcet_us\n1,10,5\n1,20,5\n",
            "t.csv:3:1: error: id: '1' is already a task of this set");
    csv_bad("id,period_ms,wcet_us\n", "t.csv:1:1: error: no task after the "
                                      "header line");
}

/* A set's trace: one thread per task, released at 0, its jobs up to the
 * horizon (a period that does not divide it releases one more). */
static void test_trace(void **state)
{
    (void)state;
    const char *text = "id,period_ms,wcet_us\n1,10,288\n2,30,1000\n";
    struct ipa_import im;
    ipa_import_init(&im);
    GError *error = NULL;
    assert_true(ipa_trace_import_taskset("sets/t.csv", text, strlen(text),
                                         100000000, &im, &error));
    char *json = ipa_trace_json_text(im.root);
    struct ipa_trace *trace = NULL;
    assert_true(ipa_trace_parse_json("t.json", json, strlen(json), &trace,
                                     &error));
    assert_string_equal(trace->name, "t");
    assert_int_equal(trace->threads->len, 2);
    const struct ipa_thread_spec *s = g_ptr_array_index(trace->threads, 1);
    assert_string_equal(s->name, "task2");
    assert_true(s->start_ns == 0);
    assert_int_equal(s->ops[0].kind, IPA_OP_LOOP);
    assert_int_equal(s->ops[0].count, 4); /* 0, 30, 60, 90 ms */
    assert_int_equal(s->ops[1].kind, IPA_OP_RUN);
    assert_true(s->ops[1].dur.a_ns == 1000000);
    assert_int_equal(s->ops[2].kind, IPA_OP_TIMER);
    assert_true(s->ops[2].dur.a_ns == 30000000);
    assert_int_equal(s->ops[2].count, 1); /* absolute */
    assert_int_equal(s->nr_attrs, 1);
    assert_true(s->attr_values[0] == 30000000);
    const struct ipa_thread_spec *s0 = g_ptr_array_index(trace->threads, 0);
    assert_int_equal(s0->ops[0].count, 10);
    ipa_trace_free(trace);
    g_free(json);
    ipa_import_fini(&im);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uunifast_uniform),
        cmocka_unit_test(test_randfixedsum_uniform),
        cmocka_unit_test(test_randfixedsum_heavy),
        cmocka_unit_test(test_generate),
        cmocka_unit_test(test_generate_refuses),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_trace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
