/*
 * cmd_sweep.c - `ipasim sweep`: many runs, in parallel here or as a Slurm
 * job array (docs/sweeps.md; the spec and the files in sweep/sweep.h).
 *
 * Each cell is a child process of this very executable (`ipasim run ...
 * --json DIR/cells/NAME.json`), as `ipasim test` runs scenarios, so a
 * policy that takes its process down ends its cell only. The Slurm engine
 * writes a batch script whose array tasks are this same command, each
 * running its share of the cells into the shared DIR.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-c/json.h>

#include "cli/children.h"
#include "cli/commands.h"
#include "cli/setup.h"
#include "sweep/sweep.h"
#include "util/common.h"
#include "util/duration.h"
#include "util/outfile.h"
#include "util/paths.h"

static const char sweep_usage[] =
    "usage: ipasim sweep SPEC.json -o DIR [-j N] [--force] "
    "[--engine local|slurm]\n"
    "       ipasim sweep --status DIR | --cancel DIR\n"
    "       ipasim sweep --summary DIR [--by COLUMNS] [--metrics COLUMNS]\n"
    "       ipasim sweep --plot DIR [--x COLUMN] [--by COLUMNS] "
    "[--metrics COLUMNS]";

static const char help_fmt[] =
    "Runs every cell of SPEC (topologies x policies x traces x params x\n"
    "seeds, less exclusions, zipped axes together; docs/sweeps.md): each\n"
    "an `ipasim run` of its own, its JSON report in DIR/cells/. "
    "DIR/results.csv\n"
    "has one row per finished cell, in the spec's order: its axes, exit,\n"
    "figures and, for a failed cell, the reason. Running the same command\n"
    "again runs only the cells without a report (after a crash, a kill, or\n"
    "a change to the spec); --force runs them all again.\n"
    "\n"
    "--engine slurm submits the cells still to run as one Slurm job array\n"
    "(sbatch; DIR must be on a file system the nodes share), each array\n"
    "task running its share with -j its --cpus-per-task; --dry-run writes\n"
    "the batch script in DIR/slurm/ without submitting it. --status says\n"
    "how far a sweep is (and its jobs, through squeue); --cancel cancels\n"
    "its jobs (scancel).\n"
    "\n"
    "--summary prints mean, min and max of each metric per group of cells\n"
    "(--by; default every axis but seed); --plot draws each metric against\n"
    "a swept axis (--x; default the first param), one line per --by group\n"
    "(default policy), into DIR/plots/. COLUMNS are results.csv's, comma-\n"
    "separated; metrics default to makespan_ns,wasted_core_ns,flagged,\n"
    "latency_p99_ns.\n"
    "\n"
    "Exit status: 0 every cell ended done or until; 1 some cell failed (its\n"
    "reason is in results.csv); 2 bad usage, a bad spec or a missing input.";

struct sweep_options {
    char *output, *engine, *status, *summary, *plot, *cancel;
    char *by, *metrics, *x, *partition, *time, *cell_list;
    gint64 jobs, timeout, cpus, max_parallel, tasks, array_task, array_tasks;
    gboolean force, dry_run;
};

/* ---- running cells here ------------------------------------------------- */

struct runner {
    const struct ipa_sweep_spec *spec;
    const char *dir, *exe;
    int max_jobs, timeout_s;
    bool tty;
    /* while running */
    GPtrArray *cells; /* struct ipa_sweep_cell * */
    struct ipa_child *children;
    int ended, failed;
    gint64 start_us;
};

/* What a run that left no report said: its first line saying "error",
 * else its last line. */
static char *log_reason(const char *log)
{
    char *text = NULL;
    if (!g_file_get_contents(log, &text, NULL, NULL))
        return g_strdup("");
    char **lines = g_strsplit(text, "\n", -1);
    const char *first_error = NULL, *last = NULL;
    for (int i = 0; lines[i]; i++) {
        g_strstrip(lines[i]);
        if (!first_error && strstr(lines[i], "error"))
            first_error = lines[i];
        if (*lines[i])
            last = lines[i];
    }
    char *r = g_strdup(first_error ? first_error : last ? last : "");
    g_strfreev(lines);
    g_free(text);
    return r;
}

/* Records a run that ended without a report. */
static void record_failure(const struct runner *r,
                           const struct ipa_sweep_cell *cell,
                           const struct ipa_child *child)
{
    int status = child->status;
    if (ipa_sweep_cell_done(r->dir, cell))
        return;
    char *log = ipa_sweep_cell_file(r->dir, cell, "log");
    char *last = log_reason(log);
    const char *exit;
    char *reason;
    if (child->timed_out) {
        exit = "timeout";
        reason = g_strdup_printf("no report after %ds (killed; --timeout "
                                 "sets the limit)",
                                 r->timeout_s);
    } else if (WIFSIGNALED(status)) {
        exit = "crash";
        reason = g_strdup_printf(
            "ipasim run ended by signal %d (%s)%s%s", WTERMSIG(status),
            g_strsignal(WTERMSIG(status)), *last ? ": " : "", last);
    } else {
        exit = "error";
        reason = g_strdup_printf("ipasim run exited with status %d%s%s",
                                 WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                                 *last ? ": " : "", last);
    }
    GError *error = NULL;
    if (!ipa_sweep_cell_failed(r->dir, cell, exit, reason, &error)) {
        fprintf(stderr, "ipasim sweep: error: %s\n", error->message);
        g_error_free(error);
    }
    g_free(reason);
    g_free(last);
    g_free(log);
}

/* One line, short enough not to wrap: a wrapped line is not redrawn in
 * place. */
static void progress(void *ctx)
{
    struct runner *r = ctx;
    if (!r->tty)
        return;
    int total = (int)r->cells->len, running = 0;
    const char *shown = NULL;
    for (int i = 0; i < total; i++)
        if (r->children[i].started && !r->children[i].done) {
            running++;
            if (!shown)
                shown = ((struct ipa_sweep_cell *)g_ptr_array_index(r->cells,
                                                                    i))
                            ->name;
        }
    printf("\r\033[K[%d/%d cells, %d failed", r->ended, total, r->failed);
    if (r->ended) {
        double per = (double)(g_get_monotonic_time() - r->start_us) / r->ended;
        uint64_t left_s = (uint64_t)(per * (total - r->ended) / 1e6 + 0.5);
        GString *left = g_string_new(NULL);
        ipa_duration_format(left, MAX(left_s, 1) * UINT64_C(1000000000));
        printf(", ~%s left", left->str);
        g_string_free(left, TRUE);
    }
    printf("] %d running", running);
    if (shown)
        printf(": %.40s%s", shown, strlen(shown) > 40 ? "..." : "");
    fflush(stdout);
}

/* What an earlier run of the cell left is not this run's. */
static void prepare_cell(void *ctx, int i, struct ipa_child *child)
{
    struct runner *r = ctx;
    const struct ipa_sweep_cell *cell = g_ptr_array_index(r->cells, i);
    char *report = ipa_sweep_cell_file(r->dir, cell, "json");
    char *err = ipa_sweep_cell_file(r->dir, cell, "err");
    g_unlink(report);
    g_unlink(err);
    g_free(report);
    g_free(err);
    child->argv = ipa_sweep_cell_argv(r->spec, cell, r->exe, r->dir);
    child->log = ipa_sweep_cell_file(r->dir, cell, "log");
}

static void cell_ended(void *ctx, int i, struct ipa_child *child,
                       const char *why)
{
    struct runner *r = ctx;
    const struct ipa_sweep_cell *cell = g_ptr_array_index(r->cells, i);
    r->ended++;
    if (why) {
        fprintf(stderr, "ipasim sweep: error: %s\n", why);
        ipa_sweep_cell_failed(r->dir, cell, "error", why, NULL);
    } else {
        record_failure(r, cell, child);
    }
    char *reason = NULL;
    bool failed = true;
    g_free(ipa_sweep_cell_exit(r->dir, cell, &reason, &failed));
    g_free(reason);
    r->failed += failed;
}

/* Runs @cells (struct ipa_sweep_cell *), -j at a time. */
static void run_cells(struct runner *r, GPtrArray *cells)
{
    static const struct ipa_children_ops ops = {
        .prepare = prepare_cell, .ended = cell_ended, .changed = progress};
    int n = (int)cells->len;
    r->cells = cells;
    r->children = g_new0(struct ipa_child, MAX(n, 1));
    r->start_us = g_get_monotonic_time();
    ipa_children_run(r->children, n, r->max_jobs, r->timeout_s, &ops, r);
    for (int i = 0; i < n; i++) {
        g_strfreev(r->children[i].argv);
        g_free(r->children[i].log);
    }
    g_free(r->children);
    if (r->tty)
        printf("\r\033[K");
    fflush(stdout);
}

/* ---- the sweep's state: DIR/sweep.json ---------------------------------- */

/* The spec's path and the Slurm jobs submitted, so that --status,
 * --cancel and a resubmission find them. */
struct state {
    char *spec;
    GPtrArray *jobs; /* char *: Slurm job ids */
};

static void state_read(const char *dir, struct state *st)
{
    char *path = g_build_filename(dir, "sweep.json", NULL);
    struct json_object *o = json_object_from_file(path), *x;
    st->spec = NULL;
    st->jobs = g_ptr_array_new_with_free_func(g_free);
    if (o && json_object_object_get_ex(o, "spec", &x) &&
        json_object_is_type(x, json_type_string))
        st->spec = g_strdup(json_object_get_string(x));
    if (o && json_object_object_get_ex(o, "slurm_jobs", &x) &&
        json_object_is_type(x, json_type_array))
        for (size_t i = 0; i < json_object_array_length(x); i++)
            g_ptr_array_add(st->jobs, g_strdup(json_object_get_string(
                                          json_object_array_get_idx(x, i))));
    if (o)
        json_object_put(o);
    g_free(path);
}

static bool state_write(const char *dir, const struct state *st, GError **error)
{
    struct json_object *o = json_object_new_object();
    struct json_object *jobs = json_object_new_array();
    json_object_object_add(o, "spec", json_object_new_string(st->spec));
    for (guint i = 0; i < st->jobs->len; i++)
        json_object_array_add(
            jobs, json_object_new_string(g_ptr_array_index(st->jobs, i)));
    json_object_object_add(o, "slurm_jobs", jobs);
    GString *t = g_string_new(json_object_to_json_string_ext(
        o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    g_string_append_c(t, '\n');
    char *path = g_build_filename(dir, "sweep.json", NULL);
    bool ok = ipa_write_file(path, t->str, t->len, error);
    g_free(path);
    g_string_free(t, TRUE);
    json_object_put(o);
    return ok;
}

static void state_fini(struct state *st)
{
    g_free(st->spec);
    g_ptr_array_unref(st->jobs);
}

/* ---- Slurm --------------------------------------------------------------- */

/* Runs a Slurm command; its standard output (new string), or NULL with
 * *error saying what failed. */
static char *slurm_command(char **argv, GError **error)
{
    char *out = NULL, *err = NULL;
    int status = 0;
    if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                      &err, &status, error)) {
        g_prefix_error(
            error, "cannot run %s (is Slurm's client installed?): ", argv[0]);
        return NULL;
    }
    if (!g_spawn_check_wait_status(status, NULL)) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT, "%s failed: %s", argv[0],
                    g_strstrip(err));
        g_free(out);
        out = NULL;
    }
    g_free(err);
    return out;
}

/* The job ids of @jobs squeue still lists, with their tasks' states
 * ("17 RUNNING" lines), or NULL on error. */
static char *squeue_states(GPtrArray *jobs, GError **error)
{
    if (!jobs->len)
        return g_strdup("");
    g_ptr_array_add(jobs, NULL);
    char *ids = g_strjoinv(",", (char **)jobs->pdata);
    g_ptr_array_remove_index(jobs, jobs->len - 1);
    char *argv[] = {"squeue", "-h", "-r", "-o", "%F %T", "-j", ids, NULL};
    char *out = slurm_command(argv, error);
    g_free(ids);
    if (!out && error && *error &&
        strstr((*error)->message, "Invalid job id")) {
        /* every job is gone from the controller's memory */
        g_clear_error(error);
        out = g_strdup("");
    }
    return out;
}

/* "2 running, 1 pending array task(s)" from squeue's "ID STATE" lines
 * @live, or NULL when they do not name job @id. */
static char *job_states(const char *id, const char *live)
{
    GPtrArray *states = g_ptr_array_new_with_free_func(g_free);
    GArray *counts = g_array_new(FALSE, TRUE, sizeof(int));
    char **lines = g_strsplit(live, "\n", -1);
    for (char **l = lines; *l; l++) {
        char **w = g_strsplit(g_strstrip(*l), " ", 2);
        if (w[0] && w[1] && !strcmp(w[0], id)) {
            char *state = g_ascii_strdown(w[1], -1);
            guint i = 0;
            while (i < states->len &&
                   strcmp(g_ptr_array_index(states, i), state))
                i++;
            if (i == states->len) {
                g_ptr_array_add(states, state);
                g_array_set_size(counts, states->len);
            } else {
                g_free(state);
            }
            g_array_index(counts, int, i)++;
        }
        g_strfreev(w);
    }
    g_strfreev(lines);
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < states->len; i++)
        g_string_append_printf(s, "%s%d %s", i ? ", " : "",
                               g_array_index(counts, int, i),
                               (char *)g_ptr_array_index(states, i));
    if (s->len)
        g_string_append(s, " array task(s)");
    g_ptr_array_unref(states);
    g_array_free(counts, TRUE);
    return g_string_free(s, !s->len);
}

/* A sweep submits its cells once: while a job of it is queued or
 * running, its cells are that job's. */
static bool no_live_job(struct state *st, const char *dir, GError **error)
{
    char *live = squeue_states(st->jobs, error);
    bool ok = live != NULL;
    for (guint j = 0; ok && j < st->jobs->len; j++) {
        const char *id = g_ptr_array_index(st->jobs, j);
        char *states = job_states(id, live);
        if (states)
            g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                        "job %s of this sweep is still queued or running "
                        "(%s): 'ipasim sweep --status %s' follows it, "
                        "'ipasim sweep --cancel %s' cancels it",
                        id, states, dir, dir);
        ok = !states;
        g_free(states);
    }
    g_free(live);
    return ok;
}

/* Writes @text as a #SBATCH value, refusing what the line cannot hold. */
static bool sbatch_value(GString *s, const char *flag, const char *value,
                         GError **error)
{
    for (const char *c = value; *c; c++)
        if (g_ascii_isspace(*c) || strchr("\"'\\%#", *c)) {
            g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                        "%s '%s': Slurm reads #SBATCH lines word by word: a "
                        "value without spaces, quotes or '%%' please",
                        flag, value);
            return false;
        }
    g_string_append_printf(s, "#SBATCH %s=%s\n", flag, value);
    return true;
}

static int next_submission(const char *slurm_dir)
{
    int k = 1;
    for (;; k++) {
        char *name = g_strdup_printf("%s/sweep-%d.sh", slurm_dir, k);
        bool there = g_file_test(name, G_FILE_TEST_EXISTS);
        g_free(name);
        if (!there)
            return k;
    }
}

static int submit(const struct sweep_options *o,
                  const struct ipa_sweep_spec *spec, const char *dir,
                  const char *exe, GPtrArray *todo, struct state *st)
{
    GError *error = NULL;
    int rc = IPA_EXIT_USAGE;
    char *slurm_dir = g_build_filename(dir, "slurm", NULL);
    GString *list = g_string_new(NULL), *s = g_string_new(NULL);
    char *list_path = NULL, *script = NULL, *out = NULL;
    if (g_mkdir_with_parents(slurm_dir, 0755) < 0) {
        g_set_error(&error, IPA_ERROR, IPA_ERROR_INPUT, "%s: %s", slurm_dir,
                    g_strerror(errno));
        goto out;
    }
    int tasks = (int)MIN((gint64)todo->len, o->tasks ? o->tasks : 1000);
    int k = next_submission(slurm_dir);
    for (guint i = 0; i < todo->len; i++)
        g_string_append_printf(
            list, "%s\n",
            ((struct ipa_sweep_cell *)g_ptr_array_index(todo, i))->name);
    list_path = g_strdup_printf("%s/cells-%d.txt", slurm_dir, k);
    script = g_strdup_printf("%s/sweep-%d.sh", slurm_dir, k);
    g_string_append_printf(s,
                           "#!/bin/sh\n"
                           "# Written by ipasim sweep: array task i runs "
                           "every %dth cell of\n"
                           "# cells-%d.txt from the i-th, into the sweep's "
                           "folder.\n",
                           tasks, k);
    char *array = o->max_parallel ? g_strdup_printf("0-%d%%%" G_GINT64_FORMAT,
                                                    tasks - 1, o->max_parallel)
                                  : g_strdup_printf("0-%d", tasks - 1);
    char *output = g_strdup_printf("%s/sweep-%d-%%a.out", slurm_dir, k);
    g_string_append_printf(s,
                           "#SBATCH --job-name=ipasim-sweep\n"
                           "#SBATCH --array=%s\n",
                           array);
    g_free(array);
    char *cpus = o->cpus ? g_strdup_printf("%" G_GINT64_FORMAT, o->cpus) : NULL;
    /* '%' is Slurm's: the output's %a is the array index */
    bool ok = sbatch_value(s, "--output", slurm_dir, &error);
    if (ok) {
        g_string_truncate(s, s->len - strlen(slurm_dir) - 1);
        g_string_append_printf(s, "%s\n", output);
    }
    ok = ok && (!o->partition ||
                sbatch_value(s, "--partition", o->partition, &error));
    ok = ok && (!o->time || sbatch_value(s, "--time", o->time, &error));
    ok = ok && (!cpus || sbatch_value(s, "--cpus-per-task", cpus, &error));
    g_free(cpus);
    g_free(output);
    if (!ok)
        goto out;
    char *q_exe = g_shell_quote(exe), *q_spec = g_shell_quote(spec->path),
         *q_dir = g_shell_quote(dir), *q_list = g_shell_quote(list_path);
    g_string_append_printf(
        s,
        "exec %s sweep %s -o %s --cell-list %s \\\n"
        "    --array-task \"$SLURM_ARRAY_TASK_ID\" --array-tasks %d \\\n"
        "    -j \"${SLURM_CPUS_PER_TASK:-1}\" --timeout %" G_GINT64_FORMAT
        "%s\n",
        q_exe, q_spec, q_dir, q_list, tasks, o->timeout,
        o->force ? " --force" : "");
    g_free(q_exe);
    g_free(q_spec);
    g_free(q_dir);
    g_free(q_list);
    if (!ipa_write_file(list_path, list->str, list->len, &error) ||
        !ipa_write_file(script, s->str, s->len, &error))
        goto out;
    if (o->dry_run) {
        printf("wrote %s (%u cells in %d array tasks), not submitted: "
               "'sbatch %s' submits it\n",
               script, todo->len, tasks, script);
        rc = IPA_EXIT_OK;
        goto out;
    }
    char *argv[] = {"sbatch", "--parsable", script, NULL};
    out = slurm_command(argv, &error);
    if (!out)
        goto out;
    g_strstrip(out);
    char *semi = strchr(out, ';'); /* "id;cluster" */
    if (semi)
        *semi = 0;
    g_ptr_array_add(st->jobs, g_strdup(out));
    if (!state_write(dir, st, &error))
        goto out;
    printf("submitted job %s: %u cells in %d array tasks; 'ipasim sweep "
           "--status %s' follows it\n",
           out, todo->len, tasks, dir);
    rc = IPA_EXIT_OK;
out:
    if (error) {
        fprintf(stderr, "ipasim sweep: error: %s\n", error->message);
        g_error_free(error);
    }
    g_free(out);
    g_free(list_path);
    g_free(script);
    g_free(slurm_dir);
    g_string_free(list, TRUE);
    g_string_free(s, TRUE);
    return rc;
}

/* ---- the commands -------------------------------------------------------- */

/* Every input is looked up as `ipasim run` will, before anything runs. */
static bool check_inputs(const struct ipa_sweep_spec *spec,
                         const char *spec_path, GError **error)
{
    for (guint k = 0; k < spec->axes->len; k++) {
        const struct ipa_sweep_axis *a = g_ptr_array_index(spec->axes, k);
        for (guint i = 0; i < a->args->len; i++) {
            const char *arg = g_ptr_array_index(a->args, i);
            GError *why = NULL;
            char *path = NULL;
            if (a->kind == IPA_SWEEP_TOPOLOGY)
                ipa_setup_topology_file(arg, &path, &why);
            else if (a->kind == IPA_SWEEP_TRACE)
                path = ipa_find_shipped(arg, "trace", "traces", &why);
            else if (a->kind == IPA_SWEEP_POLICY)
                path = ipa_setup_policy_file(arg, &why);
            g_free(path);
            if (why) {
                g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT, "%s: %s: %s",
                            spec_path, (char *)g_ptr_array_index(a->where, i),
                            why->message);
                g_error_free(why);
                return false;
            }
        }
    }
    return true;
}

/* The cells this invocation runs: those of --cell-list that are this
 * array task's, else all; less the finished ones unless --force. */
static GPtrArray *cells_to_run(const struct sweep_options *o,
                               const struct ipa_sweep_spec *spec,
                               const char *dir, GError **error)
{
    GPtrArray *todo = g_ptr_array_new();
    GHashTable *wanted = NULL;
    if (o->cell_list) {
        char *text = NULL;
        if (!g_file_get_contents(o->cell_list, &text, NULL, error)) {
            g_ptr_array_unref(todo);
            return NULL;
        }
        wanted = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        char **names = g_strsplit(text, "\n", -1);
        gint64 n = 0;
        for (char **p = names; *p; p++)
            if (**p && n++ % o->array_tasks == o->array_task)
                g_hash_table_add(wanted, g_strdup(*p));
        g_strfreev(names);
        g_free(text);
    }
    for (guint i = 0; i < spec->cells->len; i++) {
        struct ipa_sweep_cell *c = g_ptr_array_index(spec->cells, i);
        if (wanted && !g_hash_table_remove(wanted, c->name))
            continue;
        if (o->force || !ipa_sweep_cell_done(dir, c))
            g_ptr_array_add(todo, c);
    }
    if (wanted && g_hash_table_size(wanted)) {
        GHashTableIter it;
        gpointer name;
        g_hash_table_iter_init(&it, wanted);
        g_hash_table_iter_next(&it, &name, NULL);
        fprintf(stderr,
                "ipasim sweep: warning: %u cell%s of %s (%s...) not in the "
                "spec: was it changed after the job was submitted?\n",
                g_hash_table_size(wanted),
                g_hash_table_size(wanted) == 1 ? "" : "s", o->cell_list,
                (char *)name);
    }
    if (wanted)
        g_hash_table_destroy(wanted);
    return todo;
}

/* Have all the cells of a submission's @list ended? Each array task asks
 * once its own cells have: the last to end (and any that end with it)
 * rebuilds results.csv, which reads every report, rather than each of
 * possibly thousands of tasks. */
static bool submission_ended(const char *list,
                             const struct ipa_sweep_spec *spec,
                             const char *dir)
{
    char *text = NULL;
    if (!g_file_get_contents(list, &text, NULL, NULL))
        return true;
    GHashTable *listed = g_hash_table_new(g_str_hash, g_str_equal);
    char **names = g_strsplit(text, "\n", -1);
    for (char **p = names; *p; p++)
        g_hash_table_add(listed, *p);
    bool ended = true;
    for (guint i = 0; ended && i < spec->cells->len; i++) {
        const struct ipa_sweep_cell *c = g_ptr_array_index(spec->cells, i);
        ended = !g_hash_table_contains(listed, c->name) ||
                ipa_sweep_cell_ended(dir, c);
    }
    g_hash_table_destroy(listed);
    g_strfreev(names);
    g_free(text);
    return ended;
}

/* Failed cells, one line each in the spec's order. */
static int print_failures(const struct ipa_sweep_spec *spec, const char *dir)
{
    int failed = 0;
    for (guint i = 0; i < spec->cells->len; i++) {
        const struct ipa_sweep_cell *c = g_ptr_array_index(spec->cells, i);
        char *reason = NULL;
        bool bad = false;
        char *exit = ipa_sweep_cell_exit(dir, c, &reason, &bad);
        if (exit && bad) {
            printf("FAIL %s: %s%s%s\n", c->name, exit, *reason ? ": " : "",
                   reason);
            failed++;
        }
        g_free(exit);
        g_free(reason);
    }
    return failed;
}

static int sweep(const struct sweep_options *o, const char *spec_path)
{
    GError *error = NULL;
    struct ipa_sweep_spec *spec = NULL;
    struct state st = {0};
    GPtrArray *todo = NULL;
    char *exe = NULL, *cells_dir = NULL, *dir = NULL;
    int rc = IPA_EXIT_USAGE;
    bool slurm = o->engine && !strcmp(o->engine, "slurm");

    if (o->engine && !slurm && strcmp(o->engine, "local")) {
        g_set_error(&error, IPA_ERROR, IPA_ERROR_INPUT,
                    "--engine: expected 'local' or 'slurm', not '%s'",
                    o->engine);
        goto out;
    }
    if (slurm) { /* before anything: even a sweep with nothing to submit */
        GString *lines = g_string_new(NULL);
        bool ok = (!o->partition ||
                   sbatch_value(lines, "--partition", o->partition, &error)) &&
                  (!o->time || sbatch_value(lines, "--time", o->time, &error));
        g_string_free(lines, TRUE);
        if (!ok)
            goto out;
    }
    if (!ipa_sweep_spec_load(spec_path, &spec, &error) ||
        !check_inputs(spec, spec_path, &error))
        goto out;
    char *cwd = g_get_current_dir();
    dir = g_canonicalize_filename(o->output, cwd);
    g_free(cwd);
    cells_dir = g_build_filename(dir, "cells", NULL);
    const struct ipa_named_file out_dir = {"-o", dir};
    const struct ipa_named_file in = {"the spec", spec->path};
    if (!ipa_check_outputs(&out_dir, 1, &in, 1, &error))
        goto out;
    if (g_mkdir_with_parents(cells_dir, 0755) < 0) {
        g_set_error(&error, IPA_ERROR, IPA_ERROR_INPUT, "-o %s: %s", o->output,
                    g_strerror(errno));
        goto out;
    }
    state_read(dir, &st);
    if (st.spec && strcmp(st.spec, spec->path))
        fprintf(stderr,
                "ipasim sweep: warning: %s held the sweep of %s; its "
                "results.csv is now %s's\n",
                o->output, st.spec, spec_path);
    g_free(st.spec);
    st.spec = g_strdup(spec->path);
    if (!o->cell_list && !state_write(dir, &st, &error))
        goto out;
    exe = ipa_self_exe(&error);
    if (!exe)
        goto out;
    todo = cells_to_run(o, spec, dir, &error);
    if (!todo)
        goto out;
    /* the cells of a job still queued or running are its own; a sweep
     * moved to a machine without Slurm has no such job to wait for */
    char *squeue = st.jobs->len && !o->cell_list
                       ? g_find_program_in_path("squeue")
                       : NULL;
    bool live = (slurm || squeue) && !no_live_job(&st, dir, &error);
    g_free(squeue);
    if (live)
        goto out;
    if (slurm) {
        if (!todo->len) {
            printf("%u cells, all finished: nothing to submit\n",
                   spec->cells->len);
            rc = ipa_sweep_write_results(spec, dir, &error) ? IPA_EXIT_OK
                                                            : IPA_EXIT_USAGE;
            goto out;
        }
        rc = submit(o, spec, dir, exe, todo, &st);
        goto out;
    }
    if (!o->cell_list) {
        guint before = 0;
        for (guint i = 0; i < spec->cells->len; i++)
            before +=
                ipa_sweep_cell_done(dir, g_ptr_array_index(spec->cells, i));
        printf("%u cells: %u finished before, %u to run (-j %d%s)\n",
               spec->cells->len, before, todo->len, (int)o->jobs,
               o->force ? ", --force" : "");
    }
    fflush(stdout);
    struct runner r = {.spec = spec,
                       .dir = dir,
                       .exe = exe,
                       .max_jobs = (int)o->jobs,
                       .timeout_s = (int)o->timeout,
                       .tty = isatty(STDOUT_FILENO) && !o->cell_list};
    run_cells(&r, todo);
    if ((!o->cell_list || submission_ended(o->cell_list, spec, dir)) &&
        !ipa_sweep_write_results(spec, dir, &error))
        goto out;
    if (o->cell_list) {
        rc = IPA_EXIT_OK;
        goto out;
    }
    int failed = print_failures(spec, dir);
    printf("%u cells, %d failed: %s/results.csv\n", spec->cells->len, failed,
           o->output);
    rc = failed ? IPA_EXIT_FAIL : IPA_EXIT_OK;
out:
    if (error) {
        fprintf(stderr, "ipasim sweep: error: %s\n", error->message);
        g_error_free(error);
    }
    if (todo)
        g_ptr_array_unref(todo);
    if (st.jobs)
        state_fini(&st);
    ipa_sweep_spec_free(spec);
    g_free(exe);
    g_free(cells_dir);
    g_free(dir);
    return rc;
}

/* A sweep's directory, its state and spec, for --status and --cancel. */
static bool open_sweep(const char *dir, struct state *st,
                       struct ipa_sweep_spec **spec, GError **error)
{
    state_read(dir, st);
    if (!st->spec) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "%s: not a sweep's folder (no sweep.json)", dir);
        return false;
    }
    return !spec || ipa_sweep_spec_load(st->spec, spec, error);
}

static int status(const char *dir)
{
    GError *error = NULL;
    struct state st = {0};
    struct ipa_sweep_spec *spec = NULL;
    char *live = NULL;
    int rc = IPA_EXIT_USAGE;
    if (!open_sweep(dir, &st, &spec, &error))
        goto out;
    int done = 0, failed = 0, errors = 0;
    for (guint i = 0; i < spec->cells->len; i++) {
        const struct ipa_sweep_cell *c = g_ptr_array_index(spec->cells, i);
        char *reason = NULL;
        bool bad = false;
        char *exit = ipa_sweep_cell_exit(dir, c, &reason, &bad);
        if (exit && ipa_sweep_cell_done(dir, c)) {
            done++;
            failed += bad;
        } else if (exit) {
            errors++;
        }
        g_free(exit);
        g_free(reason);
    }
    printf("%s: %u cells: %d finished (%d failed), %d ended without a "
           "report, %u to run\n",
           dir, spec->cells->len, done, failed, errors,
           spec->cells->len - done - errors);
    if (st.jobs->len) {
        live = squeue_states(st.jobs, &error);
        if (!live)
            goto out;
        for (guint j = 0; j < st.jobs->len; j++) {
            const char *id = g_ptr_array_index(st.jobs, j);
            char *states = job_states(id, live);
            printf("slurm job %s: %s\n", id,
                   states ? states : "not queued or running");
            g_free(states);
        }
    }
    rc = IPA_EXIT_OK;
out:
    if (error) {
        fprintf(stderr, "ipasim sweep: error: %s\n", error->message);
        g_error_free(error);
    }
    g_free(live);
    if (st.jobs)
        state_fini(&st);
    ipa_sweep_spec_free(spec);
    return rc;
}

static int cancel(const char *dir)
{
    GError *error = NULL;
    struct state st = {0};
    int rc = IPA_EXIT_USAGE;
    char *live = NULL;
    if (!open_sweep(dir, &st, NULL, &error))
        goto out;
    live = squeue_states(st.jobs, &error);
    if (!live)
        goto out;
    rc = IPA_EXIT_OK;
    for (guint j = 0; j < st.jobs->len; j++) {
        char *id = g_ptr_array_index(st.jobs, j);
        char *states = job_states(id, live);
        g_free(states);
        if (!states)
            continue;
        char *argv[] = {"scancel", id, NULL};
        char *out = slurm_command(argv, &error);
        if (!out) {
            rc = IPA_EXIT_USAGE;
            goto out;
        }
        g_free(out);
        printf("cancelled slurm job %s\n", id);
    }
out:
    if (error) {
        fprintf(stderr, "ipasim sweep: error: %s\n", error->message);
        g_error_free(error);
    }
    g_free(live);
    if (st.jobs)
        state_fini(&st);
    return rc;
}

static int read_back(const struct sweep_options *o)
{
    const char *dir = o->summary ? o->summary : o->plot;
    GError *error = NULL;
    struct ipa_sweep_table t;
    char *csv = g_build_filename(dir, "results.csv", NULL);
    char *plots = g_build_filename(dir, "plots", NULL);
    char **by = o->by ? g_strsplit(o->by, ",", -1) : NULL;
    char **metrics = o->metrics ? g_strsplit(o->metrics, ",", -1) : NULL;
    bool ok =
        ipa_sweep_table_load(csv, &t, &error) &&
        (o->summary ? ipa_sweep_summary(&t, by, metrics, stdout, &error)
                    : ipa_sweep_plot(&t, o->x, by, metrics, plots, &error));
    if (ok && o->plot)
        printf("figures in %s\n", plots);
    if (error) {
        fprintf(stderr, "ipasim sweep: error: %s\n", error->message);
        g_error_free(error);
    }
    ipa_sweep_table_fini(&t);
    g_strfreev(by);
    g_strfreev(metrics);
    g_free(csv);
    g_free(plots);
    return ok ? IPA_EXIT_OK : IPA_EXIT_USAGE;
}

int ipa_cmd_sweep(int argc, char **argv)
{
    gboolean help = FALSE;
    struct sweep_options o = {.jobs = (gint64)g_get_num_processors(),
                              .timeout = 600,
                              .array_task = -1};
    GOptionEntry entries[] = {
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output,
         "the sweep's folder: cells/, results.csv", "DIR"},
        {"jobs", 'j', 0, G_OPTION_ARG_INT64, &o.jobs,
         "cells at a time (default: one per core)", "N"},
        {"force", 0, 0, G_OPTION_ARG_NONE, &o.force,
         "run finished cells again too", NULL},
        {"timeout", 0, 0, G_OPTION_ARG_INT64, &o.timeout,
         "kill a cell's run after this long (default 600)", "SECONDS"},
        {"engine", 0, 0, G_OPTION_ARG_STRING, &o.engine,
         "run the cells here (default) or as a Slurm job array", "local|slurm"},
        {"partition", 0, 0, G_OPTION_ARG_STRING, &o.partition,
         "Slurm partition (sbatch --partition)", "NAME"},
        {"time", 0, 0, G_OPTION_ARG_STRING, &o.time,
         "time limit of each array task (sbatch --time)", "TIME"},
        {"cpus-per-task", 0, 0, G_OPTION_ARG_INT64, &o.cpus,
         "CPUs of each array task, its cells at a time (sbatch "
         "--cpus-per-task)",
         "N"},
        {"max-parallel", 0, 0, G_OPTION_ARG_INT64, &o.max_parallel,
         "array tasks running at once (sbatch --array=...%N)", "N"},
        {"tasks", 0, 0, G_OPTION_ARG_INT64, &o.tasks,
         "array tasks to share the cells (default one per cell, up to "
         "1000)",
         "N"},
        {"dry-run", 0, 0, G_OPTION_ARG_NONE, &o.dry_run,
         "write the batch script in DIR/slurm/, do not submit it", NULL},
        {"status", 0, 0, G_OPTION_ARG_FILENAME, &o.status,
         "how far the sweep in DIR is, and its Slurm jobs", "DIR"},
        {"cancel", 0, 0, G_OPTION_ARG_FILENAME, &o.cancel,
         "cancel the sweep's Slurm jobs (scancel)", "DIR"},
        {"summary", 0, 0, G_OPTION_ARG_FILENAME, &o.summary,
         "mean, min and max of DIR/results.csv per group", "DIR"},
        {"plot", 0, 0, G_OPTION_ARG_FILENAME, &o.plot,
         "figures of DIR/results.csv into DIR/plots/", "DIR"},
        {"by", 0, 0, G_OPTION_ARG_STRING, &o.by,
         "columns to group by (--summary, --plot's lines)", "COLUMNS"},
        {"metrics", 0, 0, G_OPTION_ARG_STRING, &o.metrics,
         "figures to show (results.csv columns)", "COLUMNS"},
        {"x", 0, 0, G_OPTION_ARG_STRING, &o.x,
         "--plot's x axis (default: the first param)", "COLUMN"},
        {"cell-list", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME,
         &o.cell_list, "", NULL},
        {"array-task", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT64,
         &o.array_task, "", NULL},
        {"array-tasks", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT64,
         &o.array_tasks, "", NULL},
        {"help", 'h', 0, G_OPTION_ARG_NONE, &help, "this help", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    GOptionContext *ctx = g_option_context_new(NULL);
    g_option_context_set_summary(ctx, help_fmt);
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_help_enabled(ctx, FALSE);
    GError *error = NULL;
    int code = IPA_EXIT_USAGE;
    int modes;
    const char *bad = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        fprintf(stderr, "ipasim sweep: error: %s\nTry 'ipasim sweep --help'.\n",
                error->message);
        g_error_free(error);
        goto out;
    }
    modes = !!o.status + !!o.summary + !!o.plot + !!o.cancel;
    if (help) {
        ipa_cli_print_help(ctx, sweep_usage, stdout);
        code = IPA_EXIT_OK;
    } else if (modes > 1 || (modes && argc > 1)) {
        bad = "--status, --cancel, --summary and --plot each take a sweep's "
              "folder, alone";
    } else if (!modes && (argc != 2 || !o.output)) {
        bad = argc > 2 ? "one SPEC at a time" : "a SPEC and -o DIR are needed";
    } else if (o.jobs < 1 || o.jobs > 4096) {
        bad = "-j: from 1 to 4096 cells at a time";
    } else if (o.timeout < 1 || o.timeout > 30 * 86400) {
        bad = "--timeout: from 1 to 2592000 seconds";
    } else if (o.cpus < 0 || o.max_parallel < 0 || o.tasks < 0) {
        bad = "--cpus-per-task, --max-parallel and --tasks are positive";
    } else if (o.cell_list && (o.array_tasks < 1 || o.array_task < 0 ||
                               o.array_task >= o.array_tasks)) {
        bad = "--cell-list needs --array-task I --array-tasks N, 0 <= I < N";
    } else if (modes) {
        code = o.status   ? status(o.status)
               : o.cancel ? cancel(o.cancel)
                          : read_back(&o);
    } else {
        code = sweep(&o, argv[1]);
    }
    if (bad)
        fprintf(stderr,
                "ipasim sweep: error: %s\n%s\nTry 'ipasim sweep "
                "--help'.\n",
                bad, sweep_usage);
out:
    g_option_context_free(ctx);
    g_free(o.output);
    g_free(o.engine);
    g_free(o.status);
    g_free(o.summary);
    g_free(o.plot);
    g_free(o.cancel);
    g_free(o.by);
    g_free(o.metrics);
    g_free(o.x);
    g_free(o.partition);
    g_free(o.time);
    g_free(o.cell_list);
    return code;
}
