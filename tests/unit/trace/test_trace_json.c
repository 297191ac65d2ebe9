/*
 * test_trace_json.c - the native JSON trace loader: exact model contents of
 * good traces, the exact message of every bad trace in tests/trace/bad
 * (NAME.json beside NAME.err), every shipped trace, and prefixes and
 * mutations of the shipped traces (an error or a trace, never a crash).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "trace/trace.h"
#include "util/common.h"

#define GOOD_DIR IPASIM_SOURCE_DIR "/tests/trace/good"
#define BAD_DIR IPASIM_SOURCE_DIR "/tests/trace/bad"
#define TRACES_DIR IPASIM_SOURCE_DIR "/traces"

static struct ipa_trace *load_ok(const char *path)
{
    struct ipa_trace *t = NULL;
    GError *error = NULL;
    bool ok = ipa_trace_load_json(path, &t, &error);
    if (!ok)
        print_error("%s\n", error->message);
    assert_true(ok);
    assert_null(error);
    assert_non_null(t);
    return t;
}

static const char *name_at(GPtrArray *names, int i)
{
    assert_true(i >= 0 && (guint)i < names->len);
    return g_ptr_array_index(names, i);
}

static void check_op(const struct ipa_op *op, enum ipa_op_kind kind, int obj,
                     uint32_t count, int jump, uint32_t prob_ppm)
{
    assert_int_equal(op->kind, kind);
    /* one field: a loop's ops have a jump and no object, others the
     * reverse (-1 for none) */
    if (kind == IPA_OP_LOOP || kind == IPA_OP_END_LOOP) {
        assert_int_equal(obj, -1);
        assert_int_equal(op->jump, jump);
    } else {
        assert_int_equal(jump, -1);
        assert_int_equal(op->obj, obj);
    }
    assert_int_equal(op->count, count);
    assert_int_equal(op->prob_ppm, prob_ppm);
}

static void check_dur(const struct ipa_op *op, enum ipa_dur_kind kind,
                      uint64_t a, uint64_t b)
{
    assert_int_equal(op->dur_kind, kind);
    assert_int_equal(op->dur.a_ns, a);
    assert_int_equal(op->dur.b_ns, b);
}

static void test_basic(void **state)
{
    (void)state;
    struct ipa_trace *t = load_ok(GOOD_DIR "/basic.json");

    assert_string_equal(t->name, "basic-test");
    assert_string_equal(t->path, GOOD_DIR "/basic.json");
    assert_int_equal(t->until_ns, UINT64_C(10000000000));

    /* names are interned in order of first use, templates first */
    assert_int_equal(t->channels->len, 2);
    assert_string_equal(name_at(t->channels, 0), "c");
    assert_string_equal(name_at(t->channels, 1), "d");
    assert_int_equal(g_array_index(t->channel_tokens, int64_t, 0), 2);
    assert_int_equal(g_array_index(t->channel_tokens, int64_t, 1), 0);
    assert_int_equal(t->barriers->len, 2);
    assert_string_equal(name_at(t->barriers, 0), "b");
    assert_string_equal(name_at(t->barriers, 1), "b2");
    /* b: thread a plus the three w threads (each counted once, although
     * w's program names b twice); b2 is set explicitly */
    assert_int_equal(g_array_index(t->barrier_parties, int, 0), 4);
    assert_int_equal(g_array_index(t->barrier_parties, int, 1), 5);
    assert_int_equal(t->mutexes->len, 1);
    assert_string_equal(name_at(t->mutexes, 0), "m");
    assert_int_equal(t->groups->len, 2);
    assert_string_equal(name_at(t->groups, 0), "g2");
    assert_string_equal(name_at(t->groups, 1), "g1");
    assert_int_equal(t->attrs->len, 2);
    assert_string_equal(name_at(t->attrs, 0), "prio");
    assert_string_equal(name_at(t->attrs, 1), "period");

    /* hot-plug events sorted by time, keeping their file index */
    assert_int_equal(t->hotplug->len, 2);
    struct ipa_hotplug *h = &g_array_index(t->hotplug, struct ipa_hotplug, 0);
    assert_int_equal(h[0].at_ns, UINT64_C(1000000000));
    assert_int_equal(h[0].core, 3);
    assert_false(h[0].online);
    assert_int_equal(h[0].index, 1);
    assert_int_equal(h[1].at_ns, UINT64_C(2000000000));
    assert_true(h[1].online);
    assert_int_equal(h[1].index, 0);

    /* thread a */
    assert_int_equal(t->threads->len, 4);
    struct ipa_thread_spec *a = g_ptr_array_index(t->threads, 0);
    assert_string_equal(a->name, "a");
    assert_string_equal(a->where, "threads[0]");
    assert_int_equal(a->start_ns, 1500000);
    assert_int_equal(a->nice, -5);
    assert_int_equal(a->weight, 3121);
    assert_int_equal(a->group, 1);
    assert_int_equal(a->partition, 1);
    assert_int_equal(a->nr_affinity, 4);
    int aff[] = {0, 1, 2, 5};
    assert_memory_equal(a->affinity, aff, sizeof aff);
    assert_int_equal(a->nr_attrs, 2);
    assert_int_equal(a->attr_ids[0], 1);
    assert_int_equal(a->attr_values[0], 10000000);
    assert_int_equal(a->attr_ids[1], 0);
    assert_int_equal(a->attr_values[1], -3);
    assert_int_equal(a->loop_depth, 2);
    assert_int_equal(a->nr_ops, 17);
    const struct ipa_op *o = a->ops;
    const uint32_t P = 1000000;
    check_op(&o[0], IPA_OP_RUN, -1, 0, -1, P);
    check_dur(&o[0], IPA_DUR_FIXED, 2000000, 2000000);
    check_op(&o[1], IPA_OP_LOOP, -1, 3, 8, P);
    check_op(&o[2], IPA_OP_SLEEP, -1, 0, -1, 250000);
    check_dur(&o[2], IPA_DUR_UNIFORM, 1000000, 3000000);
    check_op(&o[3], IPA_OP_LOOP, -1, 2, 6, P);
    check_op(&o[4], IPA_OP_WAIT, 0, 1, -1, P);
    check_op(&o[5], IPA_OP_SIGNAL, 0, 2, -1, P);
    check_op(&o[6], IPA_OP_END_LOOP, -1, 2, 3, P);
    check_op(&o[7], IPA_OP_BARRIER, 0, 0, -1, P);
    check_op(&o[8], IPA_OP_END_LOOP, -1, 3, 1, P);
    check_op(&o[9], IPA_OP_BROADCAST, 1, 1, -1, P);
    check_op(&o[10], IPA_OP_LOCK, 0, 0, -1, P);
    check_op(&o[11], IPA_OP_UNLOCK, 0, 0, -1, P);
    check_op(&o[12], IPA_OP_SPAWN, 0, 0, -1, P);
    check_op(&o[13], IPA_OP_YIELD, -1, 0, -1, P);
    check_op(&o[14], IPA_OP_RUN, -1, 0, -1, P);
    check_dur(&o[14], IPA_DUR_EXP, 2000000, 2000000);
    check_op(&o[15], IPA_OP_BARRIER, 1, 0, -1, P);
    check_op(&o[16], IPA_OP_EXIT, -1, 0, -1, P); /* the implicit exit */

    /* w expands to w.0 .. w.2, each a full copy */
    for (int i = 0; i < 3; i++) {
        struct ipa_thread_spec *w = g_ptr_array_index(t->threads, 1 + i);
        char name[8];
        g_snprintf(name, sizeof name, "w.%d", i);
        assert_string_equal(w->name, name);
        assert_string_equal(w->where, "threads[1]");
        assert_int_equal(w->weight, 2048);
        assert_int_equal(w->nice, -3); /* 1991 is the closest weight */
        assert_int_equal(w->group, -1);
        assert_int_equal(w->nr_affinity, 2);
        assert_int_equal(w->affinity[0], 1);
        assert_int_equal(w->affinity[1], 4);
        assert_int_equal(w->start_ns, 0);
        /* an explicit final exit gets no implicit one */
        assert_int_equal(w->nr_ops, 3);
        check_op(&w->ops[0], IPA_OP_BARRIER, 0, 0, -1, P);
        check_op(&w->ops[2], IPA_OP_EXIT, -1, 0, -1, P);
        assert_int_equal(w->loop_depth, 0);
    }

    assert_int_equal(t->templates->len, 1);
    struct ipa_thread_spec *tp = g_ptr_array_index(t->templates, 0);
    assert_string_equal(tp->name, "t");
    assert_string_equal(tp->where, "templates[0]");
    assert_int_equal(tp->group, 0);
    assert_int_equal(tp->nr_attrs, 1);
    assert_int_equal(tp->attr_ids[0], 0);
    assert_int_equal(tp->attr_values[0], 7);
    assert_null(tp->affinity);
    /* a final exit that may not happen still gets the implicit one */
    assert_int_equal(tp->nr_ops, 3);
    check_op(&tp->ops[0], IPA_OP_RUN, -1, 0, -1, P);
    check_dur(&tp->ops[0], IPA_DUR_FIXED, 1000, 1000);
    check_op(&tp->ops[1], IPA_OP_EXIT, -1, 0, -1, 500000);
    check_op(&tp->ops[2], IPA_OP_EXIT, -1, 0, -1, P);
    ipa_trace_free(t);
}

/* rt-app's "loop": -1 reads back from a native trace as such. */
static void test_repeat_forever(void **state)
{
    (void)state;
    struct ipa_trace *t = load_ok(GOOD_DIR "/repeat_forever.json");
    struct ipa_thread_spec *x = g_ptr_array_index(t->threads, 0);
    assert_int_equal(x->ops[0].kind, IPA_OP_LOOP);
    assert_int_equal(x->ops[0].count, IPA_REPEAT_FOREVER);
    ipa_trace_free(t);
}

static void test_minimal(void **state)
{
    (void)state;
    struct ipa_trace *t = load_ok(GOOD_DIR "/minimal.json");
    assert_string_equal(t->name, "minimal"); /* from the file name */
    assert_int_equal(t->until_ns, 0);
    assert_int_equal(t->threads->len, 1);
    assert_int_equal(t->templates->len, 0);
    assert_int_equal(t->hotplug->len, 0);
    struct ipa_thread_spec *x = g_ptr_array_index(t->threads, 0);
    assert_string_equal(x->name, "x");
    assert_int_equal(x->weight, 1024);
    assert_int_equal(x->nice, 0);
    assert_int_equal(x->group, -1);
    assert_int_equal(x->partition, 0);
    assert_null(x->affinity);
    assert_int_equal(x->nr_attrs, 0);
    assert_int_equal(x->nr_ops, 1);
    assert_int_equal(x->ops[0].kind, IPA_OP_EXIT);
    ipa_trace_free(t);
}

/* In-memory cases that need no file of their own. */
static void test_parse_inline(void **state)
{
    (void)state;
    static const struct {
        const char *text, *error; /* error NULL: loads */
    } cases[] = {
        {"{\"ipasim_trace\": 1, \"threads\": [{\"name\": \"x\", \"ops\": "
         "[{\"run\": 5}, {\"run\": \"1.5s\"}, {\"sleep\": \"0ns\"}]}]}",
         NULL},
        {"{\"ipasim_trace\": 1, \"threads\": [{\"name\": \"x\", \"ops\": "
         "[{\"run\": 1000000000000000001}]}]}",
         "m.json: threads[0].ops[0].run: duration too long (the limit is "
         "1000000000s, about 31 years)"},
        {"{\"ipasim_trace\": 1, \"threads\": [{\"name\": \"x\", \"ops\": "
         "[{\"run\": 99999999999999999999}]}]}",
         "m.json: threads[0].ops[0].run: duration too long (the limit is "
         "1000000000s, about 31 years)"},
        {"{\"ipasim_trace\": 1, \"threads\": [{\"name\": \"x\", \"ops\": "
         "[{\"wiat\": \"c\"}]}]}",
         "m.json: threads[0].ops[0]: unknown operation 'wiat' (did you mean "
         "'wait'?)"},
        {"{\"ipasim_trace\": 1, \"threads\": [{\"name\": \"x\", \"ops\": "
         "[{\"frobnicate\": 1}]}]}",
         "m.json: threads[0].ops[0]: unknown operation 'frobnicate'"},
        {"{\"ipasim_trace\": 1, \"threads\": [{\"name\": \"x\", \"zzz\": 1, "
         "\"ops\": [{\"run\": 1}]}]}",
         "m.json: threads[0]: unknown key 'zzz' (expected name, count, "
         "start, nice, weight, group, affinity, partition, class, attrs or ops)"},
        {"{\"ipasim_trace\": 1, \"threads\": [{\"name\": \"x\", \"ops\": "
         "[{\"run\": \"1ms\", \"p\": NaN}]}]}",
         "m.json: threads[0].ops[0].p: expected a probability: a number from "
         "0 to 1"},
        {"{\"ipasim_trace\": 1, \"threads\": [{\"name\": \"x\", \"ops\": "
         "[{\"run\": \"1ms\", \"p\": 0}, {\"run\": \"1ms\", \"p\": 1}]}]}",
         NULL},
        {"null", "m.json: expected an object with \"ipasim_trace\": 1 at the "
                 "top level"},
        {"{\"ipasim_trace\": 1, \"threads\": null}",
         "m.json: threads: expected an array of threads"},
        {"{\"ipasim_trace\": 1,\n\t\"threads\": [}",
         "m.json:2:14: error: unexpected character '}'"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        struct ipa_trace *t = NULL;
        GError *error = NULL;
        bool ok = ipa_trace_parse_json("m.json", cases[i].text,
                                       strlen(cases[i].text), &t, &error);
        if (cases[i].error) {
            assert_false(ok);
            assert_null(t);
            assert_true(g_error_matches(error, IPA_ERROR, IPA_ERROR_INPUT));
            assert_string_equal(error->message, cases[i].error);
            g_error_free(error);
        } else {
            if (!ok)
                print_error("case %zu: %s\n", i, error->message);
            assert_true(ok);
            ipa_trace_free(t);
        }
    }
}

static void test_prob_and_durations(void **state)
{
    (void)state;
    const char *text =
        "{\"ipasim_trace\": 1, \"threads\": [{\"name\": \"x\", \"ops\": ["
        "{\"run\": 5, \"p\": 0.3}, {\"run\": \"1.5s\", \"p\": 1e-6}, "
        "{\"sleep\": {\"uniform\": [\"2ms\", \"2ms\"]}, \"p\": 0}]}]}";
    struct ipa_trace *t = NULL;
    GError *error = NULL;
    assert_true(ipa_trace_parse_json("p.json", text, strlen(text), &t, &error));
    struct ipa_thread_spec *x = g_ptr_array_index(t->threads, 0);
    assert_int_equal(x->ops[0].prob_ppm, 300000);
    assert_int_equal(x->ops[0].dur.a_ns, 5);
    assert_int_equal(x->ops[1].prob_ppm, 1);
    assert_int_equal(x->ops[1].dur.a_ns, UINT64_C(1500000000));
    assert_int_equal(x->ops[2].prob_ppm, 0);
    assert_int_equal(x->ops[2].dur_kind, IPA_DUR_UNIFORM);
    assert_int_equal(t->name[0], 'p');
    ipa_trace_free(t);
}

static void test_bad_corpus(void **state)
{
    (void)state;
    GDir *dir = g_dir_open(BAD_DIR, 0, NULL);
    assert_non_null(dir);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *entry;
    while ((entry = g_dir_read_name(dir)))
        if (g_str_has_suffix(entry, ".json"))
            g_ptr_array_add(names, g_strdup(entry));
    g_dir_close(dir);
    assert_true(names->len >= 25);

    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        char *path = g_build_filename(BAD_DIR, name, NULL);
        char *stem = g_strndup(name, strlen(name) - 5);
        char *err_path = g_strdup_printf("%s/%s.err", BAD_DIR, stem);
        char *expected = NULL;
        if (!g_file_get_contents(err_path, &expected, NULL, NULL))
            fail_msg("%s has no %s.err beside it", name, stem);
        g_strchomp(expected);

        struct ipa_trace *t = NULL;
        GError *error = NULL;
        bool ok = ipa_trace_load_json(path, &t, &error);
        if (ok)
            fail_msg("%s loaded but should fail with: %s", name, expected);
        assert_null(t);
        assert_true(g_error_matches(error, IPA_ERROR, IPA_ERROR_INPUT));
        /* messages name the file as given: drop the folder */
        const char *msg = error->message;
        assert_true(g_str_has_prefix(msg, BAD_DIR "/"));
        msg += strlen(BAD_DIR "/");
        if (strcmp(msg, expected) != 0)
            fail_msg("%s:\n  expected: %s\n  got:      %s", name, expected,
                     msg);
        g_error_free(error);
        g_free(expected);
        g_free(err_path);
        g_free(stem);
        g_free(path);
    }
    g_ptr_array_unref(names);
}

static void test_unreadable(void **state)
{
    (void)state;
    struct ipa_trace *t = NULL;
    GError *error = NULL;
    assert_false(ipa_trace_load_json(BAD_DIR "/no-such-file.json", &t, &error));
    assert_null(t);
    assert_string_equal(error->message,
                        "trace '" BAD_DIR "/no-such-file.json': No such file "
                        "or directory");
    g_clear_error(&error);
    assert_false(ipa_trace_load_json(BAD_DIR, &t, &error));
    assert_string_equal(error->message, "trace '" BAD_DIR "': Is a directory");
    g_clear_error(&error);
}

/* Threads listed one by one count against the limit as "count" ones do,
 * before any is built. */
static void test_listed_threads_limit(void **state)
{
    (void)state;
    GString *text = g_string_new("{\"ipasim_trace\": 1, \"threads\": [");
    for (int i = 0; i <= IPA_MAX_THREADS; i++)
        g_string_append_printf(text, "%s{\"name\": \"t%d\", \"ops\": [{\"run\": 1}]}",
                               i ? "," : "", i);
    g_string_append(text, "]}");
    struct ipa_trace *t = NULL;
    GError *error = NULL;
    assert_false(ipa_trace_parse_json("many.json", text->str, text->len, &t,
                                      &error));
    assert_null(t);
    assert_string_equal(error->message,
                        "many.json: threads: too many threads: 100001 listed "
                        "(the limit is 100000 in all)");
    g_clear_error(&error);

    /* a "count" leaves room for the threads listed after it */
    const char *mixed =
        "{\"ipasim_trace\": 1, \"threads\": ["
        "{\"name\": \"w\", \"count\": 99999, \"ops\": [{\"run\": 1}]},"
        "{\"name\": \"a\", \"ops\": [{\"run\": 1}]}, {\"name\": \"b\", \"ops\": [{\"run\": 1}]}]}";
    assert_false(
        ipa_trace_parse_json("mixed.json", mixed, strlen(mixed), &t, &error));
    assert_string_equal(error->message, "mixed.json: threads[0]: too many "
                                        "threads (the limit is 100000 in all)");
    g_clear_error(&error);
    g_string_free(text, TRUE);
}

static GPtrArray *shipped_traces(void)
{
    GDir *dir = g_dir_open(TRACES_DIR, 0, NULL);
    assert_non_null(dir);
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
    const char *entry;
    while ((entry = g_dir_read_name(dir)))
        if (g_str_has_suffix(entry, ".json"))
            g_ptr_array_add(paths, g_build_filename(TRACES_DIR, entry, NULL));
    g_dir_close(dir);
    assert_true(paths->len >= 4);
    return paths;
}

/* Tokens signalled (with initial tokens) per channel, minus waits, when a
 * thread runs its whole program with every op happening: not an exact
 * deadlock check, but a shipped trace whose waits outnumber its tokens
 * cannot finish. */
static void count_program(const struct ipa_thread_spec *s, int64_t *balance,
                          int64_t *spawns)
{
    int64_t mult[32] = {1};
    int depth = 0;
    for (int i = 0; i < s->nr_ops; i++) {
        const struct ipa_op *op = &s->ops[i];
        switch (op->kind) {
        case IPA_OP_LOOP:
            depth++;
            mult[depth] = mult[depth - 1] * op->count;
            break;
        case IPA_OP_END_LOOP:
            depth--;
            break;
        case IPA_OP_WAIT:
            balance[op->obj] -= mult[depth];
            break;
        case IPA_OP_SIGNAL:
            balance[op->obj] += mult[depth] * op->count;
            break;
        case IPA_OP_SPAWN:
            spawns[op->obj] += mult[depth];
            break;
        default:
            break;
        }
    }
}

static void test_shipped_traces(void **state)
{
    (void)state;
    GPtrArray *paths = shipped_traces();
    for (guint i = 0; i < paths->len; i++) {
        struct ipa_trace *t = load_ok(g_ptr_array_index(paths, i));
        assert_true(t->threads->len > 0);
        int64_t *balance = g_new0(int64_t, t->channels->len + 1);
        int64_t *spawns = g_new0(int64_t, t->templates->len + 1);
        for (guint c = 0; c < t->channels->len; c++)
            balance[c] = g_array_index(t->channel_tokens, int64_t, c);
        for (guint j = 0; j < t->threads->len; j++)
            count_program(g_ptr_array_index(t->threads, j), balance, spawns);
        for (guint j = 0; j < t->templates->len; j++) {
            /* a template runs once per spawn */
            int64_t *one = g_new0(int64_t, t->channels->len + 1);
            int64_t *sp = g_new0(int64_t, t->templates->len + 1);
            count_program(g_ptr_array_index(t->templates, j), one, sp);
            for (guint c = 0; c < t->channels->len; c++)
                balance[c] += one[c] * spawns[j];
            g_free(one);
            g_free(sp);
        }
        for (guint c = 0; c < t->channels->len; c++)
            if (balance[c] < 0)
                fail_msg("%s: channel %s has %lld more waits than tokens",
                         t->path, name_at(t->channels, (int)c),
                         (long long)-balance[c]);
        g_free(balance);
        g_free(spawns);
        ipa_trace_free(t);
    }
    g_ptr_array_unref(paths);
}

static void test_shipped_contents(void **state)
{
    (void)state;
    struct ipa_trace *t = load_ok(TRACES_DIR "/lu.json");
    assert_int_equal(t->threads->len, 64);
    assert_int_equal(t->barriers->len, 1);
    assert_int_equal(g_array_index(t->barrier_parties, int, 0), 64);
    assert_string_equal(
        ((struct ipa_thread_spec *)g_ptr_array_index(t->threads, 63))->name,
        "lu.63");
    ipa_trace_free(t);

    t = load_ok(TRACES_DIR "/make.json");
    assert_int_equal(t->templates->len, 1);
    assert_int_equal(g_array_index(t->channel_tokens, int64_t, 0), 64);
    ipa_trace_free(t);

    t = load_ok(TRACES_DIR "/loops3.json");
    assert_int_equal(t->threads->len, 3);
    for (int i = 0; i < 3; i++) {
        struct ipa_thread_spec *s = g_ptr_array_index(t->threads, i);
        char name[8];
        g_snprintf(name, sizeof name, "loop%d", i + 1);
        assert_string_equal(s->name, name);
        assert_int_equal(s->ops[0].dur.a_ns, 300000000);
    }
    ipa_trace_free(t);
}

/* Loads @len bytes; either outcome is fine, but an error must be an input
 * error naming the file and a trace must be complete. */
static void load_any(const char *text, size_t len)
{
    struct ipa_trace *t = NULL;
    GError *error = NULL;
    if (ipa_trace_parse_json("cut.json", text, len, &t, &error)) {
        assert_non_null(t);
        assert_true(t->threads->len > 0);
        ipa_trace_free(t);
    } else {
        assert_null(t);
        assert_true(g_error_matches(error, IPA_ERROR, IPA_ERROR_INPUT));
        assert_true(g_str_has_prefix(error->message, "cut.json"));
        g_error_free(error);
    }
}

static void test_truncated(void **state)
{
    (void)state;
    GPtrArray *paths = shipped_traces();
    for (guint i = 0; i < paths->len; i++) {
        char *text;
        gsize len;
        assert_true(g_file_get_contents(g_ptr_array_index(paths, i), &text,
                                        &len, NULL));
        int errors = 0;
        for (gsize cut = 0; cut < len; cut += 37) {
            /* a copy exactly @cut long, so ASan sees any over-read */
            char *prefix = g_memdup2(text, cut ? cut : 1);
            GError *error = NULL;
            struct ipa_trace *t = NULL;
            if (!ipa_trace_parse_json("cut.json", prefix, cut, &t, &error)) {
                errors++;
                assert_true(g_str_has_prefix(error->message, "cut.json:"));
                g_error_free(error);
            } else {
                ipa_trace_free(t);
            }
            g_free(prefix);
        }
        /* no strict prefix of a JSON object is a JSON object */
        assert_int_equal(errors, (len + 36) / 37);
        g_free(text);
    }
    g_ptr_array_unref(paths);
}

/* Every 37th byte replaced by characters that break JSON or its meaning. */
static void test_mutated(void **state)
{
    (void)state;
    static const char subst[] = {'\0', '"', '{', ']',  '-',
                                 '9',  'x', ',', '\\', (char)0xff};
    GPtrArray *paths = shipped_traces();
    for (guint i = 0; i < paths->len; i++) {
        char *text;
        gsize len;
        assert_true(g_file_get_contents(g_ptr_array_index(paths, i), &text,
                                        &len, NULL));
        char *copy = g_memdup2(text, len);
        for (gsize at = 0; at < len; at += 37) {
            for (size_t s = 0; s < sizeof subst; s++) {
                copy[at] = subst[s];
                load_any(copy, len);
            }
            copy[at] = text[at];
        }
        g_free(copy);
        g_free(text);
    }
    g_ptr_array_unref(paths);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_minimal),
        cmocka_unit_test(test_repeat_forever),
        cmocka_unit_test(test_parse_inline),
        cmocka_unit_test(test_prob_and_durations),
        cmocka_unit_test(test_bad_corpus),
        cmocka_unit_test(test_unreadable),
        cmocka_unit_test(test_listed_threads_limit),
        cmocka_unit_test(test_shipped_traces),
        cmocka_unit_test(test_shipped_contents),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_mutated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
