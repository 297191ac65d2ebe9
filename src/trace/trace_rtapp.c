/*
 * trace_rtapp.c - rt-app workload files into native traces.
 *
 * rt-app (github.com/scheduler-tools/rt-app) reads its workloads with
 * json-c in a lenient mode: comments, trailing commas, and, in the files
 * its tools generate, repeated event keys whose order is the order of the
 * events. json-c keeps one value per key, so this file has its own small
 * tokeniser that keeps every member in file order, with its line and
 * column. Event keys are matched by prefix as rt-app does ("run0",
 * "timer1"). Units are rt-app's: microseconds for events, seconds for the
 * global duration.
 */
#include "trace/import.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "trace/trace.h"
#include "util/common.h"

#define MAX_DEPTH 64
#define DEFAULT_UNTIL_NS 10000000000 /* forever without a global duration */

/* ------------------------------------------------------------------ */
/* A lenient JSON tree that keeps repeated keys */

enum rkind { R_OBJ, R_ARR, R_STR, R_INT, R_DBL, R_BOOL, R_NULL };

struct rnode {
    enum rkind kind;
    int line, col;
    char *str;
    int64_t i;
    double d;
    GPtrArray *keys; /* R_OBJ: char * */
    GPtrArray *vals; /* R_OBJ, R_ARR: struct rnode * */
    GHashTable *index; /* R_OBJ with many keys: key -> its last index + 1 */
};

static void rnode_free(struct rnode *n)
{
    if (!n)
        return;
    g_free(n->str);
    if (n->keys)
        g_ptr_array_unref(n->keys);
    if (n->vals)
        g_ptr_array_unref(n->vals);
    if (n->index)
        g_hash_table_unref(n->index);
    g_free(n);
}

struct lexer {
    const char *path, *s;
    size_t len, pos;
    int line, col;
    GError **error;
};

G_GNUC_PRINTF(2, 3)
static bool lex_fail(struct lexer *lx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(lx->error, IPA_ERROR, IPA_ERROR_INPUT, "%s:%d:%d: error: %s",
                lx->path, lx->line, lx->col, msg);
    g_free(msg);
    return false;
}

static int peek(struct lexer *lx)
{
    return lx->pos < lx->len ? (unsigned char)lx->s[lx->pos] : -1;
}

static void advance(struct lexer *lx)
{
    if (lx->s[lx->pos] == '\n') {
        lx->line++;
        lx->col = 1;
    } else if (((unsigned char)lx->s[lx->pos] & 0xC0) != 0x80) {
        lx->col++;
    }
    lx->pos++;
}

/* Skips white space, block comments and line comments. */
static bool skip_space(struct lexer *lx)
{
    for (;;) {
        int c = peek(lx);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            advance(lx);
        } else if (c == '/' && lx->pos + 1 < lx->len &&
                   lx->s[lx->pos + 1] == '*') {
            int line = lx->line, col = lx->col;
            advance(lx);
            advance(lx);
            while (lx->pos + 1 < lx->len &&
                   !(lx->s[lx->pos] == '*' && lx->s[lx->pos + 1] == '/'))
                advance(lx);
            if (lx->pos + 1 >= lx->len) {
                lx->line = line;
                lx->col = col;
                return lex_fail(lx, "unterminated comment");
            }
            advance(lx);
            advance(lx);
        } else if (c == '/' && lx->pos + 1 < lx->len &&
                   lx->s[lx->pos + 1] == '/') {
            while (peek(lx) >= 0 && peek(lx) != '\n')
                advance(lx);
        } else {
            return true;
        }
    }
}

static void put_utf8(GString *out, unsigned cp)
{
    char buf[8];
    int n = g_unichar_to_utf8(cp, buf);
    g_string_append_len(out, buf, n);
}

/* string -> '"' chars '"' */
static bool lex_string(struct lexer *lx, char **out)
{
    GString *b = g_string_new(NULL);
    advance(lx);
    for (;;) {
        int c = peek(lx);
        if (c < 0 || c == '\n') {
            g_string_free(b, true);
            return lex_fail(lx, "unterminated string");
        }
        if (c == '"') {
            advance(lx);
            break;
        }
        if (c == 0) {
            g_string_free(b, true);
            return lex_fail(lx, "unexpected NUL byte");
        }
        if (c != '\\') {
            g_string_append_c(b, (char)c);
            advance(lx);
            continue;
        }
        advance(lx);
        c = peek(lx);
        const char *esc = "\"\"\\\\//b\bf\fn\nr\rt\t";
        const char *e = c > 0 ? strchr(esc, c) : NULL;
        if (c == 'u' && lx->pos + 4 < lx->len) {
            unsigned cp = 0;
            for (int i = 1; i <= 4; i++) {
                int h = g_ascii_xdigit_value(lx->s[lx->pos + i]);
                if (h < 0) {
                    g_string_free(b, true);
                    return lex_fail(lx, "bad \\u escape");
                }
                cp = cp * 16 + (unsigned)h;
            }
            for (int i = 0; i < 5; i++)
                advance(lx);
            put_utf8(b, cp ? cp : 0xFFFD);
            continue;
        }
        if (!e || (e - esc) % 2) {
            g_string_free(b, true);
            return lex_fail(lx, "bad escape in a string");
        }
        g_string_append_c(b, e[1]);
        advance(lx);
    }
    *out = g_string_free(b, false);
    return true;
}

static bool parse_value(struct lexer *lx, int depth, struct rnode **out);

/* object -> '{' [member {',' member} [',']] '}' ; member -> string ':' value
 * array  -> '[' [value {',' value} [',']] ']' */
static bool parse_container(struct lexer *lx, int depth, struct rnode *n)
{
    bool obj = n->kind == R_OBJ;
    int close = obj ? '}' : ']';
    int line = lx->line, col = lx->col;
    advance(lx);
    for (;;) {
        if (!skip_space(lx))
            return false;
        if (peek(lx) == close) {
            advance(lx);
            return true;
        }
        if (obj) {
            char *key = NULL;
            if (peek(lx) != '"')
                return lex_fail(lx, "expected a key in double quotes");
            if (!lex_string(lx, &key))
                return false;
            g_ptr_array_add(n->keys, key);
            if (!skip_space(lx))
                return false;
            if (peek(lx) != ':')
                return lex_fail(lx, "expected ':' after the key");
            advance(lx);
        }
        struct rnode *v = NULL;
        bool ok = parse_value(lx, depth + 1, &v);
        g_ptr_array_add(n->vals, v); /* freed with the tree, even if bad */
        if (!ok)
            return false;
        if (!skip_space(lx))
            return false;
        if (peek(lx) == ',') {
            advance(lx);
            continue;
        }
        if (peek(lx) == close)
            continue;
        if (peek(lx) < 0)
            return lex_fail(lx, "expected '%c' to close %s opened at %d:%d",
                            close, obj ? "object" : "array", line, col);
        return lex_fail(lx, "expected ',' or '%c'", close);
    }
}

static bool parse_value(struct lexer *lx, int depth, struct rnode **out)
{
    if (!skip_space(lx))
        return false;
    if (depth > MAX_DEPTH)
        return lex_fail(lx, "nesting too deep");
    struct rnode *n = g_new0(struct rnode, 1);
    n->line = lx->line;
    n->col = lx->col;
    *out = n;
    int c = peek(lx);
    if (c == '{' || c == '[') {
        n->kind = c == '{' ? R_OBJ : R_ARR;
        if (c == '{')
            n->keys = g_ptr_array_new_with_free_func(g_free);
        n->vals = g_ptr_array_new_with_free_func((GDestroyNotify)rnode_free);
        return parse_container(lx, depth, n);
    }
    if (c == '"') {
        n->kind = R_STR;
        return lex_string(lx, &n->str);
    }
    if (c == '-' || g_ascii_isdigit(c)) {
        size_t start = lx->pos;
        bool frac = false;
        if (c == '-')
            advance(lx);
        while (peek(lx) >= 0 && (g_ascii_isalnum(peek(lx)) ||
                                 strchr(".+-", peek(lx)))) {
            frac |= peek(lx) == '.' || peek(lx) == 'e' || peek(lx) == 'E';
            advance(lx);
        }
        char *text = g_strndup(lx->s + start, lx->pos - start);
        char *end = NULL;
        bool ok;
        if (frac) {
            n->kind = R_DBL;
            n->d = g_ascii_strtod(text, &end);
            ok = end && !*end;
        } else {
            n->kind = R_INT;
            ok = g_ascii_string_to_signed(text, 10, INT64_MIN, INT64_MAX,
                                          &n->i, NULL);
        }
        g_free(text);
        if (!ok) {
            lx->line = n->line;
            lx->col = n->col;
            return lex_fail(lx, "bad number");
        }
        return true;
    }
    static const struct {
        const char *word;
        enum rkind kind;
        int value;
    } words[] = {{"true", R_BOOL, 1}, {"false", R_BOOL, 0}, {"null", R_NULL, 0}};
    for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
        size_t wl = strlen(words[i].word);
        if (lx->len - lx->pos >= wl &&
            !memcmp(lx->s + lx->pos, words[i].word, wl)) {
            n->kind = words[i].kind;
            n->i = words[i].value;
            for (size_t k = 0; k < wl; k++)
                advance(lx);
            return true;
        }
    }
    if (c < 0)
        return lex_fail(lx, "unexpected end of file");
    if (g_ascii_isgraph(c))
        return lex_fail(lx, "unexpected character '%c'", c);
    return lex_fail(lx, "unexpected byte 0x%02x", (unsigned)c);
}

/* ------------------------------------------------------------------ */
/* The workload */

struct task;

struct conv {
    const char *file;
    GString *path; /* key path of the node being read */
    GError **error;
    struct ipa_import *im;
    struct rnode *tasks;
    const char *default_policy;
    const char *name; /* the trace's name */
    bool forever; /* some task loops forever */
    GHashTable *timer_users; /* timer ref -> task name using it first */
};

/* What one task becomes: its thread's properties and its program. */
struct task {
    const char *name;
    struct rnode *node;
    int64_t instances;
    uint64_t delay_ns;
    int nice;
    GArray *cpus; /* int, the union over phases; NULL = every core */
    bool all_cpus; /* some phase may run anywhere */
    const char *group;
    struct json_object *attrs;
    struct json_object *ops;
    const char *timer_ref; /* the first timer this task uses */
    const char *policy;
};

G_GNUC_PRINTF(2, 3)
static bool fail(struct conv *cv, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(cv->error, IPA_ERROR, IPA_ERROR_INPUT, "%s: %s: %s", cv->file,
                cv->path->str, msg);
    g_free(msg);
    return false;
}

G_GNUC_PRINTF(2, 3)
static void warn(struct conv *cv, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_ptr_array_add(cv->im->warnings,
                    g_strdup_printf("%s: %s: %s", cv->file, cv->path->str,
                                    msg));
    g_free(msg);
}

static gsize push(struct conv *cv, const char *key)
{
    gsize mark = cv->path->len;
    if (mark)
        g_string_append_c(cv->path, '.');
    g_string_append(cv->path, key);
    return mark;
}

static void pop(struct conv *cv, gsize mark)
{
    g_string_truncate(cv->path, mark);
}

/* Objects with more keys than this get an index on first lookup: a
 * "tasks" object of thousands of tasks is looked up once per task and per
 * fork, which a scan makes quadratic. */
#define MEMBER_SCAN_MAX 16

/* The last member named @key of an object, NULL if none. */
static struct rnode *member(struct rnode *obj, const char *key)
{
    if (obj->keys->len > MEMBER_SCAN_MAX) {
        if (!obj->index) {
            obj->index = g_hash_table_new(g_str_hash, g_str_equal);
            for (guint i = 0; i < obj->keys->len; i++)
                g_hash_table_insert(obj->index,
                                    g_ptr_array_index(obj->keys, i),
                                    GUINT_TO_POINTER(i + 1));
        }
        guint at = GPOINTER_TO_UINT(g_hash_table_lookup(obj->index, key));
        return at ? g_ptr_array_index(obj->vals, at - 1) : NULL;
    }
    for (guint i = obj->keys->len; i-- > 0;)
        if (!strcmp(g_ptr_array_index(obj->keys, i), key))
            return g_ptr_array_index(obj->vals, i);
    return NULL;
}

static bool get_int(struct conv *cv, struct rnode *v, int64_t lo, int64_t hi,
                    const char *what, int64_t *out)
{
    if (v->kind != R_INT || v->i < lo || v->i > hi)
        return fail(cv, "expected %s", what);
    *out = v->i;
    return true;
}

static bool get_str(struct conv *cv, struct rnode *v, const char *what,
                    const char **out)
{
    if (v->kind != R_STR || !*v->str)
        return fail(cv, "expected %s (a non-empty string)", what);
    *out = v->str;
    return true;
}

/* rt-app durations are integer microseconds. */
static bool get_usec(struct conv *cv, struct rnode *v, uint64_t *out_ns)
{
    int64_t us = 0;
    if (!get_int(cv, v, 0, INT64_C(1000000000000),
                 "a duration in microseconds (a non-negative integer)", &us))
        return false;
    *out_ns = (uint64_t)us * 1000;
    return true;
}

static void add_op(struct json_object *ops, const char *kind,
                   struct json_object *value)
{
    struct json_object *op = json_object_new_object();
    json_object_object_add(op, kind, value);
    json_object_array_add(ops, op);
}

static void add_named(struct json_object *ops, const char *kind,
                      const char *name)
{
    add_op(ops, kind, json_object_new_string(name));
}

/* Appends @body (an ops array) @count times: as is for 1, nothing for 0,
 * else in a repeat. Takes @body. */
static void add_loop(struct json_object *ops, struct json_object *body,
                     uint32_t count)
{
    size_t n = json_object_array_length(body);
    if (!n || !count) {
        json_object_put(body);
        return;
    }
    if (count == 1) {
        for (size_t i = 0; i < n; i++)
            json_object_array_add(
                ops, json_object_get(json_object_array_get_idx(body, i)));
        json_object_put(body);
        return;
    }
    struct json_object *op = json_object_new_object();
    json_object_object_add(op, "repeat",
                           count == IPA_REPEAT_FOREVER ? json_object_new_string("forever")
                                            : json_object_new_int64(count));
    json_object_object_add(op, "ops", body);
    json_object_array_add(ops, op);
}

/* A resource named by a string or by {"ref": name, ...}. */
static bool ref_name(struct conv *cv, struct rnode *v, const char *what,
                     const char **out)
{
    if (v->kind == R_OBJ) {
        struct rnode *r = member(v, "ref");
        if (!r)
            return fail(cv, "expected {\"ref\": name} naming the %s", what);
        gsize m = push(cv, "ref");
        bool ok = get_str(cv, r, what, out);
        pop(cv, m);
        return ok;
    }
    return get_str(cv, v, what, out);
}

/* The event word a key starts with, as rt-app matches it: longer words
 * first where one is a prefix of another. */
static const char *const event_words[] = {
    "runtime", "run",   "sleep",  "timer", "suspend", "resume",  "signal",
    "sync",    "wait",  "broad",  "barrier", "lock",  "unlock",  "fork",
    "yield",   "mem",   "iorun",  NULL,
};

static const char *event_of(const char *key)
{
    for (int i = 0; event_words[i]; i++)
        if (!strncmp(key, event_words[i], strlen(event_words[i])))
            return event_words[i];
    return NULL;
}

/* The unlock-wait-lock of a condition wait with its mutex. */
static bool cond_wait(struct conv *cv, struct rnode *v, struct json_object *ops)
{
    const char *cond = NULL, *mutex = NULL;
    if (!ref_name(cv, v, "condition", &cond))
        return false;
    struct rnode *mx = v->kind == R_OBJ ? member(v, "mutex") : NULL;
    if (mx) {
        gsize m = push(cv, "mutex");
        if (!get_str(cv, mx, "a mutex name", &mutex))
            return false;
        pop(cv, m);
        add_named(ops, "unlock", mutex);
    }
    add_named(ops, "wait", cond);
    if (mutex)
        add_named(ops, "lock", mutex);
    return true;
}

static bool timer_event(struct conv *cv, struct task *t, struct rnode *v,
                        struct json_object *ops)
{
    const char *ref = "unique", *mode = "relative";
    uint64_t period;
    if (v->kind != R_OBJ)
        return fail(cv, "expected {\"ref\": name, \"period\": usec}");
    struct rnode *x = member(v, "period");
    if (!x)
        return fail(cv, "missing \"period\" (microseconds)");
    gsize m = push(cv, "period");
    if (!get_usec(cv, x, &period))
        return false;
    if (!period)
        return fail(cv, "expected a positive period");
    pop(cv, m);
    if ((x = member(v, "ref"))) {
        m = push(cv, "ref");
        if (!get_str(cv, x, "a timer name", &ref))
            return false;
        pop(cv, m);
    }
    if ((x = member(v, "mode"))) {
        m = push(cv, "mode");
        if (!get_str(cv, x, "\"absolute\" or \"relative\"", &mode))
            return false;
        if (strcmp(mode, "absolute") && strcmp(mode, "relative"))
            return fail(cv, "expected \"absolute\" or \"relative\"");
        pop(cv, m);
    }
    for (guint i = 0; i < v->keys->len; i++) {
        const char *k = g_ptr_array_index(v->keys, i);
        if (strcmp(k, "ref") && strcmp(k, "period") && strcmp(k, "mode")) {
            m = push(cv, k);
            warn(cv, "unknown timer key, ignored");
            pop(cv, m);
        }
    }
    /* ipasim keeps one timer per thread */
    if (!t->timer_ref)
        t->timer_ref = ref;
    else if (strcmp(t->timer_ref, ref))
        warn(cv, "a second timer '%s' in one task cannot be modelled: it "
                 "shares the periods of timer '%s'",
             ref, t->timer_ref);
    if (strcmp(ref, "unique")) {
        const char *user = g_hash_table_lookup(cv->timer_users, ref);
        if (!user) {
            g_hash_table_insert(cv->timer_users, (gpointer)ref,
                                (gpointer)t->name);
            if (t->instances > 1)
                warn(cv, "timer '%s' shared between instances cannot be "
                         "modelled: each keeps its own periods",
                     ref);
        } else if (strcmp(user, t->name)) {
            warn(cv, "timer '%s' shared with task '%s' cannot be modelled: "
                     "each thread keeps its own periods",
                 ref, user);
        }
    }
    struct json_object *op = json_object_new_object();
    json_object_object_add(op, "timer", ipa_trace_dur_json(period));
    if (!strcmp(mode, "absolute"))
        json_object_object_add(op, "absolute", json_object_new_boolean(true));
    json_object_array_add(ops, op);
    return true;
}

/* One event member of a task or phase. */
static bool event(struct conv *cv, struct task *t, const char *word,
                  struct rnode *v, struct json_object *ops)
{
    const char *name = NULL;
    uint64_t ns;
    if (!strcmp(word, "run") || !strcmp(word, "runtime")) {
        if (!get_usec(cv, v, &ns))
            return false;
        if (ns)
            add_op(ops, "run", ipa_trace_dur_json(ns));
    } else if (!strcmp(word, "sleep")) {
        if (!get_usec(cv, v, &ns))
            return false;
        if (ns)
            add_op(ops, "sleep", ipa_trace_dur_json(ns));
    } else if (!strcmp(word, "timer")) {
        return timer_event(cv, t, v, ops);
    } else if (!strcmp(word, "suspend")) {
        if (v->kind == R_NULL || (v->kind == R_STR && !*v->str))
            name = t->name;
        else if (!ref_name(cv, v, "thread to suspend", &name))
            return false;
        add_named(ops, "wait", name);
    } else if (!strcmp(word, "resume")) {
        if (!ref_name(cv, v, "thread to resume", &name))
            return false;
        add_named(ops, "signal", name);
    } else if (!strcmp(word, "signal")) {
        if (!ref_name(cv, v, "condition", &name))
            return false;
        add_named(ops, "signal", name);
    } else if (!strcmp(word, "broad")) {
        if (!ref_name(cv, v, "condition", &name))
            return false;
        add_named(ops, "broadcast", name);
    } else if (!strcmp(word, "sync")) {
        if (!ref_name(cv, v, "condition", &name))
            return false;
        add_named(ops, "signal", name);
        return cond_wait(cv, v, ops);
    } else if (!strcmp(word, "wait")) {
        return cond_wait(cv, v, ops);
    } else if (!strcmp(word, "barrier") || !strcmp(word, "lock") ||
               !strcmp(word, "unlock")) {
        if (!ref_name(cv, v, !strcmp(word, "barrier") ? "barrier" : "mutex",
                      &name))
            return false;
        add_named(ops, word, name);
    } else if (!strcmp(word, "fork")) {
        if (!get_str(cv, v, "the name of the task to fork", &name))
            return false;
        if (!member(cv->tasks, name))
            return fail(cv, "no task named '%s' to fork", name);
        add_named(ops, "spawn", name);
    } else if (!strcmp(word, "yield")) {
        add_op(ops, "yield", json_object_new_boolean(true));
    } else if (!strcmp(word, "mem") || !strcmp(word, "iorun")) {
        warn(cv, "%s load cannot be modelled (no memory or I/O device in "
                 "ipasim): event dropped",
             !strcmp(word, "mem") ? "memory" : "I/O");
    } else {
        IPA_UNREACHABLE();
    }
    return true;
}

/* A "cpus" value: an array of CPU numbers (or one number). */
static bool get_cpus(struct conv *cv, struct rnode *v, GArray *out)
{
    if (v->kind == R_INT) {
        int64_t c = 0;
        if (!get_int(cv, v, 0, 1048575, "a CPU number", &c))
            return false;
        int ci = (int)c;
        g_array_append_val(out, ci);
        return true;
    }
    if (v->kind != R_ARR || !v->vals->len)
        return fail(cv, "expected an array of CPU numbers like [0, 1]");
    for (guint i = 0; i < v->vals->len; i++) {
        int64_t c = 0;
        char idx[24];
        g_snprintf(idx, sizeof idx, "[%u]", i);
        gsize m = cv->path->len;
        g_string_append(cv->path, idx);
        if (!get_int(cv, g_ptr_array_index(v->vals, i), 0, 1048575,
                     "a CPU number", &c))
            return false;
        pop(cv, m);
        int ci = (int)c;
        g_array_append_val(out, ci);
    }
    return true;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Property keys that are not events, in a task (T) or a phase (P). */
static const char *const task_only[] = {"instance", "delay", "phases", NULL};
static const char *const shared_props[] = {
    "loop",       "cpus",        "policy",      "priority", "taskgroup",
    "dl-runtime", "dl-period",   "dl-deadline", "util_min", "util_max",
    "nodes_membind", NULL,
};

static bool in_list(const char *const *list, const char *key)
{
    for (int i = 0; list[i]; i++)
        if (!strcmp(list[i], key))
            return true;
    return false;
}

/* Loop counts: -1 runs until the global duration ends the run. */
static bool get_loop(struct conv *cv, struct rnode *v, uint32_t *out)
{
    int64_t n = 0;
    if (!get_int(cv, v, -1, UINT32_MAX - 1,
                 "a loop count: -1 (forever) or an integer from 0", &n))
        return false;
    if (n < 0) {
        cv->forever = true;
        *out = IPA_REPEAT_FOREVER;
    } else {
        *out = (uint32_t)n;
    }
    return true;
}

/* The properties of a task or phase that apply to the whole thread. */
static bool props(struct conv *cv, struct task *t, struct rnode *obj,
                  bool is_phase)
{
    struct rnode *x;
    gsize m;
    if ((x = member(obj, "cpus"))) {
        m = push(cv, "cpus");
        GArray *cpus = g_array_new(false, false, sizeof(int));
        if (!get_cpus(cv, x, cpus)) {
            g_array_free(cpus, true);
            return false;
        }
        g_array_sort(cpus, cmp_int);
        if (is_phase && t->cpus &&
            (cpus->len != t->cpus->len ||
             memcmp(cpus->data, t->cpus->data, sizeof(int) * cpus->len)))
            warn(cv, "per-phase affinity cannot be modelled: the thread may "
                     "run on the CPUs of all its phases");
        if (!t->cpus)
            t->cpus = g_array_new(false, false, sizeof(int));
        g_array_append_vals(t->cpus, cpus->data, cpus->len);
        g_array_sort(t->cpus, cmp_int);
        guint w = 0;
        for (guint i = 0; i < t->cpus->len; i++)
            if (!w || g_array_index(t->cpus, int, w - 1) !=
                          g_array_index(t->cpus, int, i))
                g_array_index(t->cpus, int, w++) =
                    g_array_index(t->cpus, int, i);
        g_array_set_size(t->cpus, w);
        g_array_free(cpus, true);
        pop(cv, m);
    } else if (is_phase && member(t->node, "cpus") == NULL) {
        t->all_cpus = true;
    }
    if ((x = member(obj, "taskgroup"))) {
        const char *g = NULL;
        m = push(cv, "taskgroup");
        if (!get_str(cv, x, "a task group path", &g))
            return false;
        if (t->group && strcmp(t->group, g))
            warn(cv, "moving between task groups cannot be modelled: the "
                     "thread stays in group '%s'",
                 t->group);
        else
            t->group = g;
        pop(cv, m);
    }
    if ((x = member(obj, "policy"))) {
        const char *p = NULL;
        m = push(cv, "policy");
        if (!get_str(cv, x, "a scheduling policy like \"SCHED_OTHER\"", &p))
            return false;
        if (is_phase && t->policy && strcmp(t->policy, p))
            warn(cv, "changing policy per phase cannot be modelled: the "
                     "thread keeps %s",
                 t->policy);
        else
            t->policy = p;
        pop(cv, m);
    }
    if ((x = member(obj, "priority"))) {
        int64_t prio = 0;
        m = push(cv, "priority");
        if (!get_int(cv, x, -20, 99, "a priority: a nice level from -20 to "
                                     "19, or a real-time priority 1..99",
                     &prio))
            return false;
        if (is_phase)
            warn(cv, "changing priority per phase cannot be modelled: the "
                     "thread keeps its first priority");
        else
            t->nice = (int)prio; /* resolved against the policy later */
        pop(cv, m);
    }
    static const char *const dl[] = {"dl-runtime", "dl-period", "dl-deadline"};
    static const char *const attr[] = {"runtime", "period", "deadline"};
    for (int i = 0; i < 3; i++) {
        if (!(x = member(obj, dl[i])))
            continue;
        uint64_t ns;
        m = push(cv, dl[i]);
        if (!get_usec(cv, x, &ns))
            return false;
        json_object_object_add(t->attrs, attr[i], ipa_trace_dur_json(ns));
        pop(cv, m);
    }
    static const char *const unmodelled[] = {"util_min", "util_max",
                                             "nodes_membind"};
    for (int i = 0; i < 3; i++) {
        if (!member(obj, unmodelled[i]))
            continue;
        m = push(cv, unmodelled[i]);
        warn(cv, "cannot be modelled (no utilization clamping or memory "
                 "nodes in ipasim): ignored");
        pop(cv, m);
    }
    return true;
}

/* The events of a task or phase, in file order, into @ops. */
static bool events(struct conv *cv, struct task *t, struct rnode *obj,
                   bool is_phase, struct json_object *ops)
{
    for (guint i = 0; i < obj->keys->len; i++) {
        const char *key = g_ptr_array_index(obj->keys, i);
        struct rnode *v = g_ptr_array_index(obj->vals, i);
        if (in_list(shared_props, key) ||
            (!is_phase && in_list(task_only, key)))
            continue;
        gsize m = push(cv, key);
        const char *word = event_of(key);
        if (!word) {
            warn(cv, "unknown %s key, ignored", is_phase ? "phase" : "task");
        } else if (!is_phase && member(obj, "phases")) {
            warn(cv, "event beside \"phases\": rt-app ignores it, and so "
                     "does ipasim");
        } else if (!event(cv, t, word, v, ops)) {
            return false;
        }
        pop(cv, m);
    }
    return true;
}

static bool task_program(struct conv *cv, struct task *t)
{
    struct rnode *obj = t->node, *x;
    uint32_t loop = IPA_REPEAT_FOREVER;
    struct json_object *body = json_object_new_array();
    gsize m;

    if (!props(cv, t, obj, false))
        goto fail;
    if ((x = member(obj, "loop"))) {
        m = push(cv, "loop");
        if (!get_loop(cv, x, &loop))
            goto fail;
        pop(cv, m);
    } else {
        cv->forever = true;
    }
    if ((x = member(obj, "phases"))) {
        m = push(cv, "phases");
        if (x->kind != R_OBJ) {
            fail(cv, "expected an object of phases");
            goto fail;
        }
        for (guint i = 0; i < x->keys->len; i++) {
            struct rnode *ph = g_ptr_array_index(x->vals, i);
            gsize m2 = push(cv, g_ptr_array_index(x->keys, i));
            uint32_t ploop = 1;
            struct rnode *pl;
            if (ph->kind != R_OBJ) {
                fail(cv, "expected a phase: an object of events");
                goto fail;
            }
            if ((pl = member(ph, "loop"))) {
                gsize m3 = push(cv, "loop");
                if (!get_loop(cv, pl, &ploop))
                    goto fail;
                pop(cv, m3);
            }
            if (!props(cv, t, ph, true))
                goto fail;
            struct json_object *pops = json_object_new_array();
            if (!events(cv, t, ph, true, pops)) {
                json_object_put(pops);
                goto fail;
            }
            add_loop(body, pops, ploop);
            pop(cv, m2);
        }
        pop(cv, m);
    } else if (!events(cv, t, obj, false, body)) {
        goto fail;
    }
    t->ops = json_object_new_array();
    add_loop(t->ops, body, loop);
    return true;
fail:
    json_object_put(body);
    return false;
}

static bool resolve_policy_as(struct conv *cv, struct task *t,
                              struct json_object *thread, const char *p);

/* nice or real-time priority, by the task's policy. */
static bool resolve_policy(struct conv *cv, struct task *t,
                           struct json_object *thread)
{
    const char *p = t->policy ? t->policy : cv->default_policy;
    gsize m = t->policy ? push(cv, "policy") : cv->path->len;
    bool ok = resolve_policy_as(cv, t, thread, p);
    pop(cv, m);
    return ok;
}

static bool resolve_policy_as(struct conv *cv, struct task *t,
                              struct json_object *thread, const char *p)
{
    if (!strcmp(p, "SCHED_OTHER") || !strcmp(p, "SCHED_BATCH") ||
        !strcmp(p, "SCHED_IDLE")) {
        if (t->nice < -20 || t->nice > 19)
            return fail(cv, "priority %d is not a nice level (-20..19) for %s",
                        t->nice, p);
        if (!strcmp(p, "SCHED_IDLE"))
            warn(cv, "SCHED_IDLE cannot be modelled: the thread runs at nice "
                     "19");
        int nice = !strcmp(p, "SCHED_IDLE") ? 19 : t->nice;
        if (nice)
            json_object_object_add(thread, "nice", json_object_new_int(nice));
    } else if (!strcmp(p, "SCHED_FIFO") || !strcmp(p, "SCHED_RR")) {
        warn(cv, "%s cannot be modelled (one class per policy in ipasim): "
                 "its priority is left in attrs.rt_priority for the policy",
             p);
        json_object_object_add(t->attrs, "rt_priority",
                               json_object_new_int(t->nice));
    } else if (!strcmp(p, "SCHED_DEADLINE")) {
        warn(cv, "SCHED_DEADLINE cannot be modelled: its parameters are "
                 "left in attrs runtime, period and deadline for the policy");
    } else {
        return fail(cv,
                    "unknown policy '%s' (expected SCHED_OTHER, SCHED_BATCH, "
                    "SCHED_IDLE, SCHED_FIFO, SCHED_RR or SCHED_DEADLINE)",
                    p);
    }
    return true;
}

static struct json_object *thread_json(struct task *t, bool is_template)
{
    struct json_object *th = json_object_new_object();
    json_object_object_add(th, "name", json_object_new_string(t->name));
    if (!is_template && t->instances > 1)
        json_object_object_add(th, "count",
                               json_object_new_int64(t->instances));
    if (!is_template && t->delay_ns)
        json_object_object_add(th, "start", ipa_trace_dur_json(t->delay_ns));
    return th;
}

/* Fills @th with what thread and template share. */
static void thread_fill(struct task *t, struct json_object *th,
                        struct json_object *nice_src)
{
    struct json_object *x;
    if (th != nice_src && json_object_object_get_ex(nice_src, "nice", &x))
        json_object_object_add(th, "nice", json_object_get(x));
    if (t->group)
        json_object_object_add(th, "group", json_object_new_string(t->group));
    if (t->cpus && !t->all_cpus) {
        struct json_object *a = json_object_new_array();
        for (guint i = 0; i < t->cpus->len; i++)
            json_object_array_add(
                a, json_object_new_int(g_array_index(t->cpus, int, i)));
        json_object_object_add(th, "affinity", a);
    }
    if (json_object_object_length(t->attrs))
        json_object_object_add(th, "attrs", json_object_get(t->attrs));
    json_object_object_add(th, "ops", json_object_get(t->ops));
}

static bool task_read(struct conv *cv, struct task *t)
{
    struct rnode *x;
    gsize m;
    t->instances = 1;
    t->attrs = json_object_new_object();
    if (t->node->kind != R_OBJ)
        return fail(cv, "expected a task: an object of events or phases");
    if ((x = member(t->node, "instance"))) {
        m = push(cv, "instance");
        if (!get_int(cv, x, 0, 100000, "a number of instances from 0",
                     &t->instances))
            return false;
        pop(cv, m);
    }
    if ((x = member(t->node, "delay"))) {
        m = push(cv, "delay");
        if (!get_usec(cv, x, &t->delay_ns))
            return false;
        pop(cv, m);
    }
    if (!task_program(cv, t))
        return false;
    if (t->cpus && t->all_cpus)
        warn(cv, "some phases run on any CPU: the thread gets no affinity");
    return true;
}

/* Tasks that some "fork" event names become templates too. */
static void collect_forks(struct rnode *n, GHashTable *forked)
{
    if (n->kind != R_OBJ && n->kind != R_ARR)
        return;
    for (guint i = 0; i < n->vals->len; i++) {
        struct rnode *v = g_ptr_array_index(n->vals, i);
        if (n->kind == R_OBJ &&
            !strncmp(g_ptr_array_index(n->keys, i), "fork", 4) &&
            v->kind == R_STR)
            g_hash_table_add(forked, v->str);
        collect_forks(v, forked);
    }
}

static const char *const global_ignored[] = {
    "calibration", "logdir",   "log_basename", "log_size",   "ftrace",
    "gnuplot",     "lock_pages", "io_device",  "mem_buffer_size",
    "cumulative_slack", NULL,
};

static bool read_global(struct conv *cv, struct rnode *g, uint64_t *until_ns)
{
    gsize m = push(cv, "global");
    if (g->kind != R_OBJ)
        return fail(cv, "expected an object");
    for (guint i = 0; i < g->keys->len; i++) {
        const char *k = g_ptr_array_index(g->keys, i);
        struct rnode *v = g_ptr_array_index(g->vals, i);
        gsize m2 = push(cv, k);
        if (!strcmp(k, "duration")) {
            int64_t s = 0;
            if (!get_int(cv, v, -1, 1000000000,
                         "a duration in seconds (-1: until stopped)", &s))
                return false;
            *until_ns = s > 0 ? (uint64_t)s * 1000000000 : 0;
            if (!s)
                warn(cv, "a duration of 0 runs nothing in rt-app; ipasim "
                         "runs the workload to its end");
        } else if (!strcmp(k, "default_policy")) {
            if (!get_str(cv, v, "a scheduling policy", &cv->default_policy))
                return false;
        } else if (!strcmp(k, "pi_enabled")) {
            if (v->kind == R_BOOL && v->i)
                warn(cv, "priority inheritance cannot be modelled: mutexes "
                         "hand off in FIFO order");
        } else if (!in_list(global_ignored, k)) {
            warn(cv, "unknown global key, ignored");
        }
        pop(cv, m2);
    }
    pop(cv, m);
    return true;
}

static bool convert(struct conv *cv, struct rnode *top)
{
    struct rnode *x;
    struct task *tasks = NULL;
    guint n = 0;
    uint64_t until_ns = 0;
    bool ok = false;
    struct json_object *root = json_object_new_object();
    struct json_object *threads = json_object_new_array();
    struct json_object *templates = json_object_new_array();
    GHashTable *forked = g_hash_table_new(g_str_hash, g_str_equal);

    if (top->kind != R_OBJ) {
        fail(cv, "expected an object with \"tasks\"");
        goto out;
    }
    if (!(cv->tasks = member(top, "tasks"))) {
        fail(cv, "missing \"tasks\"");
        goto out;
    }
    for (guint i = 0; i < top->keys->len; i++) {
        const char *k = g_ptr_array_index(top->keys, i);
        if (strcmp(k, "tasks") && strcmp(k, "global") && strcmp(k, "resources")) {
            gsize m = push(cv, k);
            warn(cv, "unknown top-level key, ignored");
            pop(cv, m);
        }
    }
    if ((x = member(top, "global")) && !read_global(cv, x, &until_ns))
        goto out;
    gsize m = push(cv, "tasks");
    if (cv->tasks->kind != R_OBJ || !cv->tasks->keys->len) {
        fail(cv, "expected an object of tasks, at least one");
        goto out;
    }
    collect_forks(cv->tasks, forked);
    n = cv->tasks->keys->len;
    tasks = g_new0(struct task, n);
    json_object_object_add(root, "ipasim_trace", json_object_new_int(1));
    json_object_object_add(root, "name", json_object_new_string(cv->name));
    for (guint i = 0; i < n; i++) {
        struct task *t = &tasks[i];
        t->name = g_ptr_array_index(cv->tasks->keys, i);
        t->node = g_ptr_array_index(cv->tasks->vals, i);
        gsize m2 = push(cv, t->name);
        if (member(cv->tasks, t->name) != t->node) {
            fail(cv, "task name '%s' is used twice", t->name);
            goto out;
        }
        if (!task_read(cv, t))
            goto out;
        struct json_object *th = thread_json(t, false);
        if (!resolve_policy(cv, t, th)) {
            json_object_put(th);
            goto out;
        }
        if (g_hash_table_contains(forked, t->name)) {
            struct json_object *tp = thread_json(t, true);
            thread_fill(t, tp, th);
            json_object_array_add(templates, tp);
        }
        if (t->instances > 0) {
            thread_fill(t, th, th);
            json_object_array_add(threads, th);
        } else {
            json_object_put(th);
        }
        pop(cv, m2);
    }
    pop(cv, m);
    if (!json_object_array_length(threads)) {
        push(cv, "tasks");
        fail(cv, "no task has an instance at start (every \"instance\" is 0)");
        goto out;
    }
    if (cv->forever && !until_ns) {
        push(cv, "global.duration");
        warn(cv, "not given and some task loops forever: the run stops at "
                 "10s");
        pop(cv, 0);
        until_ns = DEFAULT_UNTIL_NS;
    }
    if (until_ns)
        json_object_object_add(root, "until", ipa_trace_dur_json(until_ns));
    json_object_object_add(root, "threads", json_object_get(threads));
    if (json_object_array_length(templates))
        json_object_object_add(root, "templates", json_object_get(templates));
    ok = true;
out:
    for (guint i = 0; tasks && i < n; i++) {
        if (tasks[i].cpus)
            g_array_free(tasks[i].cpus, true);
        json_object_put(tasks[i].attrs);
        json_object_put(tasks[i].ops);
    }
    g_free(tasks);
    g_hash_table_unref(forked);
    json_object_put(threads);
    json_object_put(templates);
    if (ok)
        cv->im->root = root;
    else
        json_object_put(root);
    return ok;
}

bool ipa_trace_import_rtapp(const char *path, const char *text, size_t len,
                            struct ipa_import *im, GError **error)
{
    struct lexer lx = {.path = path, .s = text, .len = len, .line = 1,
                       .col = 1, .error = error};
    struct rnode *top = NULL;
    bool ok = false;

    if (!parse_value(&lx, 0, &top) || !skip_space(&lx))
        goto out;
    if (lx.pos < lx.len) {
        lex_fail(&lx, "unexpected text after the top-level object");
        goto out;
    }
    struct conv cv = {.file = path, .path = g_string_new(NULL),
                      .error = error, .im = im,
                      .default_policy = "SCHED_OTHER"};
    cv.timer_users = g_hash_table_new(g_str_hash, g_str_equal);
    char *base = g_path_get_basename(path);
    char *dot = strrchr(base, '.');
    if (dot && dot != base)
        *dot = 0;
    cv.name = base;
    ok = convert(&cv, top);
    g_free(base);
    g_hash_table_unref(cv.timer_users);
    g_string_free(cv.path, true);
out:
    rnode_free(top);
    return ok;
}
