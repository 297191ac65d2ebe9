/* `ipasim gen taskset`: a random periodic task set as a native trace. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/setup.h"
#include "trace/import.h"
#include "trace/taskset.h"
#include "trace/trace.h"
#include "util/common.h"
#include "util/duration.h"
#include "util/outfile.h"

static const char help_fmt[] =
    "usage: ipasim gen taskset --cpus M --tasks N [options] [-o OUT.json]\n"
    "\n"
    "Writes a random set of N periodic tasks for M CPUs as a native trace\n"
    "(docs/trace-format.md, \"Task sets\"): each task's utilisation is drawn\n"
    "so that they sum to the total, its period from the period set, its\n"
    "WCET is utilisation x period; every task is released at 0 and runs\n"
    "its jobs up to the horizon. The same options and seed give the same\n"
    "file.\n"
    "\n"
    "  --cpus M               the CPU count the set is for (required)\n"
    "  --tasks N              the task count (required)\n"
    "  --utilisation U        the total utilisation (default 0.8 x M)\n"
    "  --periods LIST         periods drawn uniformly (default\n"
    "                         10ms,20ms,50ms,100ms)\n"
    "  --method M             uunifast (UUniFast-discard, the default) or\n"
    "                         randfixedsum (Stafford's RandFixedSum)\n"
    "  --deadlines D          implicit (= period, the default) or\n"
    "                         constrained (uniform in [WCET, period])\n"
    "  --horizon DUR          how long the tasks run (default 1s)\n"
    "  --seed S               (default 1)\n"
    "  -o FILE                write the trace there (else standard output)\n"
    "  -h, --help             this help\n"
    "\n"
    "Exit status: 0 ok, 2 bad usage.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "ipasim gen: error: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", help_fmt);
    return IPA_EXIT_USAGE;
}

/* "10ms,20ms": the durations of a comma-separated list. */
static bool parse_periods(const char *text, GArray *out)
{
    char **parts = g_strsplit(text, ",", -1);
    bool ok = parts[0] != NULL;
    for (int i = 0; parts[i] && ok; i++) {
        uint64_t ns = 0;
        ok = ipa_duration_parse(g_strstrip(parts[i]), &ns) && ns > 0;
        g_array_append_val(out, ns);
    }
    g_strfreev(parts);
    return ok;
}

static bool parse_int(const char *text, gint64 lo, gint64 hi, gint64 *out)
{
    return g_ascii_string_to_signed(text, 10, lo, hi, out, NULL);
}

static int gen_taskset(int argc, char **argv)
{
    struct ipa_taskset_params p = {.method = IPA_TASKSET_UUNIFAST, .seed = 1};
    const char *out = NULL, *periods = "10ms,20ms,50ms,100ms";
    uint64_t horizon_ns = UINT64_C(1000000000);
    double utilisation = -1;
    gint64 v;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(help_fmt, stdout);
            return IPA_EXIT_OK;
        }
        if (a[0] != '-' || !a[1])
            return usage_error("unexpected argument '%s'", a);
        if (i + 1 >= argc)
            return usage_error("%s needs a value", a);
        const char *val = argv[++i];
        if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            out = val;
        } else if (!strcmp(a, "--cpus")) {
            if (!parse_int(val, 1, 1 << 20, &v))
                return usage_error("--cpus: expected a CPU count, not '%s'",
                                   val);
            p.nr_cpus = (int)v;
        } else if (!strcmp(a, "--tasks")) {
            if (!parse_int(val, 1, 100000, &v))
                return usage_error("--tasks: expected a task count from 1 to "
                                   "100000, not '%s'",
                                   val);
            p.nr_tasks = (int)v;
        } else if (!strcmp(a, "--utilisation") ||
                   !strcmp(a, "--utilization")) {
            char *end = NULL;
            utilisation = g_ascii_strtod(val, &end);
            if (!*val || *end || !(utilisation > 0))
                return usage_error("--utilisation: expected a positive "
                                   "number, not '%s'",
                                   val);
        } else if (!strcmp(a, "--periods")) {
            periods = val;
        } else if (!strcmp(a, "--method")) {
            if (!strcmp(val, "uunifast"))
                p.method = IPA_TASKSET_UUNIFAST;
            else if (!strcmp(val, "randfixedsum"))
                p.method = IPA_TASKSET_RANDFIXEDSUM;
            else
                return usage_error("--method is uunifast or randfixedsum, "
                                   "not '%s'",
                                   val);
        } else if (!strcmp(a, "--deadlines")) {
            if (strcmp(val, "implicit") && strcmp(val, "constrained"))
                return usage_error("--deadlines is implicit or constrained, "
                                   "not '%s'",
                                   val);
            p.constrained = !strcmp(val, "constrained");
        } else if (!strcmp(a, "--horizon")) {
            if (!ipa_duration_parse(val, &horizon_ns) || !horizon_ns)
                return usage_error("--horizon: expected a positive duration "
                                   "like \"1s\", not '%s'",
                                   val);
        } else if (!strcmp(a, "--seed")) {
            if (!parse_int(val, 0, G_MAXINT64, &v))
                return usage_error("--seed: expected an integer from 0, not "
                                   "'%s'",
                                   val);
            p.seed = (uint64_t)v;
        } else {
            return usage_error("unknown option '%s'", a);
        }
    }
    if (!p.nr_cpus || !p.nr_tasks)
        return usage_error("%s", "--cpus and --tasks are required");
    GArray *list = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    if (!parse_periods(periods, list)) {
        g_array_free(list, TRUE);
        return usage_error("--periods: expected positive durations like "
                           "\"10ms,20ms\", not '%s'",
                           periods);
    }
    p.periods = (const uint64_t *)(const void *)list->data;
    p.nr_periods = (int)list->len;
    p.utilisation = utilisation > 0 ? utilisation : 0.8 * p.nr_cpus;

    int rc = IPA_EXIT_USAGE;
    GError *error = NULL;
    char *json = NULL, *description = NULL;
    struct json_object *root = NULL;
    struct ipa_trace *check = NULL;
    GArray *tasks = ipa_taskset_generate(&p, &error);
    if (!tasks)
        goto out;
    GString *h = g_string_new(NULL);
    ipa_duration_format(h, horizon_ns);
    description = g_strdup_printf(
        "ipasim gen taskset: %d tasks for %d CPUs, total utilisation %g, "
        "%s, %s deadlines, seed %llu; released at 0, up to %s",
        p.nr_tasks, p.nr_cpus, p.utilisation,
        p.method == IPA_TASKSET_UUNIFAST ? "UUniFast-discard"
                                         : "RandFixedSum",
        p.constrained ? "constrained" : "implicit",
        (unsigned long long)p.seed, h->str);
    g_string_free(h, TRUE);
    root = ipa_taskset_trace(tasks, horizon_ns, "taskset", description);
    json = ipa_trace_json_text(root);
    /* what is written must load back as it is */
    if (!ipa_trace_parse_json(out ? out : "taskset", json, strlen(json),
                              &check, &error))
        goto out;
    if (!out)
        fputs(json, stdout);
    else if (!ipa_write_file(out, json, strlen(json), &error))
        goto out;
    rc = IPA_EXIT_OK;
out:
    if (error) {
        fprintf(stderr, "ipasim gen: error: %s\n", error->message);
        g_error_free(error);
    }
    ipa_trace_free(check);
    if (root)
        json_object_put(root);
    g_free(json);
    g_free(description);
    ipa_taskset_free(tasks);
    g_array_free(list, TRUE);
    return rc;
}

int ipa_cmd_gen(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        fputs(help_fmt, stdout);
        return IPA_EXIT_OK;
    }
    if (argc < 2 || strcmp(argv[1], "taskset")) {
        fprintf(stderr, "ipasim gen: error: %s\n%s",
                argc < 2 ? "what to generate? (taskset)"
                         : "unknown generator (expected taskset)",
                help_fmt);
        return IPA_EXIT_USAGE;
    }
    return gen_taskset(argc - 1, argv + 1);
}
