/*
 * test_trace.c - the trace model: construction for generators, interning,
 * nice weights, operation names, and ipa_trace_validate's machine checks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "trace/trace.h"
#include "util/common.h"

static void test_op_names(void **state)
{
    (void)state;
    assert_string_equal(ipa_op_names[IPA_OP_RUN], "run");
    assert_string_equal(ipa_op_names[IPA_OP_BROADCAST], "broadcast");
    assert_string_equal(ipa_op_names[IPA_OP_SPAWN], "spawn");
    assert_string_equal(ipa_op_names[IPA_OP_LOOP], "repeat");
    assert_string_equal(ipa_op_names[IPA_OP_END_LOOP], "end");
    for (int i = 0; i < IPA_OP_COUNT; i++)
        assert_non_null(ipa_op_names[i]);
}

static void test_nice_to_weight(void **state)
{
    (void)state;
    assert_int_equal(ipa_nice_to_weight(0), 1024);
    assert_int_equal(ipa_nice_to_weight(-20), 88761);
    assert_int_equal(ipa_nice_to_weight(19), 15);
    assert_int_equal(ipa_nice_to_weight(1), 820);
    assert_int_equal(ipa_nice_to_weight(-5), 3121);
    /* each level is about 1.25 times the next */
    for (int n = -20; n < 19; n++) {
        double r = (double)ipa_nice_to_weight(n) / ipa_nice_to_weight(n + 1);
        assert_true(r > 1.15 && r < 1.35);
    }
}

static void test_intern(void **state)
{
    (void)state;
    struct ipa_trace *t = ipa_trace_new("gen");
    assert_string_equal(t->name, "gen");
    assert_null(t->path);
    assert_int_equal(ipa_trace_intern(t, t->channels, "a"), 0);
    assert_int_equal(ipa_trace_intern(t, t->channels, "b"), 1);
    assert_int_equal(ipa_trace_intern(t, t->channels, "a"), 0);
    assert_int_equal(t->channels->len, 2);
    assert_int_equal(ipa_trace_intern(t, t->groups, "a"), 0);
    /* names already in a table when it is first indexed keep their place */
    g_ptr_array_add(t->mutexes, g_strdup("m0"));
    assert_int_equal(ipa_trace_intern(t, t->mutexes, "m1"), 1);
    assert_int_equal(ipa_trace_intern(t, t->mutexes, "m0"), 0);
    /* many names: each keeps its index, in the order first seen */
    for (int i = 0; i < 20000; i++) {
        char name[16];
        g_snprintf(name, sizeof name, "c%d", i);
        assert_int_equal(ipa_trace_intern(t, t->channels, name), i + 2);
    }
    assert_int_equal(ipa_trace_intern(t, t->channels, "c777"), 779);
    assert_string_equal(g_ptr_array_index(t->channels, 779), "c777");
    assert_int_equal(t->channels->len, 20002);
    assert_int_equal(t->groups->len, 1);
    ipa_trace_free(t);
    ipa_trace_free(NULL);
}

static void test_spec_new(void **state)
{
    (void)state;
    struct ipa_thread_spec *s = ipa_thread_spec_new("x");
    assert_string_equal(s->name, "x");
    assert_int_equal(s->weight, 1024);
    assert_int_equal(s->nice, 0);
    assert_int_equal(s->group, -1);
    assert_int_equal(s->partition, 0);
    assert_null(s->affinity);
    assert_null(s->ops);
    assert_null(s->where);
    s->ops = g_new0(struct ipa_op, 1);
    s->nr_ops = 1;
    ipa_thread_spec_free(s);
    ipa_thread_spec_free(NULL);
}

static struct ipa_thread_spec *add_thread(struct ipa_trace *t, const char *name,
                                          const char *where, const int *aff,
                                          int n, int part)
{
    struct ipa_thread_spec *s = ipa_thread_spec_new(name);
    s->where = where ? g_strdup(where) : NULL;
    if (aff) {
        s->affinity = g_memdup2(aff, sizeof(int) * n);
        s->nr_affinity = n;
    }
    s->partition = part;
    g_ptr_array_add(t->threads, s);
    return s;
}

static void expect_invalid(const struct ipa_trace *t, int nr_cores,
                           int nr_parts, int *const *pc, const int *npc,
                           const char *message)
{
    GError *error = NULL;
    assert_false(ipa_trace_validate(t, nr_cores, nr_parts, pc, npc, &error));
    assert_true(g_error_matches(error, IPA_ERROR, IPA_ERROR_INPUT));
    assert_string_equal(error->message, message);
    g_error_free(error);
}

static void test_validate(void **state)
{
    (void)state;
    struct ipa_trace *t = ipa_trace_new("v");
    t->path = g_strdup("v.json");
    int low[] = {0, 1, 2, 3}, high[] = {4, 5, 6, 7};
    int *parts[] = {low, high};
    int nparts[] = {4, 4};
    GError *error = NULL;

    int a0[] = {1, 5};
    add_thread(t, "a", "threads[0]", a0, 2, 1);
    add_thread(t, "b", "threads[1]", NULL, 0, 0);
    assert_true(ipa_trace_validate(t, 8, 2, parts, nparts, &error));
    assert_null(error);
    assert_true(ipa_trace_validate(t, 8, 2, NULL, NULL, &error));

    /* partition 1 without a second --policy */
    expect_invalid(t, 8, 1, parts, nparts,
                   "v.json: threads[0].partition: partition 1 does not "
                   "exist (1 given: one per --policy, numbered from 0)");
    /* core 5 on a 4-core machine */
    expect_invalid(t, 4, 2, NULL, NULL,
                   "v.json: threads[0].affinity: core 5 does not exist (the "
                   "topology has 4 cores)");

    /* affinity outside its partition */
    int a2[] = {0, 1, 2};
    add_thread(t, "c", "threads[2]", a2, 3, 1);
    expect_invalid(t, 8, 2, parts, nparts,
                   "v.json: threads[2].affinity: no core of 0-2 belongs to "
                   "partition 1 (cores 4-7)");
    g_ptr_array_remove_index(t->threads, 2);

    /* a partition with no cores cannot run an unpinned thread */
    int *empty_parts[] = {low, high, NULL};
    int n_empty[] = {4, 4, 0};
    struct ipa_thread_spec *d = add_thread(t, "d", NULL, NULL, 0, 2);
    expect_invalid(t, 8, 3, empty_parts, n_empty,
                   "v.json: thread 'd': affinity: no core of the machine "
                   "belongs to partition 2 (cores none)");
    g_ptr_array_remove(t->threads, d);

    /* templates are checked too */
    struct ipa_thread_spec *tp = ipa_thread_spec_new("job");
    tp->where = g_strdup("templates[0]");
    tp->affinity = g_new(int, 1);
    tp->affinity[0] = 70;
    tp->nr_affinity = 1;
    g_ptr_array_add(t->templates, tp);
    expect_invalid(t, 64, 2, NULL, NULL,
                   "v.json: templates[0].affinity: core 70 does not exist "
                   "(the topology has 64 cores)");
    g_ptr_array_remove_index(t->templates, 0);

    struct ipa_hotplug h = {.at_ns = 5, .core = 9, .online = false, .index = 2};
    g_array_append_val(t->hotplug, h);
    expect_invalid(t, 8, 2, parts, nparts,
                   "v.json: hotplug[2].core: core 9 does not exist (the "
                   "topology has 8 cores)");
    assert_true(ipa_trace_validate(t, 16, 2, NULL, NULL, &error));
    ipa_trace_free(t);
}

/* The loader's output meets validate on a real file. */
static void test_validate_loaded(void **state)
{
    (void)state;
    struct ipa_trace *t = NULL;
    GError *error = NULL;
    assert_true(ipa_trace_load_json(
        IPASIM_SOURCE_DIR "/tests/trace/good/basic.json", &t, &error));
    assert_true(ipa_trace_validate(t, 8, 2, NULL, NULL, &error));
    GError *e2 = NULL;
    assert_false(ipa_trace_validate(t, 8, 1, NULL, NULL, &e2));
    assert_string_equal(e2->message, IPASIM_SOURCE_DIR
                        "/tests/trace/good/basic.json: threads[0].partition: "
                        "partition 1 does not exist (1 given: one per "
                        "--policy, numbered from 0)");
    g_error_free(e2);
    e2 = NULL;
    assert_false(ipa_trace_validate(t, 3, 2, NULL, NULL, &e2));
    assert_string_equal(e2->message, IPASIM_SOURCE_DIR
                        "/tests/trace/good/basic.json: threads[0].affinity: "
                        "core 5 does not exist (the topology has 3 cores)");
    g_error_free(e2);
    ipa_trace_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_op_names), cmocka_unit_test(test_nice_to_weight),
        cmocka_unit_test(test_intern),   cmocka_unit_test(test_spec_new),
        cmocka_unit_test(test_validate), cmocka_unit_test(test_validate_loaded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
