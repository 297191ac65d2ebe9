/*
 * cmd_analyze.c - `ipasim analyze`: a kernel recording's own schedule,
 * reported as a run (engine/replay.c).
 */
#include <string.h>

#include "cli/commands.h"
#include "cli/outputs.h"
#include "cli/setup.h"
#include "engine/sim.h"
#include "report/report.h"
#include "topo/topo.h"
#include "trace/recorded.h"
#include "trace/trace.h"
#include "util/common.h"

static const char analyze_usage[] =
    "usage: ipasim analyze RECORDING [--topo TOPOLOGY] [options]";

static const char help_fmt[] =
    "Reports what the machine of a kernel recording did, in the forms of a\n"
    "run's report: per-thread CPU time, wait time, wake-up latency (wake-up\n"
    "to switch-in), switches and migrations, per-core busy time, and the\n"
    "work-conservation monitor applied to the recorded schedule (idle CPUs\n"
    "while runnable threads that could run there waited). 'ipasim compare'\n"
    "then puts its --json beside a run's.\n"
    "\n"
    "  RECORDING  the text of 'trace-cmd report' (with or without -R),\n"
    "             trace_pipe, a systrace HTML page, or 'perf script', with\n"
    "             sched_switch lines (docs/trace-format.md)\n"
    "  TOPOLOGY   the recorded machine, as for 'ipasim run'; by default\n"
    "             \"pack:1 core:N pu:1\", N the recording's CPU count\n"
    "\n"
    "Per-CPU kernel threads (ksoftirqd/N, migration/N, kworker/N:M, ...)\n"
    "may only run on their CPU; every other thread on any CPU: recordings\n"
    "do not carry affinities.\n"
    "\n"
    "Exit status: 0 ok; 1 flagged intervals with --fail-on-wc; 2 bad usage\n"
    "or unreadable input.";

struct analyze_options {
    char *topo, *threshold, *max_input;
    struct ipa_outputs out;
    gint64 threads;
    gboolean fail_on_wc;
};

static bool check_outputs(const struct analyze_options *o,
                          const char *recording, GError **error)
{
    struct ipa_named_file outputs[4];
    int nr_outputs = ipa_outputs_named(&o->out, outputs);
    const struct ipa_named_file inputs[] = {
        {"the recording", recording},
        {"the topology", o->topo},
    };
    return ipa_check_outputs(outputs, nr_outputs, inputs,
                             G_N_ELEMENTS(inputs), error);
}

static int analyze(struct analyze_options *o, const char *recording)
{
    GError *error = NULL;
    struct ipa_sim_config config;
    struct ipa_topo *topo = NULL;
    struct ipa_trace *trace = NULL;
    struct ipa_recorded *sched = NULL;
    struct ipa_sim *sim = NULL;
    char *topo_name = NULL;
    int code = IPA_EXIT_USAGE;

    ipa_sim_config_defaults(&config);
    if (!ipa_setup_duration("--wc-threshold", o->threshold,
                            &config.wc_threshold_ns, &error) ||
        !ipa_setup_max_input(o->max_input, &error) ||
        !ipa_outputs_setup(&o->out, 1000000000ull / config.hz, &error) ||
        !check_outputs(o, recording, &error))
        goto out;
    if (!ipa_trace_load_recorded(recording, &trace, &sched, &error))
        goto out;
    if (o->topo) {
        if (!ipa_setup_topology(o->topo, &topo, &error))
            goto out;
        topo_name = g_path_get_basename(o->topo);
    } else {
        topo_name =
            g_strdup_printf("pack:1 core:%d pu:1", MAX(sched->nr_cpus, 1));
        if (!ipa_topo_load(topo_name, &topo, &error))
            goto out;
    }
    if (!ipa_outputs_open(&o->out, &error))
        goto out;
    sim = ipa_sim_new(topo, trace, &config);
    ipa_outputs_observe(&o->out, sim);
    if (!ipa_sim_replay(sim, sched, &error))
        goto out;

    char *trace_name = g_path_get_basename(recording);
    struct ipa_report_info info = {
        .topology = topo_name,
        .trace = trace_name,
        .policies = "recorded",
        .wall_seconds = -1,
        .max_threads = (int)o->threads,
    };
    bool ok = ipa_outputs_write(&o->out, sim, &info, &error);
    g_free(trace_name);
    if (!ok)
        goto out;
    if (ipa_sim_exit_message(sim))
        fprintf(stderr, "ipasim: %s\n", ipa_sim_exit_message(sim));
    code = IPA_EXIT_OK;
    if (o->fail_on_wc) {
        int flagged = ipa_report_flagged(sim);
        if (flagged) {
            fprintf(stderr,
                    "ipasim: %d work-conservation interval%s flagged "
                    "(--fail-on-wc)\n",
                    flagged, flagged == 1 ? "" : "s");
            code = IPA_EXIT_FAIL;
        }
    }
out:
    ipa_outputs_fini(&o->out);
    if (error) {
        fprintf(stderr, "ipasim: error: %s\n", error->message);
        g_error_free(error);
        code = IPA_EXIT_USAGE;
    }
    ipa_sim_free(sim);
    ipa_recorded_free(sched);
    if (trace)
        ipa_trace_free(trace);
    if (topo)
        ipa_topo_free(topo);
    g_free(topo_name);
    return code;
}

int ipa_cmd_analyze(int argc, char **argv)
{
    gboolean help = FALSE;
    struct analyze_options o = {.threads = 64};
    GOptionEntry entries[] = {
        {"topo", 0, 0, G_OPTION_ARG_STRING, &o.topo,
         "the recorded machine's topology", "TOPOLOGY"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    GOptionEntry more[] = {
        {"wc-threshold", 0, 0, G_OPTION_ARG_STRING, &o.threshold,
         "flag violations at least this long (default 20ms)", "DUR"},
        {"fail-on-wc", 0, 0, G_OPTION_ARG_NONE, &o.fail_on_wc,
         "exit 1 if any work-conservation interval is flagged", NULL},
        {"max-input-size", 0, 0, G_OPTION_ARG_STRING, &o.max_input,
         "largest recording read (default 256M)", "SIZE"},
        {"threads", 0, 0, G_OPTION_ARG_INT64, &o.threads,
         "list threads one by one in the summary up to N (default 64)", "N"},
        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &o.out.quiet,
         "print no summary", NULL},
        {"help", 'h', 0, G_OPTION_ARG_NONE, &help, "this help", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    GOptionContext *ctx = g_option_context_new(NULL);
    g_option_context_set_summary(ctx, help_fmt);
    g_option_context_add_main_entries(ctx, entries, NULL);
    ipa_outputs_add_options(&o.out, ctx,
                            "time per character of --ascii, implies --ascii "
                            "(default 1ms)");
    g_option_context_add_main_entries(ctx, more, NULL);
    g_option_context_set_help_enabled(ctx, FALSE);
    GError *error = NULL;
    int code;
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        fprintf(stderr, "ipasim: error: %s\nTry 'ipasim analyze --help'.\n",
                error->message);
        g_error_free(error);
        code = IPA_EXIT_USAGE;
    } else if (help) {
        ipa_cli_print_help(ctx, analyze_usage, stdout);
        code = IPA_EXIT_OK;
    } else if (argc != 2) {
        fprintf(stderr,
                "ipasim: error: %s\n%s\nTry 'ipasim analyze --help'.\n",
                argc < 2 ? "a recording is required"
                         : "one recording at a time",
                analyze_usage);
        code = IPA_EXIT_USAGE;
    } else if (o.threads < 0) {
        fprintf(stderr, "ipasim: error: --threads must not be negative\n");
        code = IPA_EXIT_USAGE;
    } else {
        code = analyze(&o, argv[1]);
    }
    g_option_context_free(ctx);
    ipa_outputs_fini(&o.out);
    g_free(o.topo);
    g_free(o.threshold);
    g_free(o.max_input);
    return code;
}
