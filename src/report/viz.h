/*
 * viz.h - pictures of a run and of several runs (docs/report-format.md):
 * gnuplot figures (--plot), the Perfetto / Chrome trace-event export
 * (--perfetto), the per-core character timeline (--ascii), and the
 * comparison of JSON reports (ipasim compare). The run back-ends read a
 * finished simulation and a finished recorder (recorder.h).
 */
#ifndef IPA_REPORT_VIZ_H
#define IPA_REPORT_VIZ_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

struct ipa_sim;
struct ipa_recorder;
struct ipa_report_info;

/* ---- gnuplot output directories (report_plot.c) ------------------------ */

/* A plot directory being written (docs/robustness.md, "Output files").
 * Files go to a fresh temporary directory (mkdtemp): beside @path, renamed
 * to @path on commit when @path is new, so that it appears whole; inside
 * @path when it exists, each file then moved over its earlier version.
 * The marker file lists the files ipasim wrote: only those are replaced
 * or removed by a later --plot, and a user's directory keeps its mode and
 * its other files. */
struct ipa_plot_dir {
    char *path, *tmp;
    bool existed;        /* @path is a directory already */
    bool unlisted;       /* its marker predates the list: our names are ours */
    GPtrArray *previous; /* char *: the files its marker lists, or NULL */
    GPtrArray *scripts;  /* file names of the scripts to render */
};

/* Creates the temporary directory. False (with *error) when @path exists
 * and is not a directory, or the temporary directory cannot be made. */
bool ipa_plot_dir_open(struct ipa_plot_dir *dir, const char *path,
                       GError **error);
/* Writes @name in the directory. */
bool ipa_plot_dir_write(struct ipa_plot_dir *dir, const char *name,
                        const char *text, GError **error);
/* Writes @base.gp: the assignments @vars, then the template
 * plots/@template (which renders @base.png and @base.svg). */
bool ipa_plot_dir_script(struct ipa_plot_dir *dir, const char *template_name,
                         const char *base, const char *vars, GError **error);
/* Renders every script with gnuplot when it is in PATH (else says so on
 * stderr), then moves the files into place. False (nothing moved) when a
 * file of that name that the marker does not list is in the way. */
bool ipa_plot_dir_commit(struct ipa_plot_dir *dir, GError **error);
/* Removes the temporary directory (after an error, or after commit). */
void ipa_plot_dir_fini(struct ipa_plot_dir *dir);
/* Quotes @s as a gnuplot string expression (new string) that gnuplot
 * cannot execute: single-quoted strings (no backquote or macro
 * substitution, no escapes) holding no quote, joined by "'" for each
 * quote; control characters and invalid UTF-8 become U+FFFD. Every text read
 * from an input (names of threads, groups, files, policies) reaches a script
 * only through it, and the data files hold numbers only (docs/robustness.md).
 */
char *ipa_plot_quote(const char *s);

/* The run's figures into @dir (opened before the run, so that a bad
 * name fails early), then commits it: timeline (Gantt), rqheat (run-queue
 * heat map), latency (wake-up latency CDF per group), util (per-core
 * utilisation), each as .gp + .dat (+ .png + .svg with gnuplot). */
bool ipa_report_plot(const struct ipa_sim *sim, const struct ipa_recorder *rec,
                     const struct ipa_report_info *info,
                     struct ipa_plot_dir *dir, GError **error);

/* ---- Perfetto (report_perfetto.c) -------------------------------------- */

/* Writes the Chrome trace-event JSON to @out (the caller makes the file
 * appear atomically). False on a write error. */
bool ipa_report_perfetto(const struct ipa_sim *sim,
                         const struct ipa_recorder *rec, FILE *out);

/* ---- ASCII timeline (report_ascii.c) ------------------------------------ */

/* One row per core, one character per @unit_ns of time (the thread that
 * ran most of it, '.' idle), wrapped at @width characters, with a legend;
 * at most @max_columns columns per core (a note says where it stopped). */
void ipa_report_ascii(const struct ipa_sim *sim, const struct ipa_recorder *rec,
                      uint64_t unit_ns, int width, int max_columns, FILE *out);

/* ---- comparing runs (compare.c) ----------------------------------------- */

/* The compared metrics: X(id, json-ish name, title, unit divisor, unit). */
/* (id, key, title, divisor and unit shown, column of a sweep's
 * results.csv: raw value) */
#define IPA_COMPARE_METRICS(X)                                                 \
    X(MAKESPAN, "makespan", "makespan", 1e6, "ms", "makespan_ns")              \
    X(EVENTS, "events", "events", 1, "", "events")                             \
    X(WASTED, "wasted", "wasted core-time", 1e6, "ms", "wasted_core_ns")       \
    X(VIOLATIONS, "violations", "violations", 1, "", "violations")             \
    X(FLAGGED, "flagged", "flagged intervals", 1, "", "flagged")               \
    X(P50, "lat_p50", "latency p50", 1e3, "us", "latency_p50_ns")              \
    X(P99, "lat_p99", "latency p99", 1e3, "us", "latency_p99_ns")              \
    X(LMAX, "lat_max", "latency max", 1e3, "us", "latency_max_ns")             \
    X(MIGRATIONS, "migrations", "migrations", 1, "", "migrations")             \
    X(UTIL, "util", "mean utilisation", 0.01, "%", "utilisation")              \
    X(JOBS, "jobs", "jobs released", 1, "", "jobs")                            \
    X(MISSED, "missed", "deadline misses", 1, "", "deadline_misses")           \
    X(RESP_P99, "resp_p99", "response p99", 1e3, "us", "response_p99_ns")      \
    X(TARDINESS, "tardiness", "tardiness max", 1e3, "us", "tardiness_max_ns")

/* The metrics from IPA_CMP_JOBS on are real-time figures: shown only when
 * some report has them ("jobs"). */

enum ipa_compare_metric {
#define IPA_CMP_ENUM(id, key, title, div, unit, column) IPA_CMP_##id,
    IPA_COMPARE_METRICS(IPA_CMP_ENUM)
#undef IPA_CMP_ENUM
        IPA_CMP_COUNT
};

struct ipa_compare_metric_info {
    const char *key, *title;
    double div;       /* shown as value / div ... */
    const char *unit; /* ... in this unit */
    const char *column;
};
/* By enum ipa_compare_metric. */
extern const struct ipa_compare_metric_info ipa_compare_metrics[IPA_CMP_COUNT];

struct ipa_compare_run {
    char *path;  /* as given */
    char *label; /* file name without .json */
    char *policy, *topology, *trace;
    double value[IPA_CMP_COUNT]; /* raw: ns, counts, fraction 0..1 */
    bool has_jobs; /* the report has real-time figures */
};

/* Reads a JSON report (--json); errors are "FILE: reason". */
bool ipa_compare_load(const char *path, struct ipa_compare_run *run,
                      GError **error);
void ipa_compare_run_fini(struct ipa_compare_run *run);
/* Side-by-side table, each value with its change relative to runs[0]. */
void ipa_compare_table(const struct ipa_compare_run *runs, int nr_runs,
                       FILE *out);
/* Bar charts of every metric, one panel each, into @path. */
bool ipa_compare_plot(const struct ipa_compare_run *runs, int nr_runs,
                      const char *path, GError **error);

#endif
