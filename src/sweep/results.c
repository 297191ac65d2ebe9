/*
 * results.c - what a sweep's cells left: results.csv, and the summary and
 * figures read back from it (docs/sweeps.md).
 */
#include "sweep/sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "report/viz.h"
#include "scenario/scenario.h"
#include "util/common.h"
#include "util/input.h"
#include "util/outfile.h"
#include "util/suggest.h"

bool ipa_sweep_cell_done(const char *dir, const struct ipa_sweep_cell *cell)
{
    char *path = ipa_sweep_cell_file(dir, cell, "json");
    bool done = g_file_test(path, G_FILE_TEST_IS_REGULAR);
    g_free(path);
    return done;
}

bool ipa_sweep_cell_ended(const char *dir, const struct ipa_sweep_cell *cell)
{
    if (ipa_sweep_cell_done(dir, cell))
        return true;
    char *path = ipa_sweep_cell_file(dir, cell, "err");
    bool there = g_file_test(path, G_FILE_TEST_IS_REGULAR);
    g_free(path);
    return there;
}

bool ipa_sweep_cell_failed(const char *dir, const struct ipa_sweep_cell *cell,
                           const char *exit, const char *reason, GError **error)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "exit", json_object_new_string(exit));
    json_object_object_add(o, "reason", json_object_new_string(reason));
    const char *text =
        json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY);
    char *path = ipa_sweep_cell_file(dir, cell, "err");
    GString *t = g_string_new(text);
    g_string_append_c(t, '\n');
    bool ok = ipa_write_file(path, t->str, t->len, error);
    g_string_free(t, TRUE);
    g_free(path);
    json_object_put(o);
    return ok;
}

/* @s on one line: the lines of an engine's message joined by "; ". */
static char *one_line(const char *s)
{
    char **lines = g_strsplit(s, "\n", -1);
    GString *out = g_string_new(NULL);
    for (int i = 0; lines[i]; i++) {
        g_strstrip(lines[i]);
        if (*lines[i])
            g_string_append_printf(out, "%s%s", out->len ? "; " : "", lines[i]);
    }
    g_strfreev(lines);
    return g_string_free(out, FALSE);
}

char *ipa_sweep_cell_exit(const char *dir, const struct ipa_sweep_cell *cell,
                          char **reason, bool *failed)
{
    char *exit = NULL;
    *reason = NULL;
    char *path = ipa_sweep_cell_file(dir, cell, "json");
    struct ipa_run_report rep;
    if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        GError *error = NULL;
        if (ipa_run_report_read(path, &rep, &error)) {
            exit = g_strdup(rep.exit);
            *reason = one_line(rep.exit_message ? rep.exit_message : "");
            ipa_run_report_fini(&rep);
        } else {
            exit = g_strdup("error");
            *reason = g_strdup(error->message);
            g_error_free(error);
        }
    } else {
        g_free(path);
        path = ipa_sweep_cell_file(dir, cell, "err");
        struct json_object *o = json_object_from_file(path), *e, *r;
        if (o && json_object_object_get_ex(o, "exit", &e) &&
            json_object_object_get_ex(o, "reason", &r)) {
            exit = g_strdup(json_object_get_string(e));
            *reason = g_strdup(json_object_get_string(r));
        }
        if (o)
            json_object_put(o);
    }
    g_free(path);
    *failed = exit && strcmp(exit, "done") && strcmp(exit, "until");
    return exit;
}

/* A CSV field (RFC 4180): quoted when it holds a comma, a quote, a line
 * break or space at either end. */
static void csv_field(GString *out, const char *s, bool last)
{
    size_t n = strlen(s);
    bool quote = strpbrk(s, ",\"\r\n") ||
                 (n && (g_ascii_isspace(s[0]) || g_ascii_isspace(s[n - 1])));
    if (!quote) {
        g_string_append(out, s);
    } else {
        g_string_append_c(out, '"');
        for (; *s; s++) {
            if (*s == '"')
                g_string_append_c(out, '"');
            g_string_append_c(out, *s);
        }
        g_string_append_c(out, '"');
    }
    g_string_append_c(out, last ? '\n' : ',');
}

static void append_row(GString *csv, const struct ipa_sweep_spec *spec,
                       const struct ipa_sweep_cell *cell, const char *dir,
                       const char *exit, const char *reason)
{
    for (guint k = 0; k < spec->axes->len; k++)
        csv_field(csv, ipa_sweep_value(spec, cell, k), false);
    csv_field(csv, exit, false);
    char *path = ipa_sweep_cell_file(dir, cell, "json");
    struct ipa_compare_run run;
    bool figures = g_file_test(path, G_FILE_TEST_IS_REGULAR) &&
                   ipa_compare_load(path, &run, NULL);
    for (int m = 0; m < IPA_CMP_COUNT; m++) {
        bool shown = figures && (m < IPA_CMP_JOBS || run.has_jobs);
        char *v = !shown              ? g_strdup("")
                  : m == IPA_CMP_UTIL ? g_strdup_printf("%.6f", run.value[m])
                                      : g_strdup_printf("%.0f", run.value[m]);
        csv_field(csv, v, false);
        g_free(v);
    }
    csv_field(csv, reason, true);
    if (figures)
        ipa_compare_run_fini(&run);
    g_free(path);
}

bool ipa_sweep_write_results(const struct ipa_sweep_spec *spec, const char *dir,
                             GError **error)
{
    /* fcntl locks, as NFS (a cluster's shared folder) has them */
    char *lock_path = g_build_filename(dir, ".lock", NULL);
    int lock = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (lock >= 0)
        while (fcntl(lock, F_SETLKW, &fl) < 0 && errno == EINTR)
            ;
    GString *csv = g_string_new(NULL);
    for (guint k = 0; k < spec->axes->len; k++)
        csv_field(
            csv,
            ((struct ipa_sweep_axis *)g_ptr_array_index(spec->axes, k))->name,
            false);
    csv_field(csv, "exit", false);
    for (int m = 0; m < IPA_CMP_COUNT; m++)
        csv_field(csv, ipa_compare_metrics[m].column, false);
    csv_field(csv, "reason", true);
    for (guint i = 0; i < spec->cells->len; i++) {
        const struct ipa_sweep_cell *cell = g_ptr_array_index(spec->cells, i);
        char *reason = NULL;
        bool failed;
        char *exit = ipa_sweep_cell_exit(dir, cell, &reason, &failed);
        if (exit)
            append_row(csv, spec, cell, dir, exit, reason);
        g_free(exit);
        g_free(reason);
    }
    char *path = g_build_filename(dir, "results.csv", NULL);
    bool ok = ipa_write_file(path, csv->str, csv->len, error);
    g_free(path);
    g_string_free(csv, TRUE);
    if (lock >= 0)
        close(lock); /* releases the lock */
    g_free(lock_path);
    return ok;
}

/* ---- reading results.csv ------------------------------------------------ */

/* Splits RFC 4180 text into rows of fields. */
static bool parse_csv(const char *path, const char *text, GPtrArray *rows,
                      GError **error)
{
    const char *p = text;
    int line = 1;
    while (*p) {
        GPtrArray *row = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(rows, row);
        for (;;) {
            GString *f = g_string_new(NULL);
            if (*p == '"') {
                int start = line;
                for (p++;; p++) {
                    if (!*p) {
                        g_string_free(f, TRUE);
                        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                                    "%s:%d: error: quoted field never "
                                    "closed",
                                    path, start);
                        return false;
                    }
                    if (*p == '"' && p[1] == '"') {
                        g_string_append_c(f, '"');
                        p++;
                    } else if (*p == '"') {
                        p++;
                        break;
                    } else {
                        line += *p == '\n';
                        g_string_append_c(f, *p);
                    }
                }
            } else {
                while (*p && *p != ',' && *p != '\n' && *p != '\r')
                    g_string_append_c(f, *p++);
            }
            g_ptr_array_add(row, g_string_free(f, FALSE));
            if (*p == ',') {
                p++;
                continue;
            }
            if (*p == '\r')
                p++;
            if (*p == '\n') {
                p++;
                line++;
            } else if (*p) {
                g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                            "%s:%d: error: expected ',' or the end of the "
                            "line after a quoted field",
                            path, line);
                return false;
            }
            break;
        }
    }
    return true;
}

bool ipa_sweep_table_load(const char *path, struct ipa_sweep_table *t,
                          GError **error)
{
    char *text = NULL;
    size_t len = 0;
    memset(t, 0, sizeof *t);
    t->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    if (!ipa_input_read("results", path, IPA_INPUT_FILE, &text, &len, error))
        return false;
    bool ok = parse_csv(path, text, t->rows, error);
    g_free(text);
    if (ok && !t->rows->len)
        ok = (g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                          "%s: empty: no cell has finished yet", path),
              false);
    if (!ok)
        return false;
    t->header = g_ptr_array_steal_index(t->rows, 0);
    t->nr_axes = -1;
    for (guint i = 0; i < t->header->len && t->nr_axes < 0; i++)
        if (!strcmp(g_ptr_array_index(t->header, i), "exit"))
            t->nr_axes = (int)i;
    for (guint r = 0; ok && r < t->rows->len; r++)
        if (((GPtrArray *)g_ptr_array_index(t->rows, r))->len != t->header->len)
            ok = false;
    if (!ok || t->nr_axes < 0) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "%s: not the results.csv of an ipasim sweep", path);
        return false;
    }
    return true;
}

void ipa_sweep_table_fini(struct ipa_sweep_table *t)
{
    if (t->header)
        g_ptr_array_unref(t->header);
    if (t->rows)
        g_ptr_array_unref(t->rows);
    memset(t, 0, sizeof *t);
}

static const char *field(const struct ipa_sweep_table *t, guint row, int col)
{
    GPtrArray *r = g_ptr_array_index(t->rows, row);
    return g_ptr_array_index(r, col);
}

/* The column named @name, else -1 with *error naming the closest. */
static int column(const struct ipa_sweep_table *t, const char *name,
                  const char *what, GError **error)
{
    for (guint i = 0; i < t->header->len; i++)
        if (!strcmp(g_ptr_array_index(t->header, i), name))
            return (int)i;
    const char *close = ipa_suggest(name, (const char *const *)t->header->pdata,
                                    (int)t->header->len);
    g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                "%s: no column '%s' in results.csv%s%s%s", what, name,
                close ? " (did you mean '" : "", close ? close : "",
                close ? "'?)" : "");
    return -1;
}

/* The metric of results.csv column @c, or -1. */
static int metric_of(const struct ipa_sweep_table *t, int c)
{
    for (int m = 0; m < IPA_CMP_COUNT; m++)
        if (!strcmp(ipa_compare_metrics[m].column,
                    g_ptr_array_index(t->header, c)))
            return m;
    return -1;
}

static const char *const default_metrics[] = {
    "makespan_ns", "wasted_core_ns", "flagged", "latency_p99_ns", NULL};

/* Column indices of @names (NULL: @fallback), each a metric. */
static GArray *metric_columns(const struct ipa_sweep_table *t, char **names,
                              GError **error)
{
    GArray *cols = g_array_new(FALSE, FALSE, sizeof(int));
    const char *const *n = names ? (const char *const *)names : default_metrics;
    for (; *n; n++) {
        int c = column(t, *n, "--metrics", error);
        if (c >= 0 && metric_of(t, c) < 0) {
            g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                        "--metrics: '%s' is not a figure of the runs", *n);
            c = -1;
        }
        if (c < 0) {
            g_array_free(cols, TRUE);
            return NULL;
        }
        g_array_append_val(cols, c);
    }
    return cols;
}

/* Column indices of the @by names (NULL: every axis but @skip). */
static GArray *group_columns(const struct ipa_sweep_table *t, char **by,
                             const char *skip, GError **error)
{
    GArray *cols = g_array_new(FALSE, FALSE, sizeof(int));
    if (!by) {
        for (int c = 0; c < t->nr_axes; c++)
            if (!skip || strcmp(g_ptr_array_index(t->header, c), skip))
                g_array_append_val(cols, c);
        return cols;
    }
    for (char **b = by; *b; b++) {
        int c = column(t, *b, "--by", error);
        if (c >= t->nr_axes) {
            g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                        "--by: '%s' is a figure, not an axis of the sweep", *b);
            c = -1;
        }
        if (c < 0) {
            g_array_free(cols, TRUE);
            return NULL;
        }
        g_array_append_val(cols, c);
    }
    return cols;
}

/* "policy=cfs.ipa trace=db.json": row @r's values of @cols. */
static char *group_key(const struct ipa_sweep_table *t, guint r, GArray *cols,
                       bool names)
{
    GString *k = g_string_new(NULL);
    for (guint i = 0; i < cols->len; i++) {
        int c = g_array_index(cols, int, i);
        if (i)
            g_string_append_c(k, ' ');
        if (names)
            g_string_append_printf(
                k, "%s=", (char *)g_ptr_array_index(t->header, c));
        g_string_append(k, field(t, r, c));
    }
    return g_string_free(k, FALSE);
}

static bool row_failed(const struct ipa_sweep_table *t, guint r)
{
    const char *exit = field(t, r, t->nr_axes);
    return strcmp(exit, "done") && strcmp(exit, "until");
}

/* The groups in order of first appearance: the spec's order. */
static GPtrArray *groups_of(const struct ipa_sweep_table *t, GArray *cols,
                            GArray *group_of_row)
{
    GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);
    GHashTable *index = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint r = 0; r < t->rows->len; r++) {
        char *k = group_key(t, r, cols, false);
        gpointer at;
        int g;
        if (g_hash_table_lookup_extended(index, k, NULL, &at)) {
            g = GPOINTER_TO_INT(at);
            g_free(k);
        } else {
            g = (int)keys->len;
            g_ptr_array_add(keys, k);
            g_hash_table_insert(index, k, GINT_TO_POINTER(g));
        }
        g_array_append_val(group_of_row, g);
    }
    g_hash_table_destroy(index);
    return keys;
}

struct stat3 {
    int n;
    double sum, min, max;
};

static void stat_add(struct stat3 *s, double v)
{
    if (!s->n || v < s->min)
        s->min = v;
    if (!s->n || v > s->max)
        s->max = v;
    s->sum += v;
    s->n++;
}

/* The value of a metric column as shown (ms, us, %...). */
static bool shown_value(const struct ipa_sweep_table *t, guint r, int c,
                        double *out)
{
    const char *s = field(t, r, c);
    char *end;
    if (!*s)
        return false;
    double v = g_ascii_strtod(s, &end);
    if (*end)
        return false;
    *out = v / ipa_compare_metrics[metric_of(t, c)].div;
    return true;
}

static char *metric_title(int m)
{
    const struct ipa_compare_metric_info *i = &ipa_compare_metrics[m];
    return i->unit[0] ? g_strdup_printf("%s (%s)", i->title, i->unit)
                      : g_strdup(i->title);
}

bool ipa_sweep_summary(const struct ipa_sweep_table *t, char **by,
                       char **metrics, FILE *out, GError **error)
{
    GArray *mcols = metric_columns(t, metrics, error);
    GArray *gcols = mcols ? group_columns(t, by, "seed", error) : NULL;
    if (!gcols) {
        if (mcols)
            g_array_free(mcols, TRUE);
        return false;
    }
    GArray *group_of_row = g_array_new(FALSE, FALSE, sizeof(int));
    GPtrArray *keys = groups_of(t, gcols, group_of_row);
    for (guint g = 0; g < keys->len; g++) {
        int cells = 0, failed = 0;
        guint first = 0;
        struct stat3 *st = g_new0(struct stat3, mcols->len);
        for (guint r = 0; r < t->rows->len; r++) {
            if (g_array_index(group_of_row, int, r) != (int)g)
                continue;
            if (!cells++)
                first = r;
            if (row_failed(t, r)) {
                failed++;
                continue;
            }
            for (guint i = 0; i < mcols->len; i++) {
                double v;
                if (shown_value(t, r, g_array_index(mcols, int, i), &v))
                    stat_add(&st[i], v);
            }
        }
        char *key = group_key(t, first, gcols, true);
        char *shown = *key ? key : g_strdup("all cells");
        if (shown != key)
            g_free(key);
        fprintf(out, "%s%s: %d cell%s", g ? "\n" : "", shown, cells,
                cells == 1 ? "" : "s");
        if (failed)
            fprintf(out, ", %d failed (not counted)", failed);
        fprintf(out, "\n  %-24s %12s %12s %12s\n", "", "mean", "min", "max");
        g_free(shown);
        for (guint i = 0; i < mcols->len; i++) {
            char *title =
                metric_title(metric_of(t, g_array_index(mcols, int, i)));
            if (st[i].n)
                fprintf(out, "  %-24s %12.3f %12.3f %12.3f\n", title,
                        st[i].sum / st[i].n, st[i].min, st[i].max);
            else
                fprintf(out, "  %-24s %12s %12s %12s\n", title, "-", "-", "-");
            g_free(title);
        }
        g_free(st);
    }
    g_ptr_array_unref(keys);
    g_array_free(group_of_row, TRUE);
    g_array_free(gcols, TRUE);
    g_array_free(mcols, TRUE);
    return true;
}

/* ---- figures ------------------------------------------------------------ */

/* The first param's column (between trace and seed), else seed's. */
static int default_x(const struct ipa_sweep_table *t)
{
    int seed = -1;
    for (int c = 0; c < t->nr_axes; c++) {
        const char *h = g_ptr_array_index(t->header, c);
        if (!strcmp(h, "seed"))
            seed = c;
        else if (strcmp(h, "topology") && strcmp(h, "policy") &&
                 strcmp(h, "trace"))
            return c;
    }
    return seed;
}

static bool is_number(const char *s)
{
    char *end;
    if (!*s)
        return false;
    double v = g_ascii_strtod(s, &end);
    return !*end && isfinite(v);
}

bool ipa_sweep_plot(const struct ipa_sweep_table *t, const char *x, char **by,
                    char **metrics, const char *plot_dir, GError **error)
{
    static char *const policy_only[] = {"policy", NULL};
    GArray *mcols = metric_columns(t, metrics, error);
    GArray *gcols =
        mcols ? group_columns(t, by ? by : (char **)policy_only, NULL, error)
              : NULL;
    int xc = gcols ? (x ? column(t, x, "--x", error) : default_x(t)) : -1;
    if (gcols && xc >= t->nr_axes) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "--x: '%s' is a figure, not an axis of the sweep", x);
        xc = -1;
    }
    bool ok = false;
    struct ipa_plot_dir dir = {0};
    GArray *line_of_row = g_array_new(FALSE, FALSE, sizeof(int));
    GPtrArray *lines = NULL, *xs = g_ptr_array_new();
    if (xc < 0 || !ipa_plot_dir_open(&dir, plot_dir, error))
        goto out;
    lines = groups_of(t, gcols, line_of_row);
    /* x values in order of first appearance; numeric when all are */
    bool numeric = true;
    for (guint r = 0; r < t->rows->len; r++) {
        const char *v = field(t, r, xc);
        bool seen = false;
        for (guint i = 0; i < xs->len && !seen; i++)
            seen = !strcmp(g_ptr_array_index(xs, i), v);
        if (!seen) {
            g_ptr_array_add(xs, (gpointer)v);
            numeric &= is_number(v);
        }
    }
    GString *names = g_string_new(NULL);
    for (guint l = 0; l < lines->len; l++) {
        /* the line's title: its group's values, from its first row */
        guint r = 0;
        while (g_array_index(line_of_row, int, r) != (int)l)
            r++;
        char *title = group_key(t, r, gcols, gcols->len > 1);
        char *q = ipa_plot_quote(title);
        g_string_append_printf(names, "line_names[%u] = %s\n", l + 1, q);
        g_free(q);
        g_free(title);
    }
    GString *xlabels = g_string_new(NULL);
    for (guint i = 0; i < xs->len; i++) {
        char *q = ipa_plot_quote(g_ptr_array_index(xs, i));
        g_string_append_printf(xlabels, "xlabels[%u] = %s\n", i + 1, q);
        g_free(q);
    }
    char *xname = ipa_plot_quote(g_ptr_array_index(t->header, xc));
    ok = true;
    for (guint i = 0; ok && i < mcols->len; i++) {
        int c = g_array_index(mcols, int, i), m = metric_of(t, c);
        GString *d = g_string_new("# per line: x mean min max\n");
        for (guint l = 0; l < lines->len; l++) {
            g_string_append_printf(d, "# line %u\n", l + 1);
            for (guint k = 0; k < xs->len; k++) {
                struct stat3 s = {0};
                for (guint r = 0; r < t->rows->len; r++) {
                    double v;
                    if (g_array_index(line_of_row, int, r) == (int)l &&
                        !strcmp(field(t, r, xc), g_ptr_array_index(xs, k)) &&
                        !row_failed(t, r) && shown_value(t, r, c, &v))
                        stat_add(&s, v);
                }
                if (!s.n)
                    continue;
                double xv = numeric
                                ? g_ascii_strtod(g_ptr_array_index(xs, k), NULL)
                                : (double)k;
                g_string_append_printf(d, "%.9g %.9g %.9g %.9g\n", xv,
                                       s.sum / s.n, s.min, s.max);
            }
            g_string_append(d, "\n\n");
        }
        char *base = g_strdup_printf("sweep-%s", ipa_compare_metrics[m].column);
        char *dat = g_strdup_printf("%s.dat", base);
        char *ytitle = metric_title(m);
        char *ylabel = ipa_plot_quote(ytitle);
        char *vars = g_strdup_printf(
            "data = \"%s\"\nylabel = %s\nxname = %s\ncategorical = %d\n"
            "nlines = %u\narray line_names[%u]\n%snx = %u\narray "
            "xlabels[%u]\n%s",
            dat, ylabel, xname, !numeric, lines->len, MAX(lines->len, 1),
            names->str, xs->len, MAX(xs->len, 1), xlabels->str);
        ok = ipa_plot_dir_write(&dir, dat, d->str, error) &&
             ipa_plot_dir_script(&dir, "sweep.gp", base, vars, error);
        g_free(vars);
        g_free(ylabel);
        g_free(ytitle);
        g_free(dat);
        g_free(base);
        g_string_free(d, TRUE);
    }
    g_free(xname);
    g_string_free(names, TRUE);
    g_string_free(xlabels, TRUE);
    ok = ok && ipa_plot_dir_commit(&dir, error);
out:
    ipa_plot_dir_fini(&dir);
    if (lines)
        g_ptr_array_unref(lines);
    g_ptr_array_free(xs, TRUE);
    g_array_free(line_of_row, TRUE);
    if (gcols)
        g_array_free(gcols, TRUE);
    if (mcols)
        g_array_free(mcols, TRUE);
    return ok;
}
