/*
 * taskset.c - periodic task sets: random generation (UUniFast-discard,
 * RandFixedSum), the task-set CSV format, and their native trace.
 */
#include "trace/taskset.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "trace/import.h"
#include "util/common.h"

/* UUniFast-discard draws a whole set again when a task's utilisation
 * exceeds 1; it gives up after drawing this many values in all (the odds
 * of a valid set fall fast as the total nears the task count). */
#define MAX_DRAWN_VALUES 100000000

/* RandFixedSum's tables take n^2 doubles each. */
#define MAX_RANDFIXEDSUM_TASKS 2000

#define CSV_HEADER "id,period_ms,wcet_us"

/* UUniFast (Bini & Buttazzo): uniform over the simplex sum = total. */
static void uunifast(GRand *rng, int n, double total, double *out)
{
    double left = total;
    for (int i = 0; i < n - 1; i++) {
        double next = left * pow(g_rand_double(rng), 1.0 / (double)(n - 1 - i));
        out[i] = left - next;
        left = next;
    }
    out[n - 1] = left;
}

bool ipa_taskset_uunifast(GRand *rng, int n, double total, double *out)
{
    for (int draw = 0; draw < MAX(100, MAX_DRAWN_VALUES / n); draw++) {
        uunifast(rng, n, total, out);
        bool ok = true;
        for (int i = 0; i < n && ok; i++)
            ok = out[i] <= 1.0;
        if (ok)
            return true;
    }
    return false;
}

/* Shuffles @x (Fisher-Yates). */
static void shuffle(GRand *rng, double *x, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = g_rand_int_range(rng, 0, i + 1);
        double t = x[i];
        x[i] = x[j];
        x[j] = t;
    }
}

/*
 * Stafford's RandFixedSum for values in [0, 1] (Emberson, Stafford and
 * Davis, "Techniques for the synthesis of multiprocessor tasksets",
 * WATERS 2010, taskgen.py's StaffordRandFixedSum): uniform over the
 * slice {x in [0,1]^n : sum x = total} without rejection. w[i][c] are
 * the (scaled) volumes of the slice's simplices, t[i][c] the probability
 * of moving to the next simplex column; a point is built one coordinate
 * at a time, then the coordinates are shuffled.
 */
void ipa_taskset_randfixedsum(GRand *rng, int n, double total, double *out)
{
    if (n == 1 || total >= (double)n) {
        for (int i = 0; i < n; i++)
            out[i] = total / (double)n;
        return;
    }
    int k = (int)floor(total);
    double *s1 = g_new(double, n), *s2 = g_new(double, n);
    for (int i = 0; i < n; i++) {
        s1[i] = total - (double)(k - i);
        s2[i] = (double)(k + n - i) - total;
    }
    double *w = g_new0(double, (size_t)n * (size_t)(n + 1));
    double *t = g_new0(double, (size_t)(n - 1) * (size_t)n);
#define W(i, c) w[(size_t)(i) * (size_t)(n + 1) + (size_t)(c)]
#define T(i, c) t[(size_t)(i) * (size_t)n + (size_t)(c)]
    W(0, 1) = DBL_MAX;
    for (int i = 2; i <= n; i++) {
        for (int c = 0; c < i; c++) {
            double tmp1 = W(i - 2, c + 1) * s1[c] / (double)i;
            double tmp2 = W(i - 2, c) * s2[n - i + c] / (double)i;
            W(i - 1, c + 1) = tmp1 + tmp2;
            double tmp3 = W(i - 1, c + 1) + DBL_MIN;
            T(i - 2, c) = s2[n - i + c] > s1[c] ? tmp2 / tmp3
                                                : 1 - tmp1 / tmp3;
        }
    }
    double s = total, sm = 0, pr = 1;
    int j = k + 1;
    for (int i = n - 1; i >= 1; i--) {
        double rt = g_rand_double(rng), rs = g_rand_double(rng);
        int e = rt <= T(i - 1, j - 1);
        double sx = pow(rs, 1.0 / (double)i);
        sm += (1 - sx) * pr * s / (double)(i + 1);
        pr *= sx;
        out[n - i - 1] = sm + pr * e;
        s -= e;
        j -= e;
    }
    out[n - 1] = sm + pr * s;
#undef W
#undef T
    g_free(s1);
    g_free(s2);
    g_free(w);
    g_free(t);
    shuffle(rng, out, n);
}

void ipa_taskset_free(GArray *tasks)
{
    if (!tasks)
        return;
    for (guint i = 0; i < tasks->len; i++)
        g_free(g_array_index(tasks, struct ipa_task, i).name);
    g_array_free(tasks, TRUE);
}

GArray *ipa_taskset_generate(const struct ipa_taskset_params *p,
                             GError **error)
{
    const char *bad = NULL;
    if (p->nr_cpus < 1)
        bad = "the CPU count must be at least 1";
    else if (p->nr_tasks < 1 || p->nr_tasks > 100000)
        bad = "the task count must be from 1 to 100000";
    else if (!(p->utilisation > 0) || p->utilisation > p->nr_tasks)
        bad = "the total utilisation must be above 0 and at most the task "
              "count (each task's is at most 1)";
    else if (p->utilisation > p->nr_cpus)
        bad = "the total utilisation must be at most the CPU count";
    else if (p->nr_periods < 1)
        bad = "the period set is empty";
    /* UUniFast-discard's odds of a valid draw vanish near the limit */
    else if (p->method == IPA_TASKSET_UUNIFAST && p->nr_tasks > 1 &&
             p->utilisation > 0.9 * p->nr_tasks)
        bad = "UUniFast-discard needs a total utilisation of at most 0.9 "
              "x the task count (use --method randfixedsum)";
    else if (p->method == IPA_TASKSET_RANDFIXEDSUM &&
             p->nr_tasks > MAX_RANDFIXEDSUM_TASKS)
        bad = "RandFixedSum draws at most 2000 tasks (its tables grow as "
              "the square of the count; use --method uunifast)";
    if (bad) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT, "%s", bad);
        return NULL;
    }
    for (int i = 0; i < p->nr_periods; i++)
        if (!p->periods[i]) {
            g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                        "periods must be positive");
            return NULL;
        }
    guint32 seed[2] = {(guint32)p->seed, (guint32)(p->seed >> 32)};
    GRand *rng = g_rand_new_with_seed_array(seed, 2);
    double *u = g_new(double, p->nr_tasks);
    if (p->method == IPA_TASKSET_RANDFIXEDSUM) {
        ipa_taskset_randfixedsum(rng, p->nr_tasks, p->utilisation, u);
    } else if (!ipa_taskset_uunifast(rng, p->nr_tasks, p->utilisation, u)) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "UUniFast-discard found no set with every task's "
                    "utilisation at most 1 in %d draws (use --method "
                    "randfixedsum)",
                    MAX(100, MAX_DRAWN_VALUES / p->nr_tasks));
        g_free(u);
        g_rand_free(rng);
        return NULL;
    }
    GArray *tasks = g_array_sized_new(FALSE, TRUE, sizeof(struct ipa_task),
                                      (guint)p->nr_tasks);
    for (int i = 0; i < p->nr_tasks; i++) {
        struct ipa_task task = {0};
        task.name = g_strdup_printf("task%d", i + 1);
        task.period_ns =
            p->periods[g_rand_int_range(rng, 0, p->nr_periods)];
        double wcet = round(u[i] * (double)task.period_ns);
        task.wcet_ns = wcet < 1 ? 1 : (uint64_t)wcet;
        if (task.wcet_ns > task.period_ns)
            task.wcet_ns = task.period_ns;
        task.deadline_ns = task.period_ns;
        g_array_append_val(tasks, task);
    }
    /* drawn after the periods, so that implicit and constrained sets of
     * one seed share their utilisations and periods */
    for (int i = 0; p->constrained && i < p->nr_tasks; i++) {
        struct ipa_task *task = &g_array_index(tasks, struct ipa_task, i);
        uint64_t span = task->period_ns - task->wcet_ns;
        task->deadline_ns =
            task->wcet_ns +
            (uint64_t)floor(g_rand_double(rng) * (double)(span + 1));
    }
    g_free(u);
    g_rand_free(rng);
    return tasks;
}

/* ---- the CSV format ------------------------------------------------------ */

/* The first line without its end (and a CR before it). */
static size_t line_len(const char *s, size_t len)
{
    const char *nl = memchr(s, '\n', len);
    size_t n = nl ? (size_t)(nl - s) : len;
    while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return n;
}

bool ipa_taskset_detect(const char *text, size_t len)
{
    size_t n = line_len(text, len);
    return n == strlen(CSV_HEADER) && !memcmp(text, CSV_HEADER, n);
}

G_GNUC_PRINTF(5, 6)
static GArray *csv_fail(GArray *tasks, GError **error, const char *path,
                        int line_col[2], const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT, "%s:%d:%d: error: %s",
                path, line_col[0], line_col[1], msg);
    g_free(msg);
    ipa_taskset_free(tasks);
    return NULL;
}

/* A positive decimal number of @unit_ns, rounded to the nanosecond. */
static bool parse_amount(const char *field, uint64_t unit_ns, uint64_t *out)
{
    char *end = NULL;
    double v = g_ascii_strtod(field, &end);
    if (!*field || *end || !(v > 0) || v * (double)unit_ns > 1e18)
        return false;
    double ns = round(v * (double)unit_ns);
    *out = ns < 1 ? 1 : (uint64_t)ns;
    return true;
}

GArray *ipa_taskset_parse_csv(const char *path, const char *text, size_t len,
                              GError **error)
{
    static const char *const what[] = {
        NULL, "period_ms: expected a positive number of milliseconds",
        "wcet_us: expected a positive number of microseconds"};
    GArray *tasks = g_array_new(FALSE, TRUE, sizeof(struct ipa_task));
    int at[2] = {1, 1};
    if (!ipa_taskset_detect(text, len))
        return csv_fail(tasks, error, path, at,
                        "expected the header line '" CSV_HEADER "'");
    GHashTable *names = g_hash_table_new(g_str_hash, g_str_equal);
    char *problem = NULL;
    size_t pos = 0;
    for (int line = 1; pos < len && !problem; line++) {
        const char *s = text + pos;
        size_t n = line_len(s, len - pos);
        const char *nl = memchr(s, '\n', len - pos);
        pos = nl ? (size_t)(nl - text) + 1 : len;
        if (line == 1 || !n)
            continue;
        char *row = g_strndup(s, n);
        char **fields = g_strsplit(row, ",", -1);
        at[0] = line;
        at[1] = 1;
        struct ipa_task task = {0};
        uint64_t *dest[] = {NULL, &task.period_ns, &task.wcet_ns};
        const uint64_t unit_ns[] = {0, 1000000, 1000};
        if (g_strv_length(fields) != 3)
            problem = g_strdup("expected 3 fields: " CSV_HEADER);
        for (int f = 0; f < 3 && !problem; f++) {
            int width = (int)strlen(fields[f]) + 1;
            g_strstrip(fields[f]);
            if (f == 0 && !fields[f][0])
                problem = g_strdup("id: expected a task id");
            else if (f > 0 && !parse_amount(fields[f], unit_ns[f], dest[f]))
                problem = g_strdup(what[f]);
            else if (f < 2)
                at[1] += width;
        }
        if (!problem) {
            task.name = g_strdup_printf("task%s", fields[0]);
            task.deadline_ns = task.period_ns;
            if (g_hash_table_contains(names, task.name)) {
                at[1] = 1;
                problem = g_strdup_printf("id: '%s' is already a task of "
                                          "this set",
                                          fields[0]);
                g_free(task.name);
            } else {
                g_array_append_val(tasks, task);
                g_hash_table_add(names, task.name);
            }
        }
        g_strfreev(fields);
        g_free(row);
    }
    g_hash_table_destroy(names);
    if (!problem && !tasks->len) {
        at[0] = 1;
        at[1] = 1;
        problem = g_strdup("no task after the header line");
    }
    if (problem) {
        GArray *r = csv_fail(tasks, error, path, at, "%s", problem);
        g_free(problem);
        return r;
    }
    return tasks;
}

/* ---- the native trace ----------------------------------------------------- */

struct json_object *ipa_taskset_trace(const GArray *tasks, uint64_t horizon_ns,
                                      const char *name,
                                      const char *description)
{
    struct json_object *root = json_object_new_object();
    json_object_object_add(root, "ipasim_trace", json_object_new_int(1));
    json_object_object_add(root, "name", json_object_new_string(name));
    if (description)
        json_object_object_add(root, "description",
                               json_object_new_string(description));
    struct json_object *threads = json_object_new_array();
    for (guint i = 0; i < tasks->len; i++) {
        const struct ipa_task *task =
            &g_array_index(tasks, struct ipa_task, i);
        struct json_object *th = json_object_new_object();
        json_object_object_add(th, "name", json_object_new_string(task->name));
        struct json_object *attrs = json_object_new_object();
        json_object_object_add(attrs, "period",
                               ipa_trace_dur_json(task->period_ns));
        if (task->deadline_ns != task->period_ns)
            json_object_object_add(attrs, "deadline",
                                   ipa_trace_dur_json(task->deadline_ns));
        json_object_object_add(th, "attrs", attrs);
        /* the jobs released before the horizon: at 0, P, ..., < horizon */
        uint64_t jobs = (horizon_ns + task->period_ns - 1) / task->period_ns;
        struct json_object *body = json_object_new_array();
        struct json_object *run = json_object_new_object();
        json_object_object_add(run, "run", ipa_trace_dur_json(task->wcet_ns));
        struct json_object *timer = json_object_new_object();
        json_object_object_add(timer, "timer",
                               ipa_trace_dur_json(task->period_ns));
        /* releases at k x period whatever happened before, as a periodic
         * task's: a late job does not shift the next ones */
        json_object_object_add(timer, "absolute", json_object_new_boolean(1));
        json_object_array_add(body, run);
        json_object_array_add(body, timer);
        struct json_object *rep = json_object_new_object();
        json_object_object_add(rep, "repeat", json_object_new_int64((int64_t)jobs));
        json_object_object_add(rep, "ops", body);
        struct json_object *ops = json_object_new_array();
        json_object_array_add(ops, rep);
        json_object_object_add(th, "ops", ops);
        json_object_array_add(threads, th);
    }
    json_object_object_add(root, "threads", threads);
    return root;
}
