/*
 * trace_json.c - the native JSON trace format (docs/trace-format.md).
 *
 * json-c parses the text; this file walks the tree, checks every value
 * against the format and builds the model. Every error names the file and
 * either line:column (syntax) or the JSON path of the offending value
 * (meaning), and says what was expected. Loading stops at the first error.
 */
#include "trace/trace.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "util/common.h"
#include "util/jsonfile.h"
#include "util/suggest.h"
#include "util/input.h"
#include "util/cpuset.h"
#include "util/duration.h"

#define MAX_REPEAT_DEPTH 16
#define MAX_JSON_DEPTH 64
#define MAX_DUR_NS UINT64_C(1000000000000000000)
#define MAX_CORE_ID (1 << 20)
/* ops + affinity entries + attributes over all threads after "count"
 * expansion: bounds the memory a small file can ask for */
#define MAX_EXPANDED_SIZE (1L << 23)
#define PPM 1000000

struct loader {
    const char *file;
    GString *path; /* JSON path of the value being read */
    GError **error;
    struct ipa_trace *trace;
    GHashTable *template_index; /* name -> template index + 1 */
    GPtrArray *template_names;  /* in file order, for did-you-mean */
    GArray *barrier_stamp;      /* int per barrier: last spec that used it */
    int stamp;
    long nr_threads;
    long expanded_size;
};

static const char *const op_words[] = {
    "run",    "sleep", "wait",  "signal", "broadcast", "barrier", "lock",
    "unlock", "spawn", "yield", "exit",   "repeat",    "timer", "call", NULL,
};

/* ------------------------------------------------------------------ */
/* Messages */

G_GNUC_PRINTF(2, 3)
static bool fail(struct loader *ld, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (ld->path->len)
        g_set_error(ld->error, IPA_ERROR, IPA_ERROR_INPUT, "%s: %s: %s",
                    ld->file, ld->path->str, msg);
    else
        g_set_error(ld->error, IPA_ERROR, IPA_ERROR_INPUT, "%s: %s", ld->file,
                    msg);
    g_free(msg);
    return false;
}

static gsize push_key(struct loader *ld, const char *key)
{
    gsize mark = ld->path->len;
    if (mark)
        g_string_append_c(ld->path, '.');
    g_string_append(ld->path, key);
    return mark;
}

static gsize push_index(struct loader *ld, size_t i)
{
    gsize mark = ld->path->len;
    g_string_append_printf(ld->path, "[%zu]", i);
    return mark;
}

static void pop(struct loader *ld, gsize mark)
{
    g_string_truncate(ld->path, mark);
}

/* " (did you mean 'x'?)" or "" */
static char *did_you_mean(const char *word, const char *const *candidates,
                          int n)
{
    const char *s = ipa_suggest(word, candidates, n);
    return s ? g_strdup_printf(" (did you mean '%s'?)", s) : g_strdup("");
}

static char *join_words(const char *const *words)
{
    GString *s = g_string_new(NULL);
    for (int i = 0; words[i]; i++) {
        if (i)
            g_string_append(s, words[i + 1] ? ", " : " or ");
        g_string_append(s, words[i]);
    }
    return g_string_free(s, false);
}

/* Every key of @obj must be in @allowed. */
static bool check_keys(struct loader *ld, struct json_object *obj,
                       const char *const *allowed)
{
    json_object_object_foreach(obj, key, val)
    {
        (void)val;
        bool known = false;
        for (int i = 0; allowed[i] && !known; i++)
            known = strcmp(key, allowed[i]) == 0;
        if (known)
            continue;
        const char *s = ipa_suggest(key, allowed, -1);
        if (s)
            return fail(ld, "unknown key '%s' (did you mean '%s'?)", key, s);
        char *all = join_words(allowed);
        fail(ld, "unknown key '%s' (expected %s)", key, all);
        g_free(all);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Values */

static bool is_int(struct json_object *v)
{
    return json_object_is_type(v, json_type_int);
}

static bool get_name(struct loader *ld, struct json_object *v, const char *what,
                     const char **out)
{
    if (!json_object_is_type(v, json_type_string) ||
        json_object_get_string_len(v) == 0)
        return fail(ld, "expected %s (a non-empty string)", what);
    *out = json_object_get_string(v);
    return true;
}

static bool get_int(struct loader *ld, struct json_object *v, int64_t lo,
                    int64_t hi, const char *what, int64_t *out)
{
    if (!is_int(v))
        return fail(ld, "expected %s", what);
    int64_t x = json_object_get_int64(v);
    if (x < lo || x > hi)
        return fail(ld, "expected %s, got %" PRId64, what, x);
    *out = x;
    return true;
}

/* DUR without distributions: "2ms" or integer nanoseconds. */
static bool get_fixed_dur(struct loader *ld, struct json_object *v,
                          uint64_t *out)
{
    uint64_t ns;
    if (json_object_is_type(v, json_type_string)) {
        const char *s = json_object_get_string(v);
        if (!ipa_duration_parse(s, &ns))
            return fail(ld,
                        "bad duration '%s': expected a number and a unit "
                        "(ns, us, ms, s or min), like \"2ms\"",
                        s);
    } else if (is_int(v)) {
        int64_t x = json_object_get_int64(v);
        if (x < 0)
            return fail(ld, "expected a non-negative duration, got %" PRId64,
                        x);
        ns = (uint64_t)x;
    } else {
        return fail(ld, "expected a duration like \"2ms\" or an integer of "
                        "nanoseconds");
    }
    if (ns > MAX_DUR_NS)
        return fail(ld, "duration too long (the limit is 1000000000s, "
                        "about 31 years)");
    *out = ns;
    return true;
}

/* DUR = fixed | {"uniform": [a, b]} | {"exp": mean} */
static bool get_dur(struct loader *ld, struct json_object *v,
                    struct ipa_op *op)
{
    static const char *const dists[] = {"uniform", "exp", NULL};
    struct ipa_dur *d = &op->dur;
    memset(d, 0, sizeof *d);
    if (!json_object_is_type(v, json_type_object)) {
        op->dur_kind = IPA_DUR_FIXED;
        if (!get_fixed_dur(ld, v, &d->a_ns))
            return false;
        d->b_ns = d->a_ns;
        return true;
    }
    if (json_object_object_length(v) != 1)
        return fail(ld, "expected a duration like \"2ms\", or one "
                        "distribution: {\"uniform\": [min, max]} or "
                        "{\"exp\": mean}");
    if (!check_keys(ld, v, dists))
        return false;
    struct json_object *u, *e;
    if (json_object_object_get_ex(v, "uniform", &u)) {
        gsize m = push_key(ld, "uniform");
        if (!json_object_is_type(u, json_type_array) ||
            json_object_array_length(u) != 2)
            return fail(ld, "expected [min, max], two durations");
        for (size_t i = 0; i < 2; i++) {
            gsize m2 = push_index(ld, i);
            if (!get_fixed_dur(ld, json_object_array_get_idx(u, i),
                               i ? &d->b_ns : &d->a_ns))
                return false;
            pop(ld, m2);
        }
        if (d->a_ns > d->b_ns) {
            GString *a = g_string_new(NULL), *b = g_string_new(NULL);
            ipa_duration_format(a, d->a_ns);
            ipa_duration_format(b, d->b_ns);
            fail(ld, "the minimum %s is above the maximum %s", a->str, b->str);
            g_string_free(a, true);
            g_string_free(b, true);
            return false;
        }
        op->dur_kind = IPA_DUR_UNIFORM;
        pop(ld, m);
    } else {
        json_object_object_get_ex(v, "exp", &e);
        gsize m = push_key(ld, "exp");
        if (!get_fixed_dur(ld, e, &d->a_ns))
            return false;
        d->b_ns = d->a_ns;
        op->dur_kind = IPA_DUR_EXP;
        pop(ld, m);
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Operations */

static int op_kind_of(const char *word)
{
    for (int k = 0; k < IPA_OP_COUNT; k++)
        if (k != IPA_OP_END_LOOP && strcmp(ipa_op_names[k], word) == 0)
            return k;
    return -1;
}

static bool is_modifier(const char *key)
{
    return !strcmp(key, "p") || !strcmp(key, "count") || !strcmp(key, "ops") ||
           !strcmp(key, "absolute") || !strcmp(key, "args");
}

/* Which modifier keys go with @kind. */
static bool modifier_allowed(int kind, const char *key)
{
    if (!strcmp(key, "p"))
        return kind != IPA_OP_LOOP;
    if (!strcmp(key, "count"))
        return kind == IPA_OP_SIGNAL;
    if (!strcmp(key, "absolute"))
        return kind == IPA_OP_TIMER;
    if (!strcmp(key, "args"))
        return kind == IPA_OP_CALL;
    return kind == IPA_OP_LOOP; /* "ops" */
}

static bool parse_ops(struct loader *ld, struct json_object *arr, int depth,
                      GArray *ops, int *max_depth);

/* Finds the one operation key of @v and rejects keys that do not belong. */
static bool op_kind(struct loader *ld, struct json_object *v, int *out,
                    const char **out_key)
{
    int kind = -1;
    const char *kkey = NULL, *unknown = NULL;
    json_object_object_foreach(v, key, val)
    {
        (void)val;
        int k = op_kind_of(key);
        if (k >= 0) {
            if (kind >= 0)
                return fail(ld,
                            "two operations '%s' and '%s' in one object: "
                            "give each its own object",
                            kkey, key);
            kind = k;
            kkey = key;
        } else if (!is_modifier(key) && !unknown) {
            unknown = key;
        }
    }
    if (kind < 0 && unknown) {
        char *dym = did_you_mean(unknown, op_words, -1);
        fail(ld, "unknown operation '%s'%s", unknown, dym);
        g_free(dym);
        return false;
    }
    if (kind < 0) {
        char *all = join_words(op_words);
        fail(ld, "expected an operation: an object with one key of %s", all);
        g_free(all);
        return false;
    }
    json_object_object_foreach(v, key2, val2)
    {
        (void)val2;
        if (!strcmp(key2, kkey))
            continue;
        if (is_modifier(key2)) {
            if (modifier_allowed(kind, key2))
                continue;
            push_key(ld, key2);
            if (!strcmp(key2, "p"))
                return fail(ld, "\"p\" is not allowed on repeat: put it on "
                                "the operations inside");
            return fail(ld, "\"%s\" goes only with %s", key2,
                        !strcmp(key2, "count")      ? "signal"
                        : !strcmp(key2, "absolute") ? "timer"
                        : !strcmp(key2, "args")     ? "call"
                                                    : "repeat");
        }
        const char *cands[] = {"p", "count", "ops", "absolute", "args", NULL};
        char *dym = did_you_mean(key2, cands, -1);
        fail(ld, "unknown key '%s' in a %s operation%s", key2, kkey, dym);
        g_free(dym);
        return false;
    }
    *out = kind;
    *out_key = kkey;
    return true;
}

/* A call's "args": integers, durations ("2ms") or names. */
static bool parse_call(struct loader *ld, struct json_object *v,
                       const char *name, int *out)
{
    struct ipa_trace *t = ld->trace;
    struct ipa_call call = {.name = ipa_trace_intern(t, t->call_names, name)};
    struct json_object *args = NULL;
    if (json_object_object_get_ex(v, "args", &args)) {
        gsize m = push_key(ld, "args");
        if (!json_object_is_type(args, json_type_array))
            return fail(ld, "expected an array of arguments");
        size_t n = json_object_array_length(args);
        if (n > IPA_CALL_MAX_ARGS)
            return fail(ld, "at most %d arguments", IPA_CALL_MAX_ARGS);
        for (size_t i = 0; i < n; i++) {
            struct json_object *a = json_object_array_get_idx(args, i);
            gsize m2 = push_index(ld, i);
            const char *text = json_object_is_type(a, json_type_string)
                                   ? json_object_get_string(a)
                                   : NULL;
            uint64_t ns;
            if (is_int(a)) {
                call.args[i] = json_object_get_int64(a);
            } else if (json_object_is_type(a, json_type_boolean)) {
                call.args[i] = json_object_get_boolean(a);
            } else if (text && ipa_duration_parse(text, &ns)) {
                call.args[i] = (int64_t)ns;
            } else if (text && *text) {
                call.args[i] = ipa_trace_intern(t, t->words, text);
                call.is_word[i] = true;
            } else {
                return fail(ld, "expected an integer, a duration like "
                                "\"2ms\", true, false or a name");
            }
            pop(ld, m2);
        }
        call.nr_args = (int)n;
        pop(ld, m);
    }
    *out = (int)t->calls->len;
    g_array_append_val(t->calls, call);
    return true;
}

static bool parse_op(struct loader *ld, struct json_object *v, int depth,
                     GArray *ops, int *max_depth)
{
    struct ipa_trace *t = ld->trace;
    struct json_object *x;
    const char *key = NULL, *name = NULL;
    int kind = 0;
    int64_t n = 0;

    if (!json_object_is_type(v, json_type_object))
        return fail(ld, "expected an operation like {\"run\": \"2ms\"}");
    if (!op_kind(ld, v, &kind, &key))
        return false;

    struct ipa_op op = {.kind = (uint8_t)kind, .obj = -1, .prob_ppm = PPM};
    json_object_object_get_ex(v, key, &x);
    gsize m = push_key(ld, key);
    switch (kind) {
    case IPA_OP_RUN:
    case IPA_OP_SLEEP:
        if (!get_dur(ld, x, &op))
            return false;
        break;
    case IPA_OP_TIMER:
        if (!get_fixed_dur(ld, x, &op.dur.a_ns))
            return false;
        if (!op.dur.a_ns)
            return fail(ld, "expected a positive period");
        op.dur.b_ns = op.dur.a_ns;
        break;
    case IPA_OP_WAIT:
    case IPA_OP_SIGNAL:
    case IPA_OP_BROADCAST:
        if (!get_name(ld, x, "a channel name", &name))
            return false;
        op.obj = ipa_trace_intern(t, t->channels, name);
        op.count = 1;
        break;
    case IPA_OP_BARRIER:
        if (!get_name(ld, x, "a barrier name", &name))
            return false;
        op.obj = ipa_trace_intern(t, t->barriers, name);
        break;
    case IPA_OP_LOCK:
    case IPA_OP_UNLOCK:
        if (!get_name(ld, x, "a mutex name", &name))
            return false;
        op.obj = ipa_trace_intern(t, t->mutexes, name);
        break;
    case IPA_OP_SPAWN: {
        if (!get_name(ld, x, "a template name", &name))
            return false;
        gpointer idx = g_hash_table_lookup(ld->template_index, name);
        if (!idx) {
            if (!g_hash_table_size(ld->template_index))
                return fail(ld,
                            "no template named '%s' (the trace has no "
                            "\"templates\")",
                            name);
            char *dym = did_you_mean(
                name, (const char *const *)ld->template_names->pdata,
                (int)ld->template_names->len);
            fail(ld, "no template named '%s'%s", name, dym);
            g_free(dym);
            return false;
        }
        op.obj = GPOINTER_TO_INT(idx) - 1;
        break;
    }
    case IPA_OP_CALL:
        if (!get_name(ld, x, "the name of an interface function", &name))
            return false;
        pop(ld, m);
        if (!parse_call(ld, v, name, &op.obj))
            return false;
        m = push_key(ld, key);
        break;
    case IPA_OP_YIELD:
    case IPA_OP_EXIT:
        if (!json_object_is_type(x, json_type_boolean) ||
            !json_object_get_boolean(x))
            return fail(ld, "expected true");
        break;
    case IPA_OP_LOOP: {
        if (json_object_is_type(x, json_type_string) &&
            !strcmp(json_object_get_string(x), "forever"))
            n = IPA_REPEAT_FOREVER;
        else if (!get_int(ld, x, 1, UINT32_MAX,
                          "a repeat count: an integer from 1 to 4294967295, "
                          "or \"forever\"",
                          &n))
            return false;
        pop(ld, m);
        if (depth + 1 > MAX_REPEAT_DEPTH)
            return fail(ld, "repeat nesting too deep (the limit is %d)",
                        MAX_REPEAT_DEPTH);
        struct json_object *body;
        if (!json_object_object_get_ex(v, "ops", &body))
            return fail(ld, "repeat needs its body: \"ops\": [ ... ]");
        op.count = (uint32_t)n;
        int loop_at = (int)ops->len;
        g_array_append_val(ops, op);
        if (!json_object_is_type(body, json_type_array) ||
            json_object_array_length(body) == 0) {
            push_key(ld, "ops");
            return fail(ld, "expected a non-empty array of operations");
        }
        if (!parse_ops(ld, body, depth + 1, ops, max_depth))
            return false;
        pop(ld, m);
        struct ipa_op end = {.kind = IPA_OP_END_LOOP,
                             .count = (uint32_t)n,
                             .jump = loop_at,
                             .prob_ppm = PPM};
        g_array_index(ops, struct ipa_op, loop_at).jump = (int)ops->len;
        g_array_append_val(ops, end);
        *max_depth = MAX(*max_depth, depth + 1);
        return true;
    }
    default:
        IPA_UNREACHABLE();
    }
    pop(ld, m);

    if (json_object_object_get_ex(v, "count", &x)) {
        m = push_key(ld, "count");
        if (!get_int(ld, x, 1, UINT32_MAX,
                     "a token count: an integer from 1 to 4294967295", &n))
            return false;
        op.count = (uint32_t)n;
        pop(ld, m);
    }
    if (json_object_object_get_ex(v, "absolute", &x)) {
        m = push_key(ld, "absolute");
        if (!json_object_is_type(x, json_type_boolean))
            return fail(ld, "expected true (periods from the first timer) or "
                            "false (restart after an overrun)");
        op.count = json_object_get_boolean(x);
        pop(ld, m);
    }
    if (json_object_object_get_ex(v, "p", &x)) {
        m = push_key(ld, "p");
        double p = -1;
        if (is_int(x) || json_object_is_type(x, json_type_double))
            p = json_object_get_double(x);
        if (!(p >= 0 && p <= 1))
            return fail(ld, "expected a probability: a number from 0 to 1");
        op.prob_ppm = (uint32_t)(p * PPM + 0.5);
        pop(ld, m);
    }
    g_array_append_val(ops, op);
    return true;
}

static bool parse_ops(struct loader *ld, struct json_object *arr, int depth,
                      GArray *ops, int *max_depth)
{
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        gsize m = push_key(ld, "ops");
        push_index(ld, i);
        if (!parse_op(ld, json_object_array_get_idx(arr, i), depth, ops,
                      max_depth))
            return false;
        pop(ld, m);
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Threads */

static const char *const thread_keys[] = {
    "name",      "count", "start", "nice", "weight", "group", "affinity",
    "partition", "class", "attrs", "ops",  NULL,
};

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static bool parse_affinity(struct loader *ld, struct json_object *v,
                           struct ipa_thread_spec *s)
{
    GArray *cores = g_array_new(false, false, sizeof(int));
    bool ok = false;
    if (json_object_is_type(v, json_type_string)) {
        const char *why = NULL, *text = json_object_get_string(v);
        if (!ipa_cpulist_parse(text, cores, &why)) {
            fail(ld, "bad CPU list '%s': %s", text, why);
            goto out;
        }
    } else if (json_object_is_type(v, json_type_array)) {
        size_t n = json_object_array_length(v);
        if (n == 0) {
            fail(ld, "expected at least one core");
            goto out;
        }
        for (size_t i = 0; i < n; i++) {
            int64_t c = 0;
            gsize m = push_index(ld, i);
            if (!get_int(ld, json_object_array_get_idx(v, i), 0,
                         MAX_CORE_ID - 1,
                         "a core number (an integer from 0 to 1048575)", &c))
                goto out;
            pop(ld, m);
            int ci = (int)c;
            g_array_append_val(cores, ci);
        }
        g_array_sort(cores, cmp_int);
        guint w = 0;
        for (guint i = 0; i < cores->len; i++)
            if (!w || g_array_index(cores, int, w - 1) !=
                          g_array_index(cores, int, i))
                g_array_index(cores, int, w++) = g_array_index(cores, int, i);
        g_array_set_size(cores, w);
    } else {
        fail(ld, "expected a CPU list like \"0-7,16\" or an array of core "
                 "numbers");
        goto out;
    }
    s->nr_affinity = (int)cores->len;
    s->affinity = (int *)(void *)g_array_free(cores, false);
    cores = NULL;
    ok = true;
out:
    if (cores)
        g_array_free(cores, true);
    return ok;
}

static bool parse_attrs(struct loader *ld, struct json_object *v,
                        struct ipa_thread_spec *s)
{
    if (!json_object_is_type(v, json_type_object))
        return fail(ld, "expected an object of attributes like "
                        "{\"period\": \"10ms\", \"prio\": 3}");
    int n = json_object_object_length(v), i = 0;
    s->attr_ids = g_new(int, n);
    s->attr_values = g_new(int64_t, n);
    json_object_object_foreach(v, key, val)
    {
        gsize m = push_key(ld, key);
        if (!*key)
            return fail(ld, "attribute names must not be empty");
        if (is_int(val)) {
            s->attr_values[i] = json_object_get_int64(val);
        } else if (json_object_is_type(val, json_type_string)) {
            uint64_t ns;
            if (!get_fixed_dur(ld, val, &ns))
                return false;
            s->attr_values[i] = (int64_t)ns;
        } else {
            return fail(ld, "expected an integer or a duration like \"10ms\"");
        }
        s->attr_ids[i] = ipa_trace_intern(ld->trace, ld->trace->attrs, key);
        s->nr_attrs = ++i;
        pop(ld, m);
    }
    return true;
}

/* The nice level whose weight is closest to @weight. */
static int nice_of_weight(int weight)
{
    int best = 0;
    for (int n = -20; n <= 19; n++)
        if (labs((long)ipa_nice_to_weight(n) - weight) <
            labs((long)ipa_nice_to_weight(best) - weight))
            best = n;
    return best;
}

/* THREAD: everything but the "count" expansion. */
static bool parse_thread(struct loader *ld, struct json_object *v,
                         bool is_template, struct ipa_thread_spec **out,
                         int64_t *count)
{
    struct ipa_thread_spec *s = NULL;
    struct json_object *x, *nice = NULL, *weight = NULL;
    GArray *ops = NULL;
    const char *name = NULL;
    int64_t i64 = 0;
    gsize m;
    bool ok = false;

    *count = 1;
    if (!json_object_is_type(v, json_type_object))
        return fail(ld, "expected a thread: an object with \"name\" and "
                        "\"ops\"");
    if (!check_keys(ld, v, thread_keys))
        return false;
    if (!json_object_object_get_ex(v, "name", &x))
        return fail(ld, "missing \"name\"");
    m = push_key(ld, "name");
    if (!get_name(ld, x, is_template ? "a template name" : "a thread name",
                  &name))
        return false;
    pop(ld, m);

    s = ipa_thread_spec_new(name);
    s->where = g_strdup(ld->path->str);
    if (json_object_object_get_ex(v, "count", &x)) {
        m = push_key(ld, "count");
        if (is_template) {
            fail(ld, "a template has no \"count\": each spawn starts one "
                     "thread");
            goto out;
        }
        if (!get_int(ld, x, 1, INT64_MAX, "a positive thread count", count))
            goto out;
        if (*count > IPA_MAX_THREADS - ld->nr_threads) {
            fail(ld, "too many threads (the limit is %d in all)",
                 IPA_MAX_THREADS);
            goto out;
        }
        pop(ld, m);
    }
    if (json_object_object_get_ex(v, "start", &x)) {
        m = push_key(ld, "start");
        if (is_template) {
            fail(ld, "a template has no \"start\": it starts when spawned");
            goto out;
        }
        if (!get_fixed_dur(ld, x, &s->start_ns))
            goto out;
        pop(ld, m);
    }
    json_object_object_get_ex(v, "nice", &nice);
    json_object_object_get_ex(v, "weight", &weight);
    if (nice && weight) {
        fail(ld, "give \"nice\" or \"weight\", not both");
        goto out;
    }
    if (nice) {
        m = push_key(ld, "nice");
        if (!get_int(ld, nice, -20, 19, "a nice level from -20 to 19", &i64))
            goto out;
        s->nice = (int)i64;
        s->weight = ipa_nice_to_weight(s->nice);
        pop(ld, m);
    }
    if (weight) {
        m = push_key(ld, "weight");
        if (!get_int(ld, weight, 1, 1000000,
                     "a weight from 1 to 1000000 (nice 0 is 1024)", &i64))
            goto out;
        s->weight = (int)i64;
        s->nice = nice_of_weight(s->weight);
        pop(ld, m);
    }
    if (json_object_object_get_ex(v, "group", &x)) {
        m = push_key(ld, "group");
        if (!get_name(ld, x, "a group name", &name))
            goto out;
        s->group = ipa_trace_intern(ld->trace, ld->trace->groups, name);
        pop(ld, m);
    }
    if (json_object_object_get_ex(v, "affinity", &x)) {
        m = push_key(ld, "affinity");
        if (!parse_affinity(ld, x, s))
            goto out;
        pop(ld, m);
    }
    if (json_object_object_get_ex(v, "partition", &x)) {
        m = push_key(ld, "partition");
        if (!get_int(ld, x, 0, 65535, "a partition number from 0", &i64))
            goto out;
        s->partition = (int)i64;
        pop(ld, m);
    }
    if (json_object_object_get_ex(v, "class", &x)) {
        m = push_key(ld, "class");
        if (!get_name(ld, x, "a class name", &name))
            goto out;
        s->class_name = g_strdup(name);
        pop(ld, m);
    }
    if (json_object_object_get_ex(v, "attrs", &x)) {
        m = push_key(ld, "attrs");
        if (!parse_attrs(ld, x, s))
            goto out;
        pop(ld, m);
    }
    if (!json_object_object_get_ex(v, "ops", &x)) {
        fail(ld, "missing \"ops\" (the thread's program)");
        goto out;
    }
    if (!json_object_is_type(x, json_type_array)) {
        m = push_key(ld, "ops");
        fail(ld, "expected an array of operations");
        goto out;
    }
    ops = g_array_new(false, false, sizeof(struct ipa_op));
    if (!parse_ops(ld, x, 0, ops, &s->loop_depth))
        goto out;
    if (!ops->len ||
        g_array_index(ops, struct ipa_op, ops->len - 1).kind != IPA_OP_EXIT ||
        g_array_index(ops, struct ipa_op, ops->len - 1).prob_ppm != PPM) {
        struct ipa_op ex = {
            .kind = IPA_OP_EXIT, .obj = -1, .prob_ppm = PPM};
        g_array_append_val(ops, ex);
    }
    s->nr_ops = (int)ops->len;
    s->ops = (struct ipa_op *)(void *)g_array_free(ops, false);
    ops = NULL;

    long size = (long)s->nr_ops + s->nr_affinity + s->nr_attrs;
    if (size > (MAX_EXPANDED_SIZE - ld->expanded_size) / *count) {
        fail(ld,
             "the trace is too large once \"count\" is expanded (more "
             "than %ld operations, affinity entries and attributes)",
             MAX_EXPANDED_SIZE);
        goto out;
    }
    ld->expanded_size += size * *count;
    ok = true;
out:
    if (ops)
        g_array_free(ops, true);
    if (!ok)
        ipa_thread_spec_free(s);
    else
        *out = s;
    return ok;
}

static struct ipa_thread_spec *spec_clone(const struct ipa_thread_spec *s,
                                          char *name)
{
    struct ipa_thread_spec *c = g_new(struct ipa_thread_spec, 1);
    *c = *s;
    c->name = name;
    c->affinity = g_memdup2(s->affinity, sizeof(int) * s->nr_affinity);
    c->attr_ids = g_memdup2(s->attr_ids, sizeof(int) * s->nr_attrs);
    c->attr_values = g_memdup2(s->attr_values, sizeof(int64_t) * s->nr_attrs);
    c->ops = g_memdup2(s->ops, sizeof(struct ipa_op) * s->nr_ops);
    c->where = g_strdup(s->where);
    c->class_name = g_strdup(s->class_name);
    return c;
}

/* Counts the parties of each barrier @s uses, once per thread. */
static void count_barrier_users(struct loader *ld,
                                const struct ipa_thread_spec *s, int64_t count)
{
    GArray *parties = ld->trace->barrier_parties;
    g_array_set_size(parties, ld->trace->barriers->len);
    g_array_set_size(ld->barrier_stamp, ld->trace->barriers->len);
    ld->stamp++;
    for (int i = 0; i < s->nr_ops; i++) {
        if (s->ops[i].kind != IPA_OP_BARRIER)
            continue;
        int *st = &g_array_index(ld->barrier_stamp, int, s->ops[i].obj);
        if (*st == ld->stamp)
            continue;
        *st = ld->stamp;
        g_array_index(parties, int, s->ops[i].obj) += (int)count;
    }
}

static bool add_name(struct loader *ld, GHashTable *names,
                     struct ipa_thread_spec *s, const char *what)
{
    struct ipa_thread_spec *prev = g_hash_table_lookup(names, s->name);
    if (prev) {
        gsize m = push_key(ld, "name");
        bool r = fail(ld, "%s name '%s' is already used by %s", what, s->name,
                      prev->where);
        pop(ld, m);
        return r;
    }
    g_hash_table_insert(names, s->name, s);
    return true;
}

static bool parse_threads(struct loader *ld, struct json_object *arr,
                          bool is_template)
{
    const char *key = is_template ? "templates" : "threads";
    GPtrArray *out = is_template ? ld->trace->templates : ld->trace->threads;
    GHashTable *names = g_hash_table_new(g_str_hash, g_str_equal);
    bool ok = false;
    gsize m = push_key(ld, key);

    if (!json_object_is_type(arr, json_type_array)) {
        fail(ld, "expected an array of %s",
             is_template ? "templates" : "threads");
        goto out;
    }
    size_t n = json_object_array_length(arr);
    if (!n && !is_template) {
        fail(ld, "expected at least one thread");
        goto out;
    }
    /* before any is built: listed ones count as "count" ones do */
    if (n > (size_t)(IPA_MAX_THREADS - ld->nr_threads)) {
        fail(ld, "too many threads: %zu listed (the limit is %d in all)", n,
             IPA_MAX_THREADS);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        struct ipa_thread_spec *s = NULL;
        int64_t count;
        gsize m2 = push_index(ld, i);
        if (!parse_thread(ld, json_object_array_get_idx(arr, i), is_template,
                          &s, &count))
            goto out;
        /* room for the rest of the list, one thread each at least */
        if (count > IPA_MAX_THREADS - ld->nr_threads - (long)(n - i - 1)) {
            fail(ld, "too many threads (the limit is %d in all)",
                 IPA_MAX_THREADS);
            ipa_thread_spec_free(s);
            goto out;
        }
        if (!is_template)
            count_barrier_users(ld, s, count);
        if (count == 1) {
            g_ptr_array_add(out, s);
            if (!add_name(ld, names, s, is_template ? "template" : "thread"))
                goto out;
        } else {
            for (int64_t c = 0; c < count; c++) {
                struct ipa_thread_spec *cl =
                    spec_clone(s, g_strdup_printf("%s.%" PRId64, s->name, c));
                g_ptr_array_add(out, cl);
                if (!add_name(ld, names, cl, "thread")) {
                    ipa_thread_spec_free(s);
                    goto out;
                }
            }
            ipa_thread_spec_free(s);
        }
        ld->nr_threads += count;
        pop(ld, m2);
    }
    pop(ld, m);
    ok = true;
out:
    g_hash_table_unref(names);
    return ok;
}

/* ------------------------------------------------------------------ */
/* Top level */

/* "channels": {"slot": 64} and "barriers": {"step": 64} */
static bool parse_name_counts(struct loader *ld, struct json_object *v,
                              const char *key)
{
    bool chans = !strcmp(key, "channels");
    GPtrArray *names = chans ? ld->trace->channels : ld->trace->barriers;
    gsize m = push_key(ld, key);
    if (!json_object_is_type(v, json_type_object))
        return fail(ld, "expected an object like {\"%s\": %d}",
                    chans ? "slot" : "step", chans ? 8 : 64);
    json_object_object_foreach(v, name, val)
    {
        gsize m2 = push_key(ld, name);
        int idx = -1;
        for (guint i = 0; i < names->len && idx < 0; i++)
            if (!strcmp(g_ptr_array_index(names, i), name))
                idx = (int)i;
        if (idx < 0) {
            char *dym = did_you_mean(name, (const char *const *)names->pdata,
                                     (int)names->len);
            fail(ld, "no operation uses a %s named '%s'%s",
                 chans ? "channel" : "barrier", name, dym);
            g_free(dym);
            return false;
        }
        int64_t x = 0;
        if (chans) {
            if (!get_int(ld, val, 0, INT64_MAX,
                         "a number of tokens: an integer from 0", &x))
                return false;
            g_array_index(ld->trace->channel_tokens, int64_t, idx) = x;
        } else {
            if (!get_int(ld, val, 1, IPA_MAX_THREADS,
                         "a number of parties: an integer from 1 to 100000",
                         &x))
                return false;
            g_array_index(ld->trace->barrier_parties, int, idx) = (int)x;
        }
        pop(ld, m2);
    }
    pop(ld, m);
    return true;
}

static int cmp_hotplug(const void *a, const void *b)
{
    const struct ipa_hotplug *x = a, *y = b;
    if (x->at_ns != y->at_ns)
        return x->at_ns < y->at_ns ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

static bool parse_hotplug(struct loader *ld, struct json_object *v)
{
    static const char *const keys[] = {"at", "core", "online", NULL};
    gsize m = push_key(ld, "hotplug");
    if (!json_object_is_type(v, json_type_array))
        return fail(ld, "expected an array like [{\"at\": \"1s\", \"core\": "
                        "3, \"online\": false}]");
    size_t n = json_object_array_length(v);
    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(v, i), *x;
        struct ipa_hotplug h = {.index = (int)i};
        int64_t core = 0;
        gsize m2 = push_index(ld, i);
        if (!json_object_is_type(e, json_type_object))
            return fail(ld, "expected an object like {\"at\": \"1s\", "
                            "\"core\": 3, \"online\": false}");
        if (!check_keys(ld, e, keys))
            return false;
        for (int k = 0; keys[k]; k++)
            if (!json_object_object_get_ex(e, keys[k], &x))
                return fail(ld, "missing \"%s\"", keys[k]);
        json_object_object_get_ex(e, "at", &x);
        gsize m3 = push_key(ld, "at");
        if (!get_fixed_dur(ld, x, &h.at_ns))
            return false;
        pop(ld, m3);
        json_object_object_get_ex(e, "core", &x);
        push_key(ld, "core");
        if (!get_int(ld, x, 0, MAX_CORE_ID - 1, "a core number from 0", &core))
            return false;
        h.core = (int)core;
        pop(ld, m3);
        json_object_object_get_ex(e, "online", &x);
        push_key(ld, "online");
        if (!json_object_is_type(x, json_type_boolean))
            return fail(ld, "expected true (the core comes online) or false "
                            "(it goes offline)");
        h.online = json_object_get_boolean(x);
        pop(ld, m3);
        g_array_append_val(ld->trace->hotplug, h);
        pop(ld, m2);
    }
    g_array_sort(ld->trace->hotplug, cmp_hotplug);
    pop(ld, m);
    return true;
}

/* Template names first, so that spawns anywhere can name any template. */
static void index_templates(struct loader *ld, struct json_object *arr)
{
    if (!json_object_is_type(arr, json_type_array))
        return;
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        struct json_object *t = json_object_array_get_idx(arr, i), *x;
        if (json_object_is_type(t, json_type_object) &&
            json_object_object_get_ex(t, "name", &x) &&
            json_object_is_type(x, json_type_string) &&
            !g_hash_table_contains(ld->template_index,
                                   json_object_get_string(x))) {
            g_hash_table_insert(ld->template_index,
                                (gpointer)json_object_get_string(x),
                                GINT_TO_POINTER((int)i + 1));
            g_ptr_array_add(ld->template_names,
                            (gpointer)json_object_get_string(x));
        }
    }
}

static bool parse_top(struct loader *ld, struct json_object *root)
{
    static const char *const keys[] = {
        "ipasim_trace", "name",    "description", "until",     "channels",
        "barriers",     "hotplug", "threads",     "templates", NULL,
    };
    struct ipa_trace *t = ld->trace;
    struct json_object *x, *threads, *templates = NULL;
    int64_t version;

    if (!json_object_is_type(root, json_type_object))
        return fail(ld, "expected an object with \"ipasim_trace\": 1 at the "
                        "top level");
    if (!json_object_object_get_ex(root, "ipasim_trace", &x))
        return fail(ld, "missing \"ipasim_trace\": 1 (is this an ipasim "
                        "trace?)");
    gsize m = push_key(ld, "ipasim_trace");
    if (!is_int(x))
        return fail(ld, "expected the format version, 1");
    version = json_object_get_int64(x);
    if (version != 1)
        return fail(ld,
                    "unsupported format version %" PRId64
                    " (this ipasim reads version 1)",
                    version);
    pop(ld, m);
    if (!check_keys(ld, root, keys))
        return false;
    if (json_object_object_get_ex(root, "name", &x)) {
        const char *name = NULL;
        m = push_key(ld, "name");
        if (!get_name(ld, x, "the trace's name", &name))
            return false;
        g_free(t->name);
        t->name = g_strdup(name);
        pop(ld, m);
    }
    if (json_object_object_get_ex(root, "description", &x)) {
        m = push_key(ld, "description");
        if (!json_object_is_type(x, json_type_string))
            return fail(ld, "expected a string");
        pop(ld, m);
    }
    if (json_object_object_get_ex(root, "until", &x)) {
        m = push_key(ld, "until");
        if (!get_fixed_dur(ld, x, &t->until_ns))
            return false;
        if (!t->until_ns)
            return fail(ld, "expected a positive duration (leave \"until\" "
                            "out to run to the end)");
        pop(ld, m);
    }
    if (!json_object_object_get_ex(root, "threads", &threads))
        return fail(ld, "missing \"threads\": [ ... ]");
    if (json_object_object_get_ex(root, "templates", &templates))
        index_templates(ld, templates);
    if (templates && !parse_threads(ld, templates, true))
        return false;
    if (!parse_threads(ld, threads, false))
        return false;

    g_array_set_size(t->channel_tokens, t->channels->len);
    g_array_set_size(t->barrier_parties, t->barriers->len);
    if (json_object_object_get_ex(root, "channels", &x) &&
        !parse_name_counts(ld, x, "channels"))
        return false;
    if (json_object_object_get_ex(root, "barriers", &x) &&
        !parse_name_counts(ld, x, "barriers"))
        return false;
    for (guint b = 0; b < t->barriers->len; b++)
        if (g_array_index(t->barrier_parties, int, b) == 0)
            return fail(ld,
                        "barrier '%s' has no parties: only templates use it, "
                        "so give its parties in \"barriers\"",
                        (const char *)g_ptr_array_index(t->barriers, b));
    if (json_object_object_get_ex(root, "hotplug", &x) && !parse_hotplug(ld, x))
        return false;
    return true;
}

/* What a trace that is not JSON at all is told: json-c's word for it
 * ("expected true or false") would only confuse. */
static const char not_a_trace[] =
    "not a trace ipasim reads: expected a native trace (a JSON object), an "
    "rt-app workload or trace-cmd/perf text with sched_switch lines";

static char *default_name(const char *path)
{
    char *base = g_path_get_basename(path);
    size_t n = strlen(base);
    if (n > 5 && !strcmp(base + n - 5, ".json"))
        base[n - 5] = 0;
    return base;
}

bool ipa_trace_parse_json(const char *path, const char *text, size_t len,
                          struct ipa_trace **out, GError **error)
{
    struct json_tokener *tok = NULL;
    struct json_object *root = NULL;
    struct ipa_trace *trace = NULL;
    struct loader ld = {.file = path, .error = error};
    bool ok = false;

    *out = NULL;
    if (len > INT_MAX) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT, "%s: file too large",
                    path);
        return false;
    }
    tok = json_tokener_new_ex(MAX_JSON_DEPTH);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    root = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error e = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    if (e == json_tokener_continue) {
        /* a top-level number or literal ends only at a delimiter */
        root = json_tokener_parse_ex(tok, " ", 1);
        e = json_tokener_get_error(tok);
        if (e != json_tokener_success) {
            ipa_json_syntax_error(path, text, len, len, e, not_a_trace,
                                  error);
            goto out;
        }
        end = len;
    } else if (e != json_tokener_success) {
        ipa_json_syntax_error(path, text, len, end, e, not_a_trace, error);
        goto out;
    }
    /* strict mode rejects trailing text, but json-c stops at a NUL byte */
    for (size_t i = end; i < len; i++) {
        if (!g_ascii_isspace(text[i])) {
            ipa_json_syntax_error(path, text, len, i,
                                  json_tokener_error_parse_unexpected,
                                  not_a_trace, error);
            goto out;
        }
    }

    char *name = default_name(path);
    trace = ipa_trace_new(name);
    g_free(name);
    trace->path = g_strdup(path);
    ld.trace = trace;
    ld.path = g_string_new(NULL);
    ld.template_index = g_hash_table_new(g_str_hash, g_str_equal);
    ld.template_names = g_ptr_array_new();
    ld.barrier_stamp = g_array_new(false, true, sizeof(int));
    ok = parse_top(&ld, root);
    g_string_free(ld.path, true);
    g_hash_table_unref(ld.template_index);
    g_ptr_array_unref(ld.template_names);
    g_array_unref(ld.barrier_stamp);
out:
    if (root)
        json_object_put(root);
    json_tokener_free(tok);
    if (ok)
        *out = trace;
    else
        ipa_trace_free(trace);
    return ok;
}

bool ipa_trace_load_json(const char *path, struct ipa_trace **out,
                         GError **error)
{
    char *text = NULL;
    size_t len = 0;

    *out = NULL;
    if (!ipa_input_read("trace", path, IPA_INPUT_FILE, &text, &len, error))
        return false;
    bool ok = ipa_trace_parse_json(path, text, len, out, error);
    g_free(text);
    return ok;
}
