/*
 * scenario.c - reading scenario files and judging reports against them
 * (docs/scenarios.md).
 */
#include "scenario/scenario.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "util/common.h"
#include "util/input.h"
#include "util/jsonfile.h"
#include "util/duration.h"
#include "util/size.h"
#include "util/suggest.h"

const char *const ipa_metric_names[IPA_METRIC_COUNT] = {
#define IPA_METRIC_NAME(name, word) [IPA_METRIC_##name] = word,
    IPA_SCENARIO_METRICS(IPA_METRIC_NAME)
#undef IPA_METRIC_NAME
};

struct reader {
    struct ipa_json_reader json; /* the file, and where in it */
    char *dir;
    struct ipa_scenario *sc;
};

#define fail(rd, ...) ipa_json_fail(&(rd)->json, __VA_ARGS__)
#define push(rd, key) ipa_json_push_key(&(rd)->json, key)
#define push_index(rd, i) ipa_json_push_index(&(rd)->json, i)
#define pop(rd, mark) ipa_json_pop(&(rd)->json, mark)
#define check_keys(rd, obj, allowed)                                           \
    ipa_json_check_keys(&(rd)->json, obj, allowed)

static bool get_string(struct reader *rd, struct json_object *v,
                       const char *what, const char **out)
{
    if (!json_object_is_type(v, json_type_string) ||
        !json_object_get_string_len(v))
        return fail(rd, "expected %s (a non-empty string)", what);
    *out = json_object_get_string(v);
    return true;
}

static bool get_dur(struct ipa_json_reader *json, struct json_object *v,
                    uint64_t *out)
{
    if (json_object_is_type(v, json_type_int) &&
        json_object_get_int64(v) >= 0) {
        *out = (uint64_t)json_object_get_int64(v);
        return true;
    }
    if (json_object_is_type(v, json_type_string) &&
        ipa_duration_parse(json_object_get_string(v), out))
        return true;
    return ipa_json_fail(json, "expected a duration like \"2ms\" or an integer of "
                    "nanoseconds");
}

/* A file name: beside the scenario if it exists there, else as written
 * (a shipped name such as fifo.c, or a synthetic topology). */
static char *resolve(struct reader *rd, const char *name)
{
    if (g_path_is_absolute(name))
        return g_strdup(name);
    char *p = g_build_filename(rd->dir, name, NULL);
    if (g_file_test(p, G_FILE_TEST_EXISTS))
        return p;
    g_free(p);
    return g_strdup(name);
}

/* "makespan, latency_p99, ..., tardiness" for messages. */
static char *metric_list(void)
{
    GString *s = g_string_new(NULL);
    for (int m = 0; m < IPA_METRIC_COUNT; m++)
        g_string_append_printf(s, "%s%s", m ? ", " : "", ipa_metric_names[m]);
    return g_string_free(s, FALSE);
}

static int metric_of(const char *word)
{
    for (int m = 0; m < IPA_METRIC_COUNT; m++)
        if (!strcmp(word, ipa_metric_names[m]))
            return m;
    return -1;
}

/* The expectation key closest to the unknown @key, or NULL. */
static const char *suggest_expectation(const char *key, bool top)
{
    static char names[2 * IPA_METRIC_COUNT][32];
    const char *keys[2 * IPA_METRIC_COUNT + 3];
    int n = 0;
    for (int m = 0; m < IPA_METRIC_COUNT; m++)
        for (int k = 0; k < 2; k++) {
            g_snprintf(names[n], sizeof names[n], "%s%s", ipa_metric_names[m],
                       k ? "_min" : "_max");
            keys[n] = names[n];
            n++;
        }
    keys[n++] = "exit";
    keys[n++] = "no_flagged";
    if (top)
        keys[n++] = "relative";
    return ipa_suggest(key, keys, n);
}

/* expect keys: METRIC_max, METRIC_min, no_flagged, exit, relative */
static bool parse_expect(struct reader *rd, struct json_object *v,
                         struct ipa_expect *e, bool top)
{
    if (!json_object_is_type(v, json_type_object))
        return fail(rd, "expected an object of expectations like "
                        "{\"no_flagged\": true, \"makespan_max\": \"2s\"}");
    json_object_object_foreach(v, key, val)
    {
        gsize m = push(rd, key);
        const char *us = strrchr(key, '_');
        char *word = us ? g_strndup(key, (size_t)(us - key)) : NULL;
        int metric = word ? metric_of(word) : -1;
        g_free(word);
        if (metric >= 0 && (!strcmp(us, "_max") || !strcmp(us, "_min"))) {
            uint64_t x;
            if (ipa_metric_is_count(metric)) {
                if (!json_object_is_type(val, json_type_int) ||
                    json_object_get_int64(val) < 0)
                    return fail(rd, "expected a number of %s from 0",
                                metric == IPA_METRIC_FLAGGED ? "intervals"
                                                             : "jobs");
                x = (uint64_t)json_object_get_int64(val);
            } else if (!get_dur(&rd->json, val, &x)) {
                return false;
            }
            if (!strcmp(us, "_max"))
                e->max[metric] = x;
            else
                e->min[metric] = x;
        } else if (!strcmp(key, "no_flagged")) {
            if (!json_object_is_type(val, json_type_boolean))
                return fail(rd, "expected true (nothing flagged) or false "
                                "(at least one flagged interval)");
            bool none = json_object_get_boolean(val);
            e->max[IPA_METRIC_FLAGGED] = none ? 0 : IPA_NO_BOUND;
            e->min[IPA_METRIC_FLAGGED] = none ? 0 : 1;
        } else if (!strcmp(key, "exit")) {
            static const char *const kinds[] = {
                "done",  "until", "max-events",  "deadlock",
                "fault", "stall", "trace-error", NULL};
            GPtrArray *list = g_ptr_array_new();
            bool arr = json_object_is_type(val, json_type_array);
            size_t n = arr ? json_object_array_length(val) : 1;
            bool ok = n > 0;
            for (size_t i = 0; i < n && ok; i++) {
                struct json_object *x =
                    arr ? json_object_array_get_idx(val, i) : val;
                ok = json_object_is_type(x, json_type_string);
                for (int k = 0; ok && kinds[k]; k++)
                    if (!strcmp(json_object_get_string(x), kinds[k])) {
                        g_ptr_array_add(list,
                                        g_strdup(json_object_get_string(x)));
                        break;
                    }
                ok = ok && list->len == i + 1;
            }
            g_ptr_array_add(list, NULL);
            char **exits = (char **)g_ptr_array_free(list, false);
            if (!ok) {
                g_strfreev(exits);
                return fail(rd, "expected how the run ends: one of done, "
                                "until, max-events, deadlock, fault, stall, "
                                "trace-error, or an array of them");
            }
            g_strfreev(e->exits);
            e->exits = exits;
        } else if (!strcmp(key, "relative") && top) {
            /* read once the runs are known */
        } else {
            const char *close = suggest_expectation(key, top);
            if (close)
                return fail(rd, "unknown expectation '%s' (did you mean "
                                "'%s'?)",
                            key, close);
            char *list = metric_list();
            fail(rd,
                 "unknown expectation (expected exit, no_flagged, "
                 "METRIC_max or METRIC_min with METRIC one of %s%s)",
                 list, top ? ", or relative" : "");
            g_free(list);
            return false;
        }
        pop(rd, m);
    }
    return true;
}

static int run_named(struct ipa_scenario *sc, const char *policy)
{
    for (guint i = 0; i < sc->runs->len; i++) {
        struct ipa_scenario_run *r = g_ptr_array_index(sc->runs, i);
        if (!strcmp(r->policy, policy))
            return (int)i;
    }
    return -1;
}

/* relative: [{"policy", "than", "metric", "at_least", "better"}] */
static bool parse_relative(struct reader *rd, struct json_object *v)
{
    static const char *const keys[] = {"policy",   "than",   "metric",
                                       "at_least", "better", NULL};
    struct ipa_scenario *sc = rd->sc;
    gsize m = push(rd, "relative");
    if (!json_object_is_type(v, json_type_array))
        return fail(rd, "expected an array like [{\"policy\": \"a.c\", "
                        "\"than\": \"b.c\", \"metric\": \"makespan\", "
                        "\"at_least\": \"10%%\"}]");
    for (size_t i = 0; i < json_object_array_length(v); i++) {
        struct json_object *e = json_object_array_get_idx(v, i), *x;
        struct ipa_relative rel = {.better = true, .percent = true};
        const char *s = NULL;
        gsize m2 = push_index(rd, i);
        if (!json_object_is_type(e, json_type_object))
            return fail(rd, "expected an object");
        if (!check_keys(rd, e, keys))
            return false;
        const char *names[2] = {"policy", "than"};
        int *idx[2] = {&rel.run, &rel.than};
        for (int k = 0; k < 2; k++) {
            if (!json_object_object_get_ex(e, names[k], &x))
                return fail(rd, "missing \"%s\"", names[k]);
            gsize m3 = push(rd, names[k]);
            if (!get_string(rd, x, "a policy of this scenario", &s))
                return false;
            if ((*idx[k] = run_named(sc, s)) < 0)
                return fail(rd, "'%s' is not one of this scenario's policies",
                            s);
            pop(rd, m3);
        }
        if (!json_object_object_get_ex(e, "metric", &x))
            return fail(rd, "missing \"metric\"");
        gsize m3 = push(rd, "metric");
        int metric = json_object_is_type(x, json_type_string)
                         ? metric_of(json_object_get_string(x))
                         : -1;
        if (metric < 0) {
            char *list = metric_list();
            fail(rd, "expected one of %s", list);
            g_free(list);
            return false;
        }
        rel.metric = metric;
        pop(rd, m3);
        if (json_object_object_get_ex(e, "at_least", &x)) {
            m3 = push(rd, "at_least");
            const char *t = json_object_is_type(x, json_type_string)
                                ? json_object_get_string(x)
                                : NULL;
            size_t n = t ? strlen(t) : 0;
            if (n > 1 && t[n - 1] == '%') {
                char *end = NULL;
                rel.pct = g_ascii_strtod(t, &end);
                if (end != t + n - 1 || !(rel.pct >= 0 && rel.pct <= 1000))
                    return fail(rd, "expected a percentage like \"10%%\"");
            } else if (ipa_metric_is_count(metric)) {
                if (!json_object_is_type(x, json_type_int) ||
                    json_object_get_int64(x) < 0)
                    return fail(rd, "expected a percentage like \"10%%\" or "
                                    "a number of %s",
                                metric == IPA_METRIC_FLAGGED ? "intervals"
                                                             : "jobs");
                rel.percent = false;
                rel.margin = (uint64_t)json_object_get_int64(x);
            } else {
                rel.percent = false;
                if (!get_dur(&rd->json, x, &rel.margin)) {
                    g_clear_error(rd->json.error);
                    return fail(rd, "expected a percentage like \"10%%\" or "
                                    "a duration like \"5ms\"");
                }
            }
            pop(rd, m3);
        }
        if (json_object_object_get_ex(e, "better", &x)) {
            m3 = push(rd, "better");
            if (!json_object_is_type(x, json_type_boolean))
                return fail(rd, "expected true (lower) or false (higher)");
            rel.better = json_object_get_boolean(x);
            pop(rd, m3);
        }
        rel.where = g_strdup(rd->json.where->str);
        g_array_append_val(sc->relative, rel);
        pop(rd, m2);
    }
    pop(rd, m);
    return true;
}

static void expect_init(struct ipa_expect *e)
{
    e->exits = NULL;
    for (int m = 0; m < IPA_METRIC_COUNT; m++) {
        e->max[m] = IPA_NO_BOUND;
        e->min[m] = 0;
    }
}

static void expect_copy(struct ipa_expect *to, const struct ipa_expect *from)
{
    *to = *from;
    to->exits = g_strdupv(from->exits);
}

bool ipa_scenario_read_options(struct ipa_json_reader *rd,
                               struct json_object *v, bool seed,
                               GPtrArray *args)
{
    static const struct {
        const char *key, *flag;
        char type; /* i integer, d duration, f fraction, s one of choices,
                      z a size */
        const char *choices[2];
    } opts[] = {
        {"hz", "--hz", 'i', {NULL, NULL}},
        {"seed", "--seed", 'i', {NULL, NULL}},
        {"until", "--until", 'd', {NULL, NULL}},
        {"max_events", "--max-events", 'i', {NULL, NULL}},
        {"wc_threshold", "--wc-threshold", 'd', {NULL, NULL}},
        {"balance_interval", "--balance-interval", 'd', {NULL, NULL}},
        {"stall_limit", "--stall-limit", 'd', {NULL, NULL}},
        {"watchdog", "--watchdog", 'd', {NULL, NULL}},
        {"cs_cost", "--cs-cost", 'd', {NULL, NULL}},
        {"migration_cost", "--migration-cost", 'd', {NULL, NULL}},
        {"numa_slowdown", "--numa-slowdown", 'i', {NULL, NULL}},
        {"trylock_fail", "--trylock-fail", 'f', {NULL, NULL}},
        {"mode", "--mode", 's', {"interpreted", "compiled"}},
        {"deadline_miss", "--deadline-miss", 's', {"continue", "abort"}},
        {"spin_limit", "--spin-limit", 'i', {NULL, NULL}},
        {"max_input_size", "--max-input-size", 'z', {NULL, NULL}},
    };
    gsize m = ipa_json_push_key(rd, "options");
    if (!json_object_is_type(v, json_type_object))
        return ipa_json_fail(rd, "expected an object like {\"hz\": 250, \"seed\": 2}");
    json_object_object_foreach(v, key, val)
    {
        gsize m2 = ipa_json_push_key(rd, key);
        size_t k = 0;
        while (k < G_N_ELEMENTS(opts) && strcmp(opts[k].key, key))
            k++;
        if (k < G_N_ELEMENTS(opts) && !seed && !strcmp(key, "seed"))
            return ipa_json_fail(rd, "the seeds are an axis of a sweep: "
                                     "\"seeds\": [1, 2, 3]");
        if (k == G_N_ELEMENTS(opts)) {
            const char *keys[G_N_ELEMENTS(opts)];
            for (size_t j = 0; j < G_N_ELEMENTS(opts); j++)
                keys[j] = opts[j].key;
            const char *close =
                ipa_suggest(key, keys, (int)G_N_ELEMENTS(opts));
            if (close)
                return ipa_json_fail(rd, "unknown option '%s' (did you mean '%s'?)",
                            key, close);
            GString *all = g_string_new(NULL);
            for (size_t j = 0; j < G_N_ELEMENTS(opts); j++)
                g_string_append_printf(all, "%s%s", j ? ", " : "",
                                       opts[j].key);
            ipa_json_fail(rd, "unknown option (expected one of %s)", all->str);
            g_string_free(all, true);
            return false;
        }
        char *text = NULL;
        if (opts[k].type == 's') {
            const char *const *choices = opts[k].choices;
            const char *word = json_object_is_type(val, json_type_string)
                                   ? json_object_get_string(val)
                                   : "";
            if (strcmp(word, choices[0]) && strcmp(word, choices[1]))
                return ipa_json_fail(rd, "expected \"%s\" or \"%s\"", choices[0],
                            choices[1]);
            text = g_strdup(word);
        } else if (opts[k].type == 'i') {
            if (!json_object_is_type(val, json_type_int) ||
                json_object_get_int64(val) < 0)
                return ipa_json_fail(rd, "expected a non-negative integer");
            text = g_strdup_printf("%" PRId64, json_object_get_int64(val));
        } else if (opts[k].type == 'z') {
            uint64_t bytes = 0;
            if (!json_object_is_type(val, json_type_string) ||
                !ipa_size_parse(json_object_get_string(val), &bytes) || !bytes)
                return ipa_json_fail(rd, "expected a size like \"512M\" or \"2G\"");
            text = g_strdup(json_object_get_string(val));
        } else if (opts[k].type == 'f') {
            double d = json_object_is_type(val, json_type_double) ||
                               json_object_is_type(val, json_type_int)
                           ? json_object_get_double(val)
                           : -1;
            if (!(d >= 0 && d <= 1))
                return ipa_json_fail(rd, "expected a probability from 0 to 1");
            char buf[G_ASCII_DTOSTR_BUF_SIZE];
            text = g_strdup(g_ascii_dtostr(buf, sizeof buf, d));
        } else {
            uint64_t ns;
            if (!get_dur(rd, val, &ns))
                return false;
            text = g_strdup_printf("%" PRIu64 "ns", ns);
        }
        g_ptr_array_add(args, g_strdup(opts[k].flag));
        g_ptr_array_add(args, text);
        ipa_json_pop(rd, m2);
    }
    ipa_json_pop(rd, m);
    return true;
}

static void run_free(struct ipa_scenario_run *r)
{
    g_free(r->policy);
    g_free(r->arg);
    g_strfreev(r->expect.exits);
    g_free(r);
}

static bool add_run(struct reader *rd, struct json_object *v,
                    const struct ipa_expect *common)
{
    static const char *const keys[] = {"policy", "expect", NULL};
    struct json_object *p = v, *x = NULL;
    const char *name = NULL;
    if (json_object_is_type(v, json_type_object)) {
        if (!check_keys(rd, v, keys))
            return false;
        if (!json_object_object_get_ex(v, "policy", &p))
            return fail(rd, "missing \"policy\"");
        gsize m = push(rd, "policy");
        if (!get_string(rd, p, "a policy file", &name))
            return false;
        pop(rd, m);
        json_object_object_get_ex(v, "expect", &x);
    } else if (!get_string(rd, p,
                           "a policy file, or {\"policy\": ..., \"expect\": "
                           "{...}}",
                           &name)) {
        return false;
    }
    if (run_named(rd->sc, name) >= 0)
        return fail(rd, "policy '%s' is listed twice", name);
    struct ipa_scenario_run *r = g_new0(struct ipa_scenario_run, 1);
    expect_copy(&r->expect, common);
    r->policy = g_strdup(name);
    r->arg = resolve(rd, name);
    g_ptr_array_add(rd->sc->runs, r);
    if (x) {
        gsize m = push(rd, "expect");
        if (!parse_expect(rd, x, &r->expect, false))
            return false;
        pop(rd, m);
    }
    return true;
}

static bool parse_top(struct reader *rd, struct json_object *root)
{
    static const char *const keys[] = {
        "ipasim_scenario", "name",   "description", "topology", "trace",
        "recorded_on",     "policy", "policies",    "params",   "options",
        "expect",          NULL};
    struct ipa_scenario *sc = rd->sc;
    struct json_object *x, *expect = NULL;
    struct ipa_expect common;
    const char *s = NULL;
    bool ok = false;

    expect_init(&common);
    if (!json_object_is_type(root, json_type_object))
        return fail(rd, "expected an object with \"ipasim_scenario\": 1");
    if (!json_object_object_get_ex(root, "ipasim_scenario", &x))
        return fail(rd, "missing \"ipasim_scenario\": 1 (is this a "
                        "scenario?)");
    gsize m = push(rd, "ipasim_scenario");
    if (!json_object_is_type(x, json_type_int) || json_object_get_int(x) != 1)
        return fail(rd, "unsupported format version (this ipasim reads 1)");
    pop(rd, m);
    if (!check_keys(rd, root, keys))
        return false;
    if (json_object_object_get_ex(root, "name", &x)) {
        m = push(rd, "name");
        if (!get_string(rd, x, "the scenario's name", &s))
            return false;
        g_free(sc->name);
        sc->name = g_strdup(s);
        pop(rd, m);
    }
    if (json_object_object_get_ex(root, "description", &x) &&
        !json_object_is_type(x, json_type_string)) {
        push(rd, "description");
        return fail(rd, "expected a string");
    }
    const char *files[2] = {"topology", "trace"};
    char **dest[2] = {&sc->topology, &sc->trace};
    for (int k = 0; k < 2; k++) {
        if (!json_object_object_get_ex(root, files[k], &x))
            return fail(rd, "missing \"%s\"", files[k]);
        m = push(rd, files[k]);
        if (!get_string(rd, x, k ? "a trace file" : "a topology", &s))
            return false;
        *dest[k] = resolve(rd, s);
        pop(rd, m);
    }
    if (json_object_object_get_ex(root, "recorded_on", &x)) {
        m = push(rd, "recorded_on");
        if (!get_string(rd, x, "a topology", &s))
            return false;
        sc->recorded_on = resolve(rd, s);
        pop(rd, m);
    }
    if (json_object_object_get_ex(root, "params", &x)) {
        m = push(rd, "params");
        if (!json_object_is_type(x, json_type_object))
            return fail(rd, "expected an object");
        /* constants of DSL policies: each becomes --param NAME=VALUE */
        json_object_object_foreach(x, key, val) {
            gsize mk = push(rd, key);
            const char *v = NULL;
            char num[32];
            if (json_object_is_type(val, json_type_int)) {
                g_snprintf(num, sizeof num, "%" G_GINT64_FORMAT,
                           (gint64)json_object_get_int64(val));
                v = num;
            } else if (json_object_is_type(val, json_type_boolean)) {
                v = json_object_get_boolean(val) ? "true" : "false";
            } else if (json_object_is_type(val, json_type_string)) {
                v = json_object_get_string(val);
            } else {
                return fail(rd, "expected an integer, a boolean or a "
                                "duration string like \"10ms\"");
            }
            g_ptr_array_add(sc->options, g_strdup("--param"));
            g_ptr_array_add(sc->options, g_strdup_printf("%s=%s", key, v));
            pop(rd, mk);
        }
        pop(rd, m);
    }
    if (json_object_object_get_ex(root, "options", &x) &&
        !ipa_scenario_read_options(&rd->json, x, true, rd->sc->options))
        return false;
    if (json_object_object_get_ex(root, "expect", &expect)) {
        m = push(rd, "expect");
        if (!parse_expect(rd, expect, &common, true))
            goto out;
        pop(rd, m);
    }
    struct json_object *one = NULL, *many = NULL;
    json_object_object_get_ex(root, "policy", &one);
    json_object_object_get_ex(root, "policies", &many);
    if (!!one == !!many) {
        fail(rd, "give \"policy\" or \"policies\", %s",
             one ? "not both" : "one of them");
        goto out;
    }
    if (one) {
        m = push(rd, "policy");
        if (!add_run(rd, one, &common))
            goto out;
        pop(rd, m);
    } else {
        m = push(rd, "policies");
        if (!json_object_is_type(many, json_type_array) ||
            !json_object_array_length(many)) {
            fail(rd, "expected a non-empty array of policies");
            goto out;
        }
        for (size_t i = 0; i < json_object_array_length(many); i++) {
            gsize m2 = push_index(rd, i);
            if (!add_run(rd, json_object_array_get_idx(many, i), &common))
                goto out;
            pop(rd, m2);
        }
        pop(rd, m);
    }
    if (expect && json_object_object_get_ex(expect, "relative", &x)) {
        m = push(rd, "expect");
        if (!parse_relative(rd, x))
            goto out;
        pop(rd, m);
    }
    ok = true;
out:
    g_strfreev(common.exits);
    return ok;
}

bool ipa_scenario_parse(const char *path, const char *text, size_t len,
                        struct ipa_scenario **out, GError **error)
{
    struct json_object *root = NULL;
    bool ok = false;

    *out = NULL;
    if (!ipa_json_parse(path, text, len, &root, error))
        goto out;
    struct ipa_scenario *sc = g_new0(struct ipa_scenario, 1);
    sc->path = g_strdup(path);
    char *base = g_path_get_basename(path);
    size_t n = strlen(base);
    if (n > 5 && !strcmp(base + n - 5, ".json"))
        base[n - 5] = 0;
    sc->name = base;
    sc->runs = g_ptr_array_new_with_free_func((GDestroyNotify)run_free);
    sc->relative = g_array_new(false, true, sizeof(struct ipa_relative));
    sc->options = g_ptr_array_new_with_free_func(g_free);
    struct reader rd = {.json = {.file = path, .where = g_string_new(NULL),
                                 .error = error},
                        .dir = g_path_get_dirname(path),
                        .sc = sc};
    ok = parse_top(&rd, root);
    g_free(rd.dir);
    g_string_free(rd.json.where, true);
    if (ok)
        *out = sc;
    else
        ipa_scenario_free(sc);
out:
    if (root)
        json_object_put(root);
    return ok;
}

bool ipa_scenario_load(const char *path, struct ipa_scenario **out,
                       GError **error)
{
    char *text = NULL;
    size_t len = 0;
    *out = NULL;
    if (!ipa_input_read("scenario", path, IPA_INPUT_FILE, &text, &len, error))
        return false;
    bool ok = ipa_scenario_parse(path, text, len, out, error);
    g_free(text);
    return ok;
}

void ipa_scenario_free(struct ipa_scenario *sc)
{
    if (!sc)
        return;
    g_free(sc->path);
    g_free(sc->name);
    g_free(sc->topology);
    g_free(sc->trace);
    g_free(sc->recorded_on);
    g_ptr_array_unref(sc->runs);
    for (guint i = 0; i < sc->relative->len; i++)
        g_free(g_array_index(sc->relative, struct ipa_relative, i).where);
    g_array_unref(sc->relative);
    g_ptr_array_unref(sc->options);
    g_free(sc);
}

char **ipa_scenario_argv(const struct ipa_scenario *sc, int i,
                         const char *exe, const char *json_path,
                         const char *const *extra)
{
    const struct ipa_scenario_run *r = g_ptr_array_index(sc->runs, i);
    GPtrArray *a = g_ptr_array_new();
    const char *fixed[] = {exe,     "run",     "--topo",  sc->topology,
                           "--policy", r->arg, "--trace", sc->trace,
                           "--json",  json_path, "--quiet"};
    for (size_t k = 0; k < G_N_ELEMENTS(fixed); k++)
        g_ptr_array_add(a, g_strdup(fixed[k]));
    if (sc->recorded_on) {
        g_ptr_array_add(a, g_strdup("--recorded-on"));
        g_ptr_array_add(a, g_strdup(sc->recorded_on));
    }
    for (guint k = 0; k < sc->options->len; k++)
        g_ptr_array_add(a, g_strdup(g_ptr_array_index(sc->options, k)));
    for (size_t k = 0; extra && extra[k]; k++)
        g_ptr_array_add(a, g_strdup(extra[k]));
    g_ptr_array_add(a, NULL);
    return (char **)g_ptr_array_free(a, false);
}

static bool get_u64(struct json_object *o, const char *key, uint64_t *out)
{
    struct json_object *x;
    if (!json_object_object_get_ex(o, key, &x) ||
        !json_object_is_type(x, json_type_int))
        return false;
    *out = (uint64_t)json_object_get_int64(x);
    return true;
}

bool ipa_run_report_read(const char *path, struct ipa_run_report *out,
                         GError **error)
{
    struct json_object *root = json_object_from_file(path), *x, *lat, *wc,
                       *fl;
    memset(out, 0, sizeof *out);
    if (!root) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "report '%s': unreadable (%s)", path,
                    json_util_get_last_err());
        return false;
    }
    /* A report the supervisor wrote for a policy that took the run's
     * process down has its exit and message and no figures (they died
     * with the process): zeros, which only an exit of "fault" passes. */
    bool supervised = json_object_object_get_ex(root, "fault", &fl) &&
                      json_object_object_get_ex(root, "exit", &x) &&
                      json_object_is_type(x, json_type_string);
    bool ok = supervised ||
              (json_object_object_get_ex(root, "exit", &x) &&
              json_object_is_type(x, json_type_string) &&
              json_object_object_get_ex(root, "latency", &lat) &&
              json_object_object_get_ex(root, "work_conservation", &wc) &&
              json_object_object_get_ex(wc, "flagged", &fl) &&
              json_object_is_type(fl, json_type_array) &&
              get_u64(root, "makespan_ns", &out->value[IPA_METRIC_MAKESPAN]) &&
              get_u64(lat, "p99_ns", &out->value[IPA_METRIC_LATENCY_P99]) &&
              get_u64(lat, "max_ns", &out->value[IPA_METRIC_LATENCY_MAX]) &&
              get_u64(lat, "mean_ns", &out->value[IPA_METRIC_LATENCY_MEAN]) &&
              get_u64(wc, "wasted_core_ns", &out->value[IPA_METRIC_WASTED]));
    struct json_object *jobs;
    if (ok && !supervised && json_object_object_get_ex(root, "jobs", &jobs))
        ok = get_u64(jobs, "released", &out->value[IPA_METRIC_JOBS]) &&
             get_u64(jobs, "missed",
                     &out->value[IPA_METRIC_DEADLINE_MISSES]) &&
             get_u64(jobs, "response_p99_ns",
                     &out->value[IPA_METRIC_RESPONSE_P99]) &&
             get_u64(jobs, "response_max_ns",
                     &out->value[IPA_METRIC_RESPONSE_MAX]) &&
             get_u64(jobs, "tardiness_max_ns",
                     &out->value[IPA_METRIC_TARDINESS]);
    if (ok) {
        out->exit = g_strdup(json_object_get_string(x));
        if (!supervised)
            out->value[IPA_METRIC_FLAGGED] = json_object_array_length(fl);
        if (json_object_object_get_ex(root, "exit_message", &x) &&
            json_object_is_type(x, json_type_string))
            out->exit_message = g_strdup(json_object_get_string(x));
    } else {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "report '%s': not an ipasim JSON report", path);
    }
    json_object_put(root);
    return ok;
}

void ipa_run_report_fini(struct ipa_run_report *r)
{
    g_free(r->exit);
    g_free(r->exit_message);
    memset(r, 0, sizeof *r);
}

static void format_metric(GString *out, enum ipa_metric m, uint64_t v)
{
    if (ipa_metric_is_count(m))
        g_string_append_printf(out, "%" PRIu64, v);
    else
        ipa_duration_format(out, v);
}

static void judge_one(GString *why, const struct ipa_scenario_run *r,
                      const struct ipa_run_report *rep)
{
    const struct ipa_expect *e = &r->expect;
    bool exit_ok = false;
    if (e->exits) {
        for (int i = 0; e->exits[i]; i++)
            exit_ok |= !strcmp(e->exits[i], rep->exit);
    } else {
        exit_ok = !strcmp(rep->exit, "done") || !strcmp(rep->exit, "until");
    }
    if (!exit_ok) {
        g_string_append_printf(why, "%s: the run ended in '%s'", r->policy,
                               rep->exit);
        if (rep->exit_message) {
            /* one line: the engine's message may span several */
            char **lines = g_strsplit(rep->exit_message, "\n", -1);
            for (int i = 0; lines[i]; i++)
                g_strstrip(lines[i]);
            char *one = g_strjoinv("; ", lines);
            g_string_append_printf(why, " (%s)", one);
            g_free(one);
            g_strfreev(lines);
        }
        g_string_append(why, e->exits ? ", expected " : ", expected done or until");
        for (int i = 0; e->exits && e->exits[i]; i++)
            g_string_append_printf(why, "%s%s", i ? " or " : "", e->exits[i]);
        g_string_append_c(why, '\n');
    }
    for (int m = 0; m < IPA_METRIC_COUNT; m++) {
        uint64_t v = rep->value[m];
        bool over = e->max[m] != IPA_NO_BOUND && v > e->max[m];
        bool under = v < e->min[m];
        if (!over && !under)
            continue;
        g_string_append_printf(why, "%s: ", r->policy);
        if (m == IPA_METRIC_FLAGGED)
            g_string_append_printf(why, "%" PRIu64 " flagged interval%s", v,
                                   v == 1 ? "" : "s");
        else {
            g_string_append_printf(why, "%s ", ipa_metric_names[m]);
            format_metric(why, m, v);
        }
        if (m == IPA_METRIC_FLAGGED && over && e->max[m] == 0)
            g_string_append(why, ", expected none");
        else if (m == IPA_METRIC_FLAGGED && under && e->min[m] == 1)
            g_string_append(why, ", expected some");
        else {
            g_string_append(why, over ? ", expected at most "
                                      : ", expected at least ");
            format_metric(why, m, over ? e->max[m] : e->min[m]);
        }
        g_string_append_c(why, '\n');
    }
}

char *ipa_scenario_judge(const struct ipa_scenario *sc,
                         const struct ipa_run_report *reports)
{
    GString *why = g_string_new(NULL);
    for (guint i = 0; i < sc->runs->len; i++)
        if (reports[i].exit)
            judge_one(why, g_ptr_array_index(sc->runs, i), &reports[i]);
    for (guint i = 0; i < sc->relative->len; i++) {
        const struct ipa_relative *rel =
            &g_array_index(sc->relative, struct ipa_relative, i);
        if (!reports[rel->run].exit || !reports[rel->than].exit)
            continue;
        const struct ipa_scenario_run *a = g_ptr_array_index(sc->runs, rel->run);
        const struct ipa_scenario_run *b =
            g_ptr_array_index(sc->runs, rel->than);
        double va = (double)reports[rel->run].value[rel->metric];
        double vb = (double)reports[rel->than].value[rel->metric];
        double margin = rel->percent ? vb * rel->pct / 100 : (double)rel->margin;
        bool ok = rel->better ? va <= vb - margin : va >= vb + margin;
        if (ok)
            continue;
        g_string_append_printf(why, "%s: %s %s ", rel->where, a->policy,
                               ipa_metric_names[rel->metric]);
        format_metric(why, rel->metric, (uint64_t)va);
        g_string_append_printf(why, " vs %s ", b->policy);
        format_metric(why, rel->metric, (uint64_t)vb);
        g_string_append(why, ": expected ");
        if (rel->percent)
            g_string_append_printf(why, "%g%%", rel->pct);
        else
            format_metric(why, rel->metric, rel->margin);
        g_string_append_printf(why, " %s", rel->better ? "lower" : "higher");
        if (va != vb)
            g_string_append_printf(why, " (it is %.1f%% %s)",
                                   vb ? fabs(va - vb) * 100 / vb : 100.0,
                                   va < vb ? "lower" : "higher");
        g_string_append_c(why, '\n');
    }
    if (!why->len) {
        g_string_free(why, true);
        return NULL;
    }
    g_string_truncate(why, why->len - 1);
    return g_string_free(why, false);
}

static void xml_escape(GString *out, const char *s)
{
    char *e = g_markup_escape_text(s, -1);
    g_string_append(out, e);
    g_free(e);
}

/* The JUnit classname of a scenario: its path as given, less ".json",
 * dotted ("tests/scenarios/fifo.json" -> "tests.scenarios.fifo"), so a
 * CI page groups scenarios by folder and tells same-named ones apart. */
static void junit_classname(GString *out, const char *path)
{
    char **parts = g_strsplit(path, "/", -1);
    bool first = true;
    for (char **p = parts; *p; p++) {
        if (!**p || !strcmp(*p, "."))
            continue;
        if (!p[1] && g_str_has_suffix(*p, ".json"))
            (*p)[strlen(*p) - strlen(".json")] = 0;
        if (!first)
            g_string_append_c(out, '.');
        xml_escape(out, *p);
        first = false;
    }
    g_strfreev(parts);
}

void ipa_junit_print(FILE *out, GPtrArray *scenarios, char *const *failures,
                     const double *seconds)
{
    GString *x = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    int failed = 0;
    double total = 0;
    for (guint i = 0; i < scenarios->len; i++) {
        failed += failures[i] != NULL;
        total += seconds[i];
    }
    g_string_append_printf(x,
                           "<testsuites tests=\"%u\" failures=\"%d\">\n"
                           "  <testsuite name=\"ipasim\" tests=\"%u\" "
                           "failures=\"%d\" errors=\"0\" time=\"%.3f\">\n",
                           scenarios->len, failed, scenarios->len, failed,
                           total);
    for (guint i = 0; i < scenarios->len; i++) {
        const struct ipa_scenario *sc = g_ptr_array_index(scenarios, i);
        g_string_append(x, "    <testcase classname=\"");
        junit_classname(x, sc->path);
        g_string_append(x, "\" name=\"");
        xml_escape(x, sc->name);
        g_string_append_printf(x, "\" time=\"%.3f\"", seconds[i]);
        if (!failures[i]) {
            g_string_append(x, "/>\n");
            continue;
        }
        const char *nl = strchr(failures[i], '\n');
        char *first = nl ? g_strndup(failures[i], (size_t)(nl - failures[i]))
                         : g_strdup(failures[i]);
        g_string_append(x, ">\n      <failure message=\"");
        xml_escape(x, first);
        g_string_append(x, "\">");
        xml_escape(x, failures[i]);
        g_string_append(x, "</failure>\n    </testcase>\n");
        g_free(first);
    }
    g_string_append(x, "  </testsuite>\n</testsuites>\n");
    fwrite(x->str, 1, x->len, out);
    g_string_free(x, true);
}
