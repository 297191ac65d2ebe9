/*
 * compare.c - `ipasim compare`: key metrics of several JSON reports side
 * by side, with the change relative to the first, and bar charts of them
 * (docs/report-format.md).
 */
#include "report/viz.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <json-c/json.h>

#include "util/common.h"
#include "util/input.h"

const struct ipa_compare_metric_info ipa_compare_metrics[IPA_CMP_COUNT] = {
#define IPA_CMP_ROW(id, key, title, div, unit, column)                         \
    {key, title, div, unit, column},
    IPA_COMPARE_METRICS(IPA_CMP_ROW)
#undef IPA_CMP_ROW
};

/* The number at dotted @path of @root, or false (with *error). */
static bool number_at(json_object *root, const char *file, const char *path,
                      double *out, GError **error)
{
    char **parts = g_strsplit(path, ".", -1);
    json_object *o = root;
    for (int i = 0; parts[i] && o; i++)
        if (!json_object_is_type(o, json_type_object) ||
            !json_object_object_get_ex(o, parts[i], &o))
            o = NULL;
    g_strfreev(parts);
    if (!o || !(json_object_is_type(o, json_type_int) ||
                json_object_is_type(o, json_type_double))) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "%s: '%s' is missing or not a number", file, path);
        return false;
    }
    *out = json_object_get_double(o);
    return true;
}

static json_object *array_at(json_object *root, const char *file,
                             const char *key, GError **error)
{
    json_object *a = NULL;
    if (!json_object_object_get_ex(root, key, &a) ||
        !json_object_is_type(a, json_type_array)) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "%s: '%s' is missing or not an array", file, key);
        return NULL;
    }
    return a;
}

static char *string_at(json_object *root, const char *key)
{
    json_object *s = NULL;
    if (json_object_object_get_ex(root, key, &s) &&
        json_object_is_type(s, json_type_string))
        return g_strdup(json_object_get_string(s));
    return g_strdup("?");
}

/* Sum over an array of objects of their numeric @key. */
static bool sum_of(json_object *a, const char *file, const char *what,
                   const char *key, double *out, GError **error)
{
    double sum = 0;
    size_t n = json_object_array_length(a);
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(a, i);
        double v;
        if (!number_at(e, file, key, &v, NULL)) {
            g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                        "%s: '%s[%zu].%s' is missing or not a number", file,
                        what, i, key);
            return false;
        }
        sum += v;
    }
    *out = sum;
    return true;
}

static bool fill(json_object *root, const char *file,
                 struct ipa_compare_run *run, GError **error)
{
    double version = 0;
    if (!json_object_is_type(root, json_type_object) ||
        !number_at(root, file, "ipasim_report", &version, NULL) ||
        version != 1) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "%s: not an ipasim report (version 1, from --json)", file);
        return false;
    }
    double *v = run->value;
    json_object *flagged = NULL, *threads, *cores;
    if (!number_at(root, file, "makespan_ns", &v[IPA_CMP_MAKESPAN], error) ||
        !number_at(root, file, "events", &v[IPA_CMP_EVENTS], error) ||
        !number_at(root, file, "work_conservation.wasted_core_ns",
                   &v[IPA_CMP_WASTED], error) ||
        !number_at(root, file, "work_conservation.violations",
                   &v[IPA_CMP_VIOLATIONS], error) ||
        !number_at(root, file, "latency.p50_ns", &v[IPA_CMP_P50], error) ||
        !number_at(root, file, "latency.p99_ns", &v[IPA_CMP_P99], error) ||
        !number_at(root, file, "latency.max_ns", &v[IPA_CMP_LMAX], error))
        return false;
    json_object *wc = NULL;
    json_object_object_get_ex(root, "work_conservation", &wc);
    if (!(flagged = array_at(wc, file, "flagged", error)) ||
        !(threads = array_at(root, file, "threads", error)) ||
        !(cores = array_at(root, file, "cores", error)))
        return false;
    v[IPA_CMP_FLAGGED] = (double)json_object_array_length(flagged);
    if (!sum_of(threads, file, "threads", "migrations", &v[IPA_CMP_MIGRATIONS],
                error))
        return false;
    size_t n = json_object_array_length(cores);
    double util = 0;
    for (size_t i = 0; i < n; i++) {
        json_object *c = json_object_array_get_idx(cores, i);
        double busy, idle;
        if (!number_at(c, file, "busy_ns", &busy, NULL) ||
            !number_at(c, file, "idle_ns", &idle, NULL)) {
            g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                        "%s: 'cores[%zu]' lacks busy_ns or idle_ns", file, i);
            return false;
        }
        util += busy + idle > 0 ? busy / (busy + idle) : 0;
    }
    v[IPA_CMP_UTIL] = n ? util / (double)n : 0;
    run->has_jobs = json_object_object_get_ex(root, "jobs", NULL);
    if (run->has_jobs &&
        (!number_at(root, file, "jobs.released", &v[IPA_CMP_JOBS], error) ||
         !number_at(root, file, "jobs.missed", &v[IPA_CMP_MISSED], error) ||
         !number_at(root, file, "jobs.response_p99_ns", &v[IPA_CMP_RESP_P99],
                    error) ||
         !number_at(root, file, "jobs.tardiness_max_ns", &v[IPA_CMP_TARDINESS],
                    error)))
        return false;
    run->policy = string_at(root, "policy");
    run->topology = string_at(root, "topology");
    run->trace = string_at(root, "trace");
    return true;
}

bool ipa_compare_load(const char *path, struct ipa_compare_run *run,
                      GError **error)
{
    *run = (struct ipa_compare_run){0};
    char *text = NULL;
    size_t len = 0;
    if (!ipa_input_read("report", path, IPA_INPUT_FILE, &text, &len, error))
        return false;
    json_tokener *tok = json_tokener_new();
    json_object *root = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    bool ok = false;
    if (jerr != json_tokener_success || !root ||
        json_tokener_get_parse_end(tok) < len) {
        /* Locate the error as line:column. */
        size_t end = json_tokener_get_parse_end(tok);
        int line = 1, col = 1;
        for (size_t i = 0; i < end && i < len; i++) {
            if (text[i] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT, "%s:%d:%d: %s", path,
                    line, col,
                    jerr != json_tokener_success ? json_tokener_error_desc(jerr)
                                                 : "not a JSON document");
    } else {
        ok = fill(root, path, run, error);
    }
    if (root)
        json_object_put(root);
    json_tokener_free(tok);
    g_free(text);
    if (ok) {
        run->path = g_strdup(path);
        char *base = g_path_get_basename(path);
        if (g_str_has_suffix(base, ".json"))
            base[strlen(base) - 5] = '\0';
        run->label = base;
    } else {
        ipa_compare_run_fini(run);
    }
    return ok;
}

void ipa_compare_run_fini(struct ipa_compare_run *run)
{
    g_free(run->path);
    g_free(run->label);
    g_free(run->policy);
    g_free(run->topology);
    g_free(run->trace);
    *run = (struct ipa_compare_run){0};
}

/* The metrics shown: the real-time ones only when some report has them. */
static int shown_metrics(const struct ipa_compare_run *runs, int nr_runs)
{
    for (int i = 0; i < nr_runs; i++)
        if (runs[i].has_jobs)
            return IPA_CMP_COUNT;
    return IPA_CMP_JOBS;
}

static char *format_value(int m, double raw)
{
    double v = raw / ipa_compare_metrics[m].div;
    return ipa_compare_metrics[m].unit[0] ? g_strdup_printf("%.3f", v)
                              : g_strdup_printf("%.0f", v);
}

/* "(+12.3%)", "(-4.0%)", "(=)" for no change, "(n/a)" against a zero. */
static char *format_change(double base, double v)
{
    if (v == base)
        return g_strdup("(=)");
    if (base == 0)
        return g_strdup("(n/a)");
    return g_strdup_printf("(%+.1f%%)", 100.0 * (v - base) / fabs(base));
}

static char *metric_title(int m)
{
    return ipa_compare_metrics[m].unit[0]
               ? g_strdup_printf("%s (%s)", ipa_compare_metrics[m].title, ipa_compare_metrics[m].unit)
               : g_strdup(ipa_compare_metrics[m].title);
}

/*
 * report                 a          b
 * policy                 fifo.c     pinned.c
 * makespan (ms)          2.000      3.000 (+50.0%)
 *
 * Names left-aligned; numbers right-aligned in their column, each
 * followed by its change against the first report.
 */
void ipa_compare_table(const struct ipa_compare_run *runs, int nr_runs,
                       FILE *out)
{
    enum { HEAD = 4 };
    static const char *const heads[HEAD] = {"report", "policy", "topology",
                                            "trace"};
    int rows = HEAD + shown_metrics(runs, nr_runs);
    char **title = g_new0(char *, rows);
    char **value = g_new0(char *, (size_t)rows *nr_runs);
    char **change = g_new0(char *, (size_t)rows *nr_runs);
    int tw = 0;
    int *vw = g_new0(int, nr_runs), *cw = g_new0(int, nr_runs);
    for (int r = 0; r < rows; r++) {
        title[r] = r < HEAD ? g_strdup(heads[r]) : metric_title(r - HEAD);
        tw = MAX(tw, (int)strlen(title[r]));
        for (int i = 0; i < nr_runs; i++) {
            const struct ipa_compare_run *x = &runs[i];
            const char *text[HEAD] = {x->label, x->policy, x->topology,
                                      x->trace};
            size_t k = (size_t)r * nr_runs + i;
            if (r < HEAD) {
                value[k] = g_strdup(text[r]);
                change[k] = g_strdup("");
            } else {
                int m = r - HEAD;
                value[k] = format_value(m, x->value[m]);
                change[k] = i ? format_change(runs[0].value[m], x->value[m])
                              : g_strdup("");
                cw[i] = MAX(cw[i], (int)strlen(change[k]));
            }
            vw[i] = MAX(vw[i], (int)strlen(value[k]));
        }
    }
    for (int r = 0; r < rows; r++) {
        GString *line = g_string_new(NULL);
        g_string_append_printf(line, "%-*s", tw, title[r]);
        for (int i = 0; i < nr_runs; i++) {
            size_t k = (size_t)r * nr_runs + i;
            int width = vw[i] + (cw[i] ? cw[i] + 1 : 0);
            if (r < HEAD)
                g_string_append_printf(line, "  %-*s", width, value[k]);
            else
                g_string_append_printf(line, "  %*s%s%-*s", vw[i], value[k],
                                       cw[i] ? " " : "", cw[i], change[k]);
        }
        while (line->len && line->str[line->len - 1] == ' ')
            g_string_truncate(line, line->len - 1);
        fprintf(out, "%s\n", line->str);
        g_string_free(line, TRUE);
    }
    for (int k = 0; k < rows * nr_runs; k++) {
        g_free(value[k]);
        g_free(change[k]);
    }
    for (int r = 0; r < rows; r++)
        g_free(title[r]);
    g_free(title);
    g_free(value);
    g_free(change);
    g_free(vw);
    g_free(cw);
}

bool ipa_compare_plot(const struct ipa_compare_run *runs, int nr_runs,
                      const char *path, GError **error)
{
    struct ipa_plot_dir dir;
    if (!ipa_plot_dir_open(&dir, path, error)) {
        ipa_plot_dir_fini(&dir);
        return false;
    }
    int nr_metrics = shown_metrics(runs, nr_runs);
    GString *d = g_string_new("# one block per metric: report number, value\n");
    GString *vars = g_string_new(NULL);
    g_string_append_printf(vars,
                           "data = \"compare.dat\"\nnmetrics = %d\n"
                           "nruns = %d\narray titles[%d]\narray labels[%d]\n",
                           nr_metrics, nr_runs, nr_metrics, nr_runs);
    /* The reports' names are read from the command line, so they stay in
     * the script's quoted strings, out of the data (viz.h). */
    for (int i = 0; i < nr_runs; i++) {
        char *label = ipa_plot_quote(runs[i].label);
        g_string_append_printf(vars, "labels[%d] = %s\n", i + 1, label);
        g_free(label);
    }
    for (int m = 0; m < nr_metrics; m++) {
        char *t = metric_title(m);
        char *q = ipa_plot_quote(t);
        g_string_append_printf(vars, "titles[%d] = %s\n", m + 1, q);
        g_free(q);
        g_free(t);
        for (int i = 0; i < nr_runs; i++)
            g_string_append_printf(d, "%d %.9g\n", i + 1,
                                   runs[i].value[m] / ipa_compare_metrics[m].div);
        g_string_append(d, "\n\n");
    }
    bool ok =
        ipa_plot_dir_write(&dir, "compare.dat", d->str, error) &&
        ipa_plot_dir_script(&dir, "compare.gp", "compare", vars->str, error) &&
        ipa_plot_dir_commit(&dir, error);
    ipa_plot_dir_fini(&dir);
    g_string_free(d, TRUE);
    g_string_free(vars, TRUE);
    return ok;
}
