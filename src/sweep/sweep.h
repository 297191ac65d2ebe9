/*
 * sweep.h - many runs at once (docs/sweeps.md).
 *
 * A sweep spec names lists of topologies, policies, traces, values of
 * DSL constants (params) and seeds, and `ipasim run` options shared by
 * every run. Its cells are their cross product, less excluded cells, with
 * zipped axes varying together. Each cell is one `ipasim run`, whose JSON
 * report lands in DIR/cells/NAME.json (NAME stable: the cell's values and
 * a hash of them and the shared options). A cell is finished when its
 * report is there (written atomically by the run), so a sweep killed
 * midway resumes where it stopped. A run that ends without a report
 * (timeout, bad input, crash) leaves DIR/cells/NAME.err with the reason,
 * and is run again by the next sweep. DIR/results.csv is rebuilt from
 * these files, one row per cell in the spec's order, so it is the same
 * whichever engine (local processes, a Slurm job array) ran the cells.
 */
#ifndef IPA_SWEEP_SWEEP_H
#define IPA_SWEEP_SWEEP_H

#include <stdbool.h>
#include <stdio.h>

#include <glib.h>

/* The axes every spec has, in the column order of results.csv (params
 * come between trace and seed). */
enum ipa_sweep_axis_kind {
    IPA_SWEEP_TOPOLOGY,
    IPA_SWEEP_POLICY,
    IPA_SWEEP_TRACE,
    IPA_SWEEP_PARAM,
    IPA_SWEEP_SEED,
};

struct ipa_sweep_axis {
    enum ipa_sweep_axis_kind kind;
    char *name;        /* its column: "policy", or the constant's name */
    GPtrArray *values; /* char *: as written in the spec */
    GPtrArray *args;   /* char *: what `ipasim run` gets (files resolved
                          beside the spec) */
    GPtrArray *where;  /* char *: JSON path of each value, for messages */
    int dim;           /* the loop it varies in (zipped axes share one) */
};

struct ipa_sweep_cell {
    int *value; /* per axis: index into its values */
    char *name; /* stable file stem under DIR/cells */
};

struct ipa_sweep_spec {
    char *path;         /* absolute */
    GPtrArray *axes;    /* struct ipa_sweep_axis *, in column order */
    GPtrArray *options; /* char *: `ipasim run` arguments of every cell */
    GPtrArray *cells;   /* struct ipa_sweep_cell *, in the spec's order */
};

/* Reads a spec and lists its cells. Errors (IPA_ERROR_INPUT) name the
 * file and line:col (syntax) or the JSON path of the value. Input files
 * are not looked up here (the command does, as `ipasim run` would). */
bool ipa_sweep_spec_load(const char *path, struct ipa_sweep_spec **out,
                         GError **error);
void ipa_sweep_spec_free(struct ipa_sweep_spec *spec);

/* The value of @axis in @cell, as written / as passed to `ipasim run`. */
const char *ipa_sweep_value(const struct ipa_sweep_spec *spec,
                            const struct ipa_sweep_cell *cell, guint axis);

/* DIR/cells/NAME.@ext (new string). */
char *ipa_sweep_cell_file(const char *dir, const struct ipa_sweep_cell *cell,
                          const char *ext);
/* The command of @cell: @exe run ... --json REPORT --quiet (g_strfreev). */
char **ipa_sweep_cell_argv(const struct ipa_sweep_spec *spec,
                           const struct ipa_sweep_cell *cell, const char *exe,
                           const char *dir);
/* Has @cell a report in @dir? */
bool ipa_sweep_cell_done(const char *dir, const struct ipa_sweep_cell *cell);
/* Has @cell a report, or a record of its run ending without one? */
bool ipa_sweep_cell_ended(const char *dir, const struct ipa_sweep_cell *cell);
/* Records that @cell ended without a report: @exit ("timeout", "error",
 * "crash") and why, in DIR/cells/NAME.err (written atomically). */
bool ipa_sweep_cell_failed(const char *dir, const struct ipa_sweep_cell *cell,
                           const char *exit, const char *reason,
                           GError **error);

/* What a finished or failed cell says: exit and reason (NULL when it
 * has neither a report nor an .err file), *@failed when the exit is not
 * "done" or "until". */
char *ipa_sweep_cell_exit(const char *dir, const struct ipa_sweep_cell *cell,
                          char **reason, bool *failed);

/* Rebuilds DIR/results.csv from the cells' files, under a lock on the
 * directory (the tasks of a job array finish at once). */
bool ipa_sweep_write_results(const struct ipa_sweep_spec *spec, const char *dir,
                             GError **error);

/* ---- reading results.csv (results.c) ----------------------------------- */

struct ipa_sweep_table {
    GPtrArray *header; /* char * */
    GPtrArray *rows;   /* GPtrArray of char * per row */
    int nr_axes;       /* the columns before "exit" */
};

bool ipa_sweep_table_load(const char *path, struct ipa_sweep_table *t,
                          GError **error);
void ipa_sweep_table_fini(struct ipa_sweep_table *t);

/* `ipasim sweep --summary`: per group of the @by columns (NULL: every
 * axis but seed), mean, min and max of each metric over the group's
 * cells that ended done or until. @metrics: results.csv column names. */
bool ipa_sweep_summary(const struct ipa_sweep_table *t, char **by,
                       char **metrics, FILE *out, GError **error);
/* `ipasim sweep --plot`: a figure per metric into @plot_dir, the metric
 * against the column @x (NULL: the first param, else seed), one line per
 * group of @by (NULL: policy), mean with min..max bars. */
bool ipa_sweep_plot(const struct ipa_sweep_table *t, const char *x, char **by,
                    char **metrics, const char *plot_dir, GError **error);

#endif
