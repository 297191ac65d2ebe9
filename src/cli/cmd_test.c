/*
 * cmd_test.c - `ipasim test`: runs scenario files (docs/scenarios.md).
 *
 * Each run of each scenario is a child process of this very executable
 * (`ipasim run ... --json FILE --quiet`, cli/children.h), so a policy
 * that crashes takes down its run only. Up to one child per core runs at a time; results are
 * printed in the order the scenarios were given.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cli/children.h"
#include "cli/commands.h"
#include "cli/setup.h"
#include "scenario/scenario.h"
#include "util/common.h"
#include "util/outfile.h"
#include "util/paths.h"

static const char help_fmt[] =
    "usage: ipasim test [-j N] [--junit FILE] [--timeout SECONDS]\n"
    "                   [--spin-limit N] [--max-input-size SIZE] "
    "FILES-OR-DIRS...\n"
    "\n"
    "Runs scenario files (docs/scenarios.md; a folder means every .json\n"
    "file directly in it) and checks each run's report against the scenario's\n"
    "expectations. Prints one line per scenario, PASS or FAIL with the\n"
    "reason, and ends with 'N passed, N failed'.\n"
    "\n"
    "  -j, --jobs N       runs at a time (default: one per core)\n"
    "  --junit FILE       also write a JUnit XML report there\n"
    "  --timeout SECONDS  kill a run after this long (default 600)\n"
    "  --spin-limit N     passed to every run, over a scenario's own\n"
    "  --max-input-size SIZE\n"
    "                     largest file read, by this command and every run\n"
    "  -h, --help         this help\n"
    "\n"
    "Exit status: 0 all passed, 1 some failed, 2 bad usage or an\n"
    "unreadable or invalid scenario file.\n";

struct job {
    int scenario, run;
    char *json, *log; /* report, and the child's stdout and stderr */
};

struct tester {
    GPtrArray *scenarios;      /* struct ipa_scenario * */
    GArray *jobs;              /* struct job */
    struct ipa_child *children; /* by job */
    int *first_job;            /* per scenario: its first job */
    char *exe, *tmpdir;
    GPtrArray *run_args; /* NULL-terminated: given to every run */
    int max_jobs, timeout_s;
    bool tty;
    /* while running */
    int ended, printed, passed;
    char **fail;   /* per scenario: why it failed, NULL if it passed */
    double *secs;  /* per scenario: wall-clock time of its runs */
};

/* Scenario files: FILE as given, or every .json directly in DIR, sorted
 * (so a scenario folder can keep its inputs in a subfolder). */
static bool collect(const char *arg, GPtrArray *out, GError **error)
{
    if (!g_file_test(arg, G_FILE_TEST_IS_DIR)) {
        g_ptr_array_add(out, g_strdup(arg));
        return true;
    }
    GDir *d = g_dir_open(arg, 0, error);
    if (!d)
        return false;
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *n;
    while ((n = g_dir_read_name(d)))
        g_ptr_array_add(names, g_build_filename(arg, n, NULL));
    g_dir_close(d);
    g_ptr_array_sort(names, ipa_cmp_strings);
    for (guint i = 0; i < names->len; i++) {
        const char *p = g_ptr_array_index(names, i);
        if (g_str_has_suffix(p, ".json") &&
            !g_file_test(p, G_FILE_TEST_IS_DIR))
            g_ptr_array_add(out, g_strdup(p));
    }
    g_ptr_array_unref(names);
    return true;
}

static void prepare_job(void *ctx, int k, struct ipa_child *child)
{
    struct tester *t = ctx;
    struct job *j = &g_array_index(t->jobs, struct job, k);
    const struct ipa_scenario *sc = g_ptr_array_index(t->scenarios, j->scenario);
    child->argv = ipa_scenario_argv(sc, j->run, t->exe, j->json,
                                    (const char *const *)t->run_args->pdata);
    child->log = j->log;
}

/* The last non-empty line the child wrote. */
static char *last_line(const char *path)
{
    char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return g_strdup("");
    g_strchomp(text);
    char *nl = strrchr(text, '\n');
    char *line = g_strdup(nl ? nl + 1 : text);
    g_free(text);
    return line;
}

/* Why a scenario failed, NULL if it passed. */
static char *judge(struct tester *t, int s)
{
    const struct ipa_scenario *sc = g_ptr_array_index(t->scenarios, s);
    guint n = sc->runs->len;
    struct ipa_run_report *reps = g_new0(struct ipa_run_report, n);
    GString *why = g_string_new(NULL);
    for (guint i = 0; i < n; i++) {
        int k = t->first_job[s] + (int)i;
        struct job *j = &g_array_index(t->jobs, struct job, k);
        const struct ipa_child *c = &t->children[k];
        const struct ipa_scenario_run *r = g_ptr_array_index(sc->runs, i);
        GError *error = NULL;
        if (c->timed_out) {
            g_string_append_printf(why, "%s: no result after %ds (killed)\n",
                                   r->policy, t->timeout_s);
        } else if (WIFSIGNALED(c->status)) {
            char *l = last_line(j->log);
            g_string_append_printf(why, "%s: ipasim run crashed (signal %d, "
                                        "%s)%s%s\n",
                                   r->policy, WTERMSIG(c->status),
                                   g_strsignal(WTERMSIG(c->status)),
                                   *l ? ": " : "", l);
            g_free(l);
        } else if (!ipa_run_report_read(j->json, &reps[i], &error)) {
            char *l = last_line(j->log);
            g_string_append_printf(why, "%s: ipasim run failed (exit %d)%s%s\n",
                                   r->policy,
                                   WIFEXITED(c->status) ? WEXITSTATUS(c->status)
                                                        : -1,
                                   *l ? ": " : "", l);
            g_free(l);
            g_error_free(error);
        }
    }
    char *v = ipa_scenario_judge(sc, reps);
    if (v)
        g_string_append_printf(why, "%s\n", v);
    g_free(v);
    for (guint i = 0; i < n; i++)
        ipa_run_report_fini(&reps[i]);
    g_free(reps);
    if (!why->len) {
        g_string_free(why, true);
        return NULL;
    }
    g_string_truncate(why, why->len - 1);
    /* one line per scenario */
    char **lines = g_strsplit(why->str, "\n", -1);
    char *one = g_strjoinv("; ", lines);
    g_strfreev(lines);
    g_string_free(why, true);
    return one;
}

static void progress(void *ctx)
{
    struct tester *t = ctx;
    if (!t->tty)
        return;
    printf("\r\033[K[%d/%d runs] ", t->ended, t->jobs->len);
    int shown = 0;
    for (guint k = 0; k < t->jobs->len && shown < 3; k++) {
        struct job *j = &g_array_index(t->jobs, struct job, k);
        if (t->children[k].started && !t->children[k].done) {
            const struct ipa_scenario *sc =
                g_ptr_array_index(t->scenarios, j->scenario);
            const struct ipa_scenario_run *r = g_ptr_array_index(sc->runs, j->run);
            printf("%s%s (%s)", shown ? ", " : "", sc->name, r->policy);
            shown++;
        }
    }
    fflush(stdout);
}

/* Prints the scenarios whose runs have all ended, in order. */
static void job_ended(void *ctx, int k, struct ipa_child *child,
                      const char *why)
{
    struct tester *t = ctx;
    (void)k;
    (void)child;
    t->ended++;
    if (why)
        fprintf(stderr, "ipasim test: error: %s\n", why);
    int nsc = (int)t->scenarios->len;
    while (t->printed < nsc) {
        const struct ipa_scenario *sc =
            g_ptr_array_index(t->scenarios, t->printed);
        int first = t->first_job[t->printed], n = (int)sc->runs->len;
        bool all = true;
        for (int i = 0; i < n; i++)
            all &= t->children[first + i].done;
        if (!all)
            break;
        for (int i = 0; i < n; i++) {
            const struct ipa_child *c = &t->children[first + i];
            if (c->end_us > c->start_us)
                t->secs[t->printed] += (double)(c->end_us - c->start_us) / 1e6;
        }
        char *fail = judge(t, t->printed);
        t->fail[t->printed] = fail;
        if (t->tty)
            printf("\r\033[K");
        if (fail)
            printf("FAIL %s: %s\n", sc->name, fail);
        else
            printf("PASS %s\n", sc->name);
        t->passed += !fail;
        fflush(stdout);
        t->printed++;
    }
}

static int run_all(struct tester *t, struct ipa_outfile *junit)
{
    static const struct ipa_children_ops ops = {
        .prepare = prepare_job, .ended = job_ended, .changed = progress};
    int nsc = (int)t->scenarios->len, total = (int)t->jobs->len;
    int rc = IPA_EXIT_OK;

    t->fail = g_new0(char *, nsc);
    t->secs = g_new0(double, nsc);
    t->children = g_new0(struct ipa_child, MAX(total, 1));
    ipa_children_run(t->children, total, t->max_jobs, t->timeout_s, &ops, t);
    printf("%d passed, %d failed\n", t->passed, nsc - t->passed);
    if (t->passed < nsc)
        rc = IPA_EXIT_FAIL;
    if (junit) {
        GError *error = NULL;
        ipa_junit_print(junit->f, t->scenarios, t->fail, t->secs);
        if (!ipa_outfile_commit(junit, &error)) {
            fprintf(stderr, "ipasim test: error: %s\n", error->message);
            g_error_free(error);
            rc = IPA_EXIT_USAGE;
        }
    }
    for (int s = 0; s < nsc; s++)
        g_free(t->fail[s]);
    for (int k = 0; k < total; k++)
        g_strfreev(t->children[k].argv);
    g_free(t->children);
    g_free(t->fail);
    g_free(t->secs);
    return rc;
}

static bool parse_count(const char *flag, const char *text, int lo, int hi,
                        int *out)
{
    gint64 v;
    if (!text || !g_ascii_string_to_signed(text, 10, lo, hi, &v, NULL)) {
        fprintf(stderr,
                "ipasim test: error: %s expects an integer from %d to %d\n",
                flag, lo, hi);
        return false;
    }
    *out = (int)v;
    return true;
}

/* A policy, trace or topology that is not there fails the scenario's
 * validation, before anything runs, rather than its run later: the
 * names are found as `ipasim run` will find them. */
static bool check_inputs(const struct ipa_scenario *sc, GError **error)
{
    GError *why = NULL;
    char *path = NULL;
    bool found = ipa_setup_topology_file(sc->topology, &path, &why);
    if (found && sc->recorded_on) {
        g_free(path);
        path = NULL;
        found = ipa_setup_topology_file(sc->recorded_on, &path, &why);
    }
    if (found) {
        g_free(path);
        path = ipa_find_shipped(sc->trace, "trace", "traces", &why);
    }
    for (guint r = 0; path && r < sc->runs->len; r++) {
        const struct ipa_scenario_run *run = g_ptr_array_index(sc->runs, r);
        g_free(path);
        path = ipa_setup_policy_file(run->arg, &why);
    }
    if (!why) {
        g_free(path);
        return true;
    }
    g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT, "%s: %s", sc->path,
                why->message);
    g_error_free(why);
    return false;
}

/* Refuses a --junit FILE that is one of the scenarios or of their
 * inputs, before anything runs. */
static bool check_junit(const char *junit, GPtrArray *files,
                        GPtrArray *scenarios, GError **error)
{
    GArray *inputs = g_array_new(FALSE, FALSE, sizeof(struct ipa_named_file));
    for (guint i = 0; i < files->len; i++) {
        const struct ipa_named_file f = {"a scenario",
                                         g_ptr_array_index(files, i)};
        g_array_append_val(inputs, f);
    }
    for (guint i = 0; i < scenarios->len; i++) {
        const struct ipa_scenario *sc = g_ptr_array_index(scenarios, i);
        const struct ipa_named_file trace = {"a scenario's trace", sc->trace};
        const struct ipa_named_file topo = {"a scenario's topology",
                                            sc->topology};
        g_array_append_val(inputs, trace);
        g_array_append_val(inputs, topo);
        if (sc->recorded_on) {
            const struct ipa_named_file on = {"a scenario's recorded_on",
                                              sc->recorded_on};
            g_array_append_val(inputs, on);
        }
        for (guint r = 0; r < sc->runs->len; r++) {
            const struct ipa_scenario_run *run = g_ptr_array_index(sc->runs, r);
            const struct ipa_named_file policy = {"a scenario's policy",
                                                  run->arg};
            g_array_append_val(inputs, policy);
        }
    }
    const struct ipa_named_file output = {"--junit", junit};
    bool ok = ipa_check_outputs(
        &output, 1, (const struct ipa_named_file *)(void *)inputs->data,
        (int)inputs->len, error);
    g_array_free(inputs, TRUE);
    return ok;
}

int ipa_cmd_test(int argc, char **argv)
{
    struct tester t = {.max_jobs = (int)g_get_num_processors(),
                       .timeout_s = 600};
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    const char *junit = NULL;
    struct ipa_outfile junit_out = {0};
    GError *error = NULL;
    int rc = IPA_EXIT_USAGE;

    t.scenarios = g_ptr_array_new_with_free_func((GDestroyNotify)ipa_scenario_free);
    t.jobs = g_array_new(false, true, sizeof(struct job));
    t.run_args = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(t.run_args, NULL);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(help_fmt, stdout);
            rc = IPA_EXIT_OK;
            goto out;
        } else if (!strcmp(a, "-j") || !strcmp(a, "--jobs")) {
            if (!parse_count(a, i + 1 < argc ? argv[++i] : NULL, 1, 1024,
                             &t.max_jobs))
                goto out;
        } else if (!strcmp(a, "--timeout")) {
            if (!parse_count(a, i + 1 < argc ? argv[++i] : NULL, 1, 86400,
                             &t.timeout_s))
                goto out;
        } else if (!strcmp(a, "--spin-limit")) {
            int limit = 0;
            if (!parse_count(a, i + 1 < argc ? argv[++i] : NULL, 0, INT_MAX,
                             &limit))
                goto out;
            g_ptr_array_insert(t.run_args, t.run_args->len - 1, g_strdup(a));
            g_ptr_array_insert(t.run_args, t.run_args->len - 1,
                               g_strdup_printf("%d", limit));
        } else if (!strcmp(a, "--max-input-size")) {
            if (++i >= argc || !ipa_setup_max_input(argv[i], &error)) {
                fprintf(stderr, "ipasim test: error: %s\n",
                        error ? error->message
                              : "--max-input-size needs a size");
                goto out;
            }
            g_ptr_array_insert(t.run_args, t.run_args->len - 1, g_strdup(a));
            g_ptr_array_insert(t.run_args, t.run_args->len - 1,
                               g_strdup(argv[i]));
        } else if (!strcmp(a, "--junit")) {
            if (++i >= argc) {
                fprintf(stderr, "ipasim test: error: --junit needs a file\n");
                goto out;
            }
            junit = argv[i];
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "ipasim test: error: unknown option '%s'\n%s", a,
                    help_fmt);
            goto out;
        } else {
            GPtrArray *found = g_ptr_array_new_with_free_func(g_free);
            if (!collect(a, found, &error)) {
                g_ptr_array_unref(found);
                fprintf(stderr, "ipasim test: error: %s\n", error->message);
                goto out;
            }
            if (!found->len)
                fprintf(stderr,
                        "ipasim test: warning: no .json file in '%s'\n", a);
            for (guint k = 0; k < found->len; k++)
                g_ptr_array_add(files, g_strdup(g_ptr_array_index(found, k)));
            g_ptr_array_unref(found);
        }
    }
    if (!files->len) {
        fputs(help_fmt, stderr);
        goto out;
    }
    /* every file must be valid before anything runs */
    for (guint i = 0; i < files->len; i++) {
        struct ipa_scenario *sc = NULL;
        if (!ipa_scenario_load(g_ptr_array_index(files, i), &sc, &error)) {
            fprintf(stderr, "ipasim test: error: %s\n", error->message);
            goto out;
        }
        g_ptr_array_add(t.scenarios, sc);
    }
    for (guint i = 0; i < t.scenarios->len; i++)
        if (!check_inputs(g_ptr_array_index(t.scenarios, i), &error)) {
            fprintf(stderr, "ipasim test: error: %s\n", error->message);
            goto out;
        }
    /* An unwritable --junit is found now, not after every run. */
    if (junit && (!check_junit(junit, files, t.scenarios, &error) ||
                  !ipa_outfile_open(&junit_out, junit, &error))) {
        fprintf(stderr, "ipasim test: error: %s\n", error->message);
        goto out;
    }
    t.exe = ipa_self_exe(&error);
    t.tmpdir = t.exe ? g_dir_make_tmp("ipasim-test-XXXXXX", &error) : NULL;
    if (!t.tmpdir) {
        fprintf(stderr, "ipasim test: error: %s\n", error->message);
        goto out;
    }
    t.first_job = g_new0(int, t.scenarios->len);
    for (guint s = 0; s < t.scenarios->len; s++) {
        const struct ipa_scenario *sc = g_ptr_array_index(t.scenarios, s);
        t.first_job[s] = (int)t.jobs->len;
        for (guint r = 0; r < sc->runs->len; r++) {
            struct job j = {.scenario = (int)s, .run = (int)r};
            j.json = g_strdup_printf("%s/%u.%u.json", t.tmpdir, s, r);
            j.log = g_strdup_printf("%s/%u.%u.log", t.tmpdir, s, r);
            g_array_append_val(t.jobs, j);
        }
    }
    t.tty = isatty(STDOUT_FILENO);
    rc = run_all(&t, junit ? &junit_out : NULL);
out:
    ipa_outfile_discard(&junit_out);
    if (error)
        g_error_free(error);
    for (guint k = 0; k < t.jobs->len; k++) {
        struct job *j = &g_array_index(t.jobs, struct job, k);
        g_unlink(j->json);
        g_unlink(j->log);
        g_free(j->json);
        g_free(j->log);
    }
    if (t.tmpdir)
        g_rmdir(t.tmpdir);
    g_free(t.tmpdir);
    g_free(t.exe);
    g_free(t.first_job);
    g_array_unref(t.jobs);
    g_ptr_array_unref(t.scenarios);
    g_ptr_array_unref(t.run_args);
    g_ptr_array_unref(files);
    return rc;
}
