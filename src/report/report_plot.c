/*
 * report_plot.c - --plot DIR: gnuplot scripts, their data and the figures
 * they render (docs/report-format.md). The scripts are the templates of
 * plots/ preceded by assignments naming the data files, so a user can
 * restyle a figure and rerun gnuplot in the directory.
 */
#include "report/viz.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "engine/sim.h"
#include "report/recorder.h"
#include "report/report.h"
#include "topo/topo.h"
#include "trace/trace.h"
#include "util/common.h"
#include "util/duration.h"
#include "util/outfile.h"
#include "util/paths.h"

/* Marks a directory as ipasim's and lists the files ipasim wrote there:
 * only those are replaced or removed by a later --plot. */
#define MARKER ".ipasim-plot"
#define MARKER_HEADER                                                          \
    "written by ipasim --plot: the files below are its own, replaced or\n"     \
    "removed by the next --plot here; other files are left alone\n"
/* The marker of ipasim before the list, which owned the names it writes. */
#define MARKER_UNLISTED "written by ipasim --plot\n"

/* Categorical colours without red, which marks violations. */
static const char *const palette[] = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2",
    "#bcbd22", "#17becf", "#393b79", "#e7ba52", "#637939", "#aec7e8",
};
#define NO_GROUP_COLOUR "#7f7f7f"
#define MAX_KEYS 12
/* Exact segments drawn one box each up to this many; beyond, buckets. */
#define MAX_BOXES 40000
/* Columns of the bucketed timeline and heat map. */
#define MAX_COLUMNS 600

static void set_io_error(GError **error, const char *what, const char *path)
{
    g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT, "%s %s: %s", what, path,
                g_strerror(errno));
}

/* Removes the temporary directory @path and what it holds: ipasim's files
 * and gnuplot's. unlinkat removes a symlink, never what it points to. */
static void remove_tmp_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                unlinkat(fd, e->d_name, 0);
        closedir(d);
    } else if (fd >= 0) {
        close(fd);
    }
    g_rmdir(path);
}

/* A name a marker may list: a file right in the directory. */
static bool plain_name(const char *name)
{
    return *name && !strchr(name, '/') && strcmp(name, ".") &&
           strcmp(name, "..") && strcmp(name, MARKER);
}

/* The files the marker of @path lists (NULL when @path has no marker:
 * not an ipasim plot directory); *@unlisted when it is the old marker. */
static GPtrArray *read_marker(const char *path, bool *unlisted)
{
    char *marker = g_build_filename(path, MARKER, NULL);
    char *text = NULL;
    GStatBuf st;
    GPtrArray *names = NULL;
    *unlisted = false;
    if (g_lstat(marker, &st) == 0 && S_ISREG(st.st_mode) &&
        g_file_get_contents(marker, &text, NULL, NULL)) {
        names = g_ptr_array_new_with_free_func(g_free);
        *unlisted = strcmp(text, MARKER_UNLISTED) == 0;
        char **lines = g_strsplit(text, "\n", -1);
        for (char **l = lines; *l; l++)
            if (l - lines >= 2 && plain_name(*l))
                g_ptr_array_add(names, g_strdup(*l));
        g_strfreev(lines);
    }
    g_free(text);
    g_free(marker);
    return names;
}

static bool has_name(const GPtrArray *names, const char *name)
{
    for (guint i = 0; names && i < names->len; i++)
        if (!strcmp(g_ptr_array_index(names, i), name))
            return true;
    return false;
}

bool ipa_plot_dir_open(struct ipa_plot_dir *dir, const char *path,
                       GError **error)
{
    *dir = (struct ipa_plot_dir){0};
    char *tmp = NULL;
    if (g_file_test(path, G_FILE_TEST_EXISTS)) {
        if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
            g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                        "%s: exists and is not a directory", path);
            return false;
        }
        /* The files go in one by one beside the user's, which keep their
         * directory, its mode and whatever else it holds. */
        dir->existed = true;
        dir->previous = read_marker(path, &dir->unlisted);
        tmp = g_build_filename(path, MARKER ".XXXXXX", NULL);
    } else {
        /* "plots/" names plots, not a folder inside it */
        char *name = g_strdup(path);
        for (size_t n = strlen(name); n > 1 && name[n - 1] == '/'; n--)
            name[n - 1] = '\0';
        char *parent = g_path_get_dirname(name);
        char *base = g_path_get_basename(name);
        tmp = g_strdup_printf("%s/.%s.XXXXXX", parent, base);
        g_free(parent);
        g_free(base);
        g_free(name);
    }
    /* A fresh name, created exclusively: nothing planted there is used.
     * 0777 less the umask, as mkdir gives, since it becomes @path. */
    if (!g_mkdtemp_full(tmp, 0777)) {
        set_io_error(error, "cannot write", path);
        g_free(tmp);
        return false;
    }
    dir->path = g_strdup(path);
    dir->tmp = tmp;
    dir->scripts = g_ptr_array_new_with_free_func(g_free);
    return true;
}

bool ipa_plot_dir_write(struct ipa_plot_dir *dir, const char *name,
                        const char *text, GError **error)
{
    char *path = g_build_filename(dir->tmp, name, NULL);
    GError *e = NULL;
    bool ok = ipa_write_file(path, text, strlen(text), &e);
    if (!ok)
        g_propagate_prefixed_error(error, e, "%s: ", dir->path);
    g_free(path);
    return ok;
}

bool ipa_plot_dir_script(struct ipa_plot_dir *dir, const char *template_name,
                         const char *base, const char *vars, GError **error)
{
    char *data = ipa_data_dir();
    char *path = g_build_filename(data, "plots", template_name, NULL);
    char *text = NULL;
    GError *e = NULL;
    bool ok = g_file_get_contents(path, &text, NULL, &e);
    if (!ok) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "plot template %s: %s (set IPASIM_DATA_DIR to the "
                    "folder holding plots/)",
                    path, e->message);
        g_error_free(e);
    } else {
        char *name = ipa_plot_quote(base);
        char *script = g_strdup_printf(
            "# Written by ipasim from plots/%s: the settings below name this\n"
            "# figure's data; restyle freely and rerun 'gnuplot %s.gp'.\n"
            "name = %s\n%s\n%s",
            template_name, base, name, vars, text);
        g_free(name);
        char *file = g_strdup_printf("%s.gp", base);
        ok = ipa_plot_dir_write(dir, file, script, error);
        if (ok)
            g_ptr_array_add(dir->scripts, file);
        else
            g_free(file);
        g_free(script);
    }
    g_free(text);
    g_free(path);
    g_free(data);
    return ok;
}

/* Runs gnuplot on each script in the temporary directory. A failing
 * script is reported; the data and scripts stay, for the user to fix. */
static void render(struct ipa_plot_dir *dir)
{
    char *gnuplot = g_find_program_in_path("gnuplot");
    if (!gnuplot) {
        fprintf(stderr,
                "ipasim: warning: gnuplot is not in PATH: %s has the data "
                "and gnuplot scripts but no PNG or SVG figures (install "
                "gnuplot and run 'gnuplot FILE.gp' there)\n",
                dir->path);
        return;
    }
    for (guint i = 0; i < dir->scripts->len; i++) {
        char *argv[] = {gnuplot, g_ptr_array_index(dir->scripts, i), NULL};
        char *err = NULL;
        int status = 0;
        GError *e = NULL;
        if (!g_spawn_sync(dir->tmp, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                          NULL, NULL, NULL, &err, &status, &e)) {
            fprintf(stderr, "ipasim: warning: cannot run gnuplot: %s\n",
                    e->message);
            g_error_free(e);
        } else if (!g_spawn_check_wait_status(status, NULL)) {
            fprintf(stderr, "ipasim: warning: gnuplot failed on %s/%s:\n%s",
                    dir->path, argv[1], err ? err : "");
        }
        g_free(err);
    }
    g_free(gnuplot);
}

static int cmp_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files written in the temporary directory, gnuplot's included. */
static GPtrArray *written_names(const struct ipa_plot_dir *dir)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GDir *d = g_dir_open(dir->tmp, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name(d)))
        if (plain_name(name))
            g_ptr_array_add(names, g_strdup(name));
    if (d)
        g_dir_close(d);
    g_ptr_array_sort(names, cmp_names);
    return names;
}

static char *marker_text(const GPtrArray *a, const GPtrArray *b)
{
    GString *t = g_string_new(MARKER_HEADER);
    for (guint i = 0; a && i < a->len; i++)
        g_string_append_printf(t, "%s\n", (char *)g_ptr_array_index(a, i));
    for (guint i = 0; b && i < b->len; i++)
        if (!has_name(a, g_ptr_array_index(b, i)))
            g_string_append_printf(t, "%s\n", (char *)g_ptr_array_index(b, i));
    return g_string_free(t, FALSE);
}

static bool write_marker(const char *dir, const GPtrArray *a,
                         const GPtrArray *b, GError **error)
{
    char *path = g_build_filename(dir, MARKER, NULL);
    char *text = marker_text(a, b);
    bool ok = ipa_write_file(path, text, strlen(text), error);
    g_free(text);
    g_free(path);
    return ok;
}

/* A new directory appears whole, under its name or not at all. */
static bool commit_new(struct ipa_plot_dir *dir, const GPtrArray *names,
                       GError **error)
{
    if (!write_marker(dir->tmp, names, NULL, error))
        return false;
    /* NOREPLACE: a directory made meanwhile at @path is not replaced. */
    int rc = renameat2(AT_FDCWD, dir->tmp, AT_FDCWD, dir->path,
                       RENAME_NOREPLACE);
    if (rc != 0 && (errno == EINVAL || errno == ENOSYS))
        rc = g_rename(dir->tmp, dir->path);
    if (rc != 0) {
        set_io_error(error, "cannot write", dir->path);
        return false;
    }
    g_free(dir->tmp);
    dir->tmp = NULL;
    return true;
}

/* Into an existing directory: each file replaces its earlier version
 * atomically; the marker lists every file that may be ipasim's at each
 * step, so an interrupted commit still leaves the user's files known. */
static bool commit_into(struct ipa_plot_dir *dir, const GPtrArray *names,
                        GError **error)
{
    bool ok = false;
    int dfd = open(dir->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int tfd = open(dir->tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0 || tfd < 0) {
        set_io_error(error, "cannot write", dir->path);
        goto out;
    }
    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        struct stat st;
        if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        bool ours = dir->unlisted || has_name(dir->previous, name);
        if (!ours || S_ISDIR(st.st_mode)) {
            g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                        "%s/%s exists and was not written by ipasim --plot "
                        "(move it away or choose another directory)",
                        dir->path, name);
            goto out;
        }
    }
    if (!write_marker(dir->path, dir->previous, names, error))
        goto out;
    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        if (renameat(tfd, name, dfd, name) != 0) {
            set_io_error(error, "cannot write", dir->path);
            goto out;
        }
    }
    for (guint i = 0; dir->previous && i < dir->previous->len; i++) {
        const char *name = g_ptr_array_index(dir->previous, i);
        if (!has_name(names, name))
            unlinkat(dfd, name, 0); /* a directory there stays */
    }
    ok = write_marker(dir->path, names, NULL, error);
out:
    if (dfd >= 0)
        close(dfd);
    if (tfd >= 0)
        close(tfd);
    return ok;
}

bool ipa_plot_dir_commit(struct ipa_plot_dir *dir, GError **error)
{
    render(dir);
    GPtrArray *names = written_names(dir);
    bool ok = dir->existed ? commit_into(dir, names, error)
                           : commit_new(dir, names, error);
    g_ptr_array_unref(names);
    return ok;
}

void ipa_plot_dir_fini(struct ipa_plot_dir *dir)
{
    if (dir->tmp)
        remove_tmp_dir(dir->tmp);
    g_free(dir->path);
    g_free(dir->tmp);
    if (dir->scripts)
        g_ptr_array_free(dir->scripts, TRUE);
    if (dir->previous)
        g_ptr_array_unref(dir->previous);
    *dir = (struct ipa_plot_dir){0};
}

char *ipa_plot_quote(const char *s)
{
    /* Single quotes: gnuplot substitutes neither backquotes nor macros in
     * them and reads no escapes. Its scanner takes a doubled quote only
     * after another character (''' is '' and a stray '), so each quote is
     * a constant "'" joined on instead. A line ends a command even inside
     * a string, so control characters go, as does invalid UTF-8, which the
     * SVG would carry. */
    char *valid = g_utf8_make_valid(s, -1);
    GString *q = g_string_new("'");
    for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_iscntrl(c))
            g_string_append_unichar(q, 0xfffd);
        else if (c == '\'')
            g_string_append(q, "' . \"'\" . '");
        else
            g_string_append_len(q, p, g_utf8_next_char(p) - p);
    }
    g_string_append_c(q, '\'');
    g_free(valid);
    return g_string_free(q, FALSE);
}

/* ---- the run's figures ----------------------------------------------------
 */

struct figure_ctx {
    const struct ipa_sim *sim;
    const struct ipa_recorder *rec;
    int nr_cores;
    double div;       /* ns per plotted time unit */
    const char *unit; /* "ms" or "s" */
    double tmax;
    int width, height;
    char *title;         /* quoted */
    const char **colour; /* [tid] */
    int nr_tids;
    GString *keys; /* gnuplot array assignments of the legend */
};

/* Colours by group when threads fall in two groups or more (no group
 * counting as one), else by thread; the legend names at most MAX_KEYS. */
static void choose_colours(struct figure_ctx *f)
{
    const struct ipa_trace *trace = ipa_sim_trace(f->sim);
    int nr_threads = ipa_sim_nr_threads(f->sim);
    f->nr_tids = MAX(nr_threads, f->rec->max_tid + 1);
    f->colour = g_new0(const char *, f->nr_tids);
    int nr_groups = (int)trace->groups->len;
    /* One group and nothing else would paint every box alike. */
    bool ungrouped = false;
    for (int tid = 0; tid < nr_threads && !ungrouped; tid++) {
        struct ipa_thread_result r;
        ipa_sim_thread_result(f->sim, tid, &r);
        ungrouped = !r.group;
    }
    if (nr_groups + ungrouped < 2)
        nr_groups = 0;
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *colours = g_ptr_array_new();
    for (int tid = 0; tid < f->nr_tids; tid++) {
        f->colour[tid] = palette[tid % G_N_ELEMENTS(palette)];
        if (tid >= nr_threads)
            continue;
        struct ipa_thread_result r;
        ipa_sim_thread_result(f->sim, tid, &r);
        if (nr_groups) {
            f->colour[tid] = NO_GROUP_COLOUR;
            for (int g = 0; r.group && g < nr_groups; g++)
                if (!strcmp(r.group, g_ptr_array_index(trace->groups, g)))
                    f->colour[tid] = palette[g % G_N_ELEMENTS(palette)];
        } else if (nr_threads <= MAX_KEYS) {
            g_ptr_array_add(names, ipa_plot_quote(r.name));
            g_ptr_array_add(colours, (gpointer)f->colour[tid]);
        }
    }
    for (int g = 0; g < nr_groups && g < MAX_KEYS; g++) {
        g_ptr_array_add(names,
                        ipa_plot_quote(g_ptr_array_index(trace->groups, g)));
        g_ptr_array_add(colours, (gpointer)palette[g % G_N_ELEMENTS(palette)]);
    }
    if (nr_groups && ungrouped && names->len < MAX_KEYS) {
        g_ptr_array_add(names, ipa_plot_quote("(no group)"));
        g_ptr_array_add(colours, (gpointer)NO_GROUP_COLOUR);
    }
    f->keys = g_string_new(NULL);
    g_string_append_printf(f->keys,
                           "nkeys = %u\narray key_names[%u]\n"
                           "array key_colors[%u]\n",
                           names->len, MAX(names->len, 1), MAX(names->len, 1));
    if (!names->len) /* gnuplot reads the titles of an empty loop too */
        g_string_append(f->keys,
                        "key_names[1] = ''; key_colors[1] = \"#000000\"\n");
    for (guint i = 0; i < names->len; i++)
        g_string_append_printf(f->keys,
                               "key_names[%u] = %s; key_colors[%u] = \"%s\"\n",
                               i + 1, (char *)g_ptr_array_index(names, i),
                               i + 1, (char *)g_ptr_array_index(colours, i));
    g_ptr_array_free(names, TRUE);
    g_ptr_array_free(colours, TRUE);
}

static char *common_vars(const struct figure_ctx *f)
{
    return g_strdup_printf("title = %s\nunit = \"%s\"\ntmax = %.9g\n"
                           "ncores = %d\nwidth = %d\nheight = %d\n",
                           f->title, f->unit, f->tmax, f->nr_cores, f->width,
                           f->height);
}

/* Bucket columns: @k recorder buckets each, so that at most MAX_COLUMNS. */
static int column_span(const struct ipa_recorder *rec)
{
    int n = ipa_recorder_nr_buckets(rec);
    return (n + MAX_COLUMNS - 1) / MAX_COLUMNS;
}

static struct ipa_rec_bucket column(const struct ipa_recorder *rec, int core,
                                    int first, int k, int nb)
{
    struct ipa_rec_bucket b = {.dom_tid = -1};
    for (int i = first; i < first + k && i < nb; i++)
        ipa_rec_bucket_merge(&b, ipa_recorder_bucket(rec, core, i));
    return b;
}

/* "#rrggbb" as the integer gnuplot's "lc rgb variable" reads. */
static long rgb(const char *colour) { return strtol(colour + 1, NULL, 16); }

static bool timeline(struct ipa_plot_dir *dir, const struct figure_ctx *f,
                     GError **error)
{
    const struct ipa_recorder *rec = f->rec;
    GString *d = g_string_new("# core start end height colour tid\n");
    bool exact = ipa_recorder_complete(rec) && rec->segments->len <= MAX_BOXES;
    if (exact) {
        for (guint i = 0; i < rec->segments->len; i++) {
            const struct ipa_rec_segment *s =
                &g_array_index(rec->segments, struct ipa_rec_segment, i);
            g_string_append_printf(d, "%d %.9g %.9g 1 %ld %d\n", s->core,
                                   (double)s->start_ns / f->div,
                                   (double)s->end_ns / f->div,
                                   rgb(f->colour[s->tid]), s->tid);
        }
    } else {
        int nb = ipa_recorder_nr_buckets(rec), k = column_span(rec);
        uint64_t w = rec->bucket_ns * (uint64_t)k;
        for (int c = 0; c < f->nr_cores; c++)
            for (int i = 0; i < nb; i += k) {
                struct ipa_rec_bucket b = column(rec, c, i, k, nb);
                if (!b.busy_ns || b.dom_tid < 0)
                    continue;
                uint64_t lo = (uint64_t)(i / k) * w;
                uint64_t hi = MIN(lo + w, rec->end_ns);
                double h = hi > lo ? (double)b.busy_ns / (double)(hi - lo) : 1;
                g_string_append_printf(d, "%d %.9g %.9g %.4f %ld %d\n", c,
                                       (double)lo / f->div, (double)hi / f->div,
                                       MIN(h, 1.0), rgb(f->colour[b.dom_tid]),
                                       b.dom_tid);
            }
    }
    GString *fl = g_string_new("# core start end (flagged violations)\n");
    int nflagged = 0;
    for (int p = 0; p < ipa_sim_nr_partitions(f->sim); p++) {
        struct ipa_partition_result pr;
        ipa_sim_partition_result(f->sim, p, &pr);
        for (guint i = 0; i < pr.wc->flagged->len; i++) {
            const struct ipa_wc_interval *iv =
                &g_array_index(pr.wc->flagged, struct ipa_wc_interval, i);
            nflagged++;
            for (int j = 0; j < iv->nr_cores; j++)
                g_string_append_printf(fl, "%d %.9g %.9g\n", iv->cores[j],
                                       (double)iv->start_ns / f->div,
                                       (double)iv->end_ns / f->div);
        }
    }
    char *common = common_vars(f);
    char *vars = g_strdup_printf(
        "%sdata = \"timeline.dat\"\nflagged = \"timeline-flagged.dat\"\n"
        "nflagged = %d\nmode = \"%s\"\n%s",
        common, nflagged, exact ? "exact" : "buckets", f->keys->str);
    bool ok = ipa_plot_dir_write(dir, "timeline.dat", d->str, error) &&
              ipa_plot_dir_write(dir, "timeline-flagged.dat", fl->str, error) &&
              ipa_plot_dir_script(dir, "timeline.gp", "timeline", vars, error);
    g_free(vars);
    g_free(common);
    g_string_free(d, TRUE);
    g_string_free(fl, TRUE);
    return ok;
}

static bool rqheat(struct ipa_plot_dir *dir, const struct figure_ctx *f,
                   GError **error)
{
    const struct ipa_recorder *rec = f->rec;
    int nb = ipa_recorder_nr_buckets(rec), k = column_span(rec);
    uint64_t w = rec->bucket_ns * (uint64_t)k;
    GString *d = g_string_new("# time core mean_rq_len max_rq_len\n");
    double top = 0;
    for (int c = 0; c < f->nr_cores; c++) {
        for (int i = 0; i < nb; i += k) {
            struct ipa_rec_bucket b = column(rec, c, i, k, nb);
            uint64_t lo = (uint64_t)(i / k) * w;
            uint64_t hi = MIN(lo + w, rec->end_ns);
            double mean = hi > lo ? (double)b.rq_area / (double)(hi - lo) : 0;
            top = MAX(top, mean);
            g_string_append_printf(d, "%.9g %d %.4f %d\n",
                                   (double)(lo + w / 2) / f->div, c, mean,
                                   b.rq_max);
        }
        g_string_append_c(d, '\n');
    }
    char *common = common_vars(f);
    GString *bucket = g_string_new(NULL);
    ipa_duration_format(bucket, w);
    char *vars = g_strdup_printf(
        "%sdata = \"rqheat.dat\"\nbucket = \"%s\"\ncbmax = %.4g\n", common,
        bucket->str, top > 1 ? top : 1);
    bool ok = ipa_plot_dir_write(dir, "rqheat.dat", d->str, error) &&
              ipa_plot_dir_script(dir, "rqheat.gp", "rqheat", vars, error);
    g_string_free(bucket, TRUE);
    g_free(vars);
    g_free(common);
    g_string_free(d, TRUE);
    return ok;
}

/* One block per group: (latency in us, fraction of wake-ups at most that
 * late) from the run's histograms; the group's name goes to the script's
 * @names, as the data files hold no text read from an input. */
static void cdf_block(GString *d, GString *names, int *blocks, const char *name,
                      const struct ipa_hist *h)
{
    char *q = ipa_plot_quote(name);
    ++*blocks;
    g_string_append_printf(d, "# group %d\n", *blocks);
    g_string_append_printf(names, "group_names[%d] = %s\n", *blocks, q);
    g_free(q);
    for (int i = 0; i <= 1000; i++) {
        double frac = i / 1000.0;
        uint64_t v = ipa_hist_quantile(h, frac);
        /* Zero latencies sit at 1 ns on the log axis. */
        g_string_append_printf(d, "%.6g %.4f\n", (double)MAX(v, 1) / 1e3, frac);
    }
    g_string_append(d, "\n\n");
}

static bool latency(struct ipa_plot_dir *dir, const struct figure_ctx *f,
                    GError **error)
{
    const struct ipa_trace *trace = ipa_sim_trace(f->sim);
    GString *d = g_string_new("# per group: latency_us fraction\n");
    GString *names = g_string_new(NULL);
    int blocks = 0;
    for (int g = 0; g < (int)trace->groups->len; g++) {
        const struct ipa_hist *h = ipa_sim_group_latency(f->sim, g);
        if (h->count)
            cdf_block(d, names, &blocks, g_ptr_array_index(trace->groups, g),
                      h);
    }
    const struct ipa_hist *none = ipa_sim_group_latency(f->sim, -1);
    if (trace->groups->len && none->count)
        cdf_block(d, names, &blocks, "(no group)", none);
    if (!blocks)
        cdf_block(d, names, &blocks, "all threads", ipa_sim_latency(f->sim));
    char *common = common_vars(f);
    char *vars = g_strdup_printf("%sdata = \"latency.dat\"\nngroups = %d\n"
                                 "array group_names[%d]\n%s",
                                 common, blocks, blocks, names->str);
    g_string_free(names, TRUE);
    bool ok = ipa_plot_dir_write(dir, "latency.dat", d->str, error) &&
              ipa_plot_dir_script(dir, "latency.gp", "latency", vars, error);
    g_free(vars);
    g_free(common);
    g_string_free(d, TRUE);
    return ok;
}

static bool utilisation(struct ipa_plot_dir *dir, const struct figure_ctx *f,
                        GError **error)
{
    GString *d = g_string_new("# core busy_fraction partition\n");
    double sum = 0;
    for (int c = 0; c < f->nr_cores; c++) {
        struct ipa_core_result r;
        ipa_sim_core_result(f->sim, c, &r);
        uint64_t total = r.busy_ns + r.idle_ns;
        double u = total ? (double)r.busy_ns / (double)total : 0;
        sum += u;
        g_string_append_printf(d, "%d %.4f %d\n", c, u, r.partition);
    }
    char *common = common_vars(f);
    char *vars = g_strdup_printf("%sdata = \"util.dat\"\nmean_util = %.4f\n",
                                 common, sum / f->nr_cores);
    bool ok = ipa_plot_dir_write(dir, "util.dat", d->str, error) &&
              ipa_plot_dir_script(dir, "util.gp", "util", vars, error);
    g_free(vars);
    g_free(common);
    g_string_free(d, TRUE);
    return ok;
}

bool ipa_report_plot(const struct ipa_sim *sim, const struct ipa_recorder *rec,
                     const struct ipa_report_info *info,
                     struct ipa_plot_dir *dir, GError **error)
{
    struct figure_ctx f = {.sim = sim, .rec = rec, .nr_cores = rec->nr_cores};
    bool seconds = rec->end_ns >= 2000000000ull;
    f.div = seconds ? 1e9 : 1e6;
    f.unit = seconds ? "s" : "ms";
    f.tmax = rec->end_ns ? (double)rec->end_ns / f.div : 1;
    f.width = 1200;
    int row = f.nr_cores <= 64 ? 10 : 6;
    f.height = CLAMP(160 + row * f.nr_cores, 420, 2400);
    char *t = g_strdup_printf("%s on %s, %s", info->policies, info->topology,
                              info->trace);
    f.title = ipa_plot_quote(t);
    g_free(t);
    choose_colours(&f);
    bool ok = timeline(dir, &f, error) && rqheat(dir, &f, error) &&
              latency(dir, &f, error) && utilisation(dir, &f, error) &&
              ipa_plot_dir_commit(dir, error);
    g_free(f.title);
    g_free(f.colour);
    g_string_free(f.keys, TRUE);
    return ok;
}
