/*
 * cmd_run.c - `ipasim run`: simulate a policy on a topology and a trace.
 */
#include <string.h>

#include "cli/commands.h"
#include "cli/outputs.h"
#include "cli/setup.h"
#include "cli/supervise.h"
#include "engine/sim.h"
#include "interp/interp.h"
#include "policy/loader.h"
#include "report/report.h"
#include "topo/topo.h"
#include "trace/import.h"
#include "trace/trace.h"
#include "util/common.h"
#include "util/outfile.h"
#include "util/paths.h"
#include "util/size.h"

static const char run_usage[] =
    "usage: ipasim [run] --topo TOPOLOGY --policy POLICY --trace TRACE "
    "[options]";

static const char help_fmt[] =
    "Simulates POLICY on TOPOLOGY replaying TRACE, and reports where cores\n"
    "were wasted. Bare file names are also looked up in the shipped\n"
    "topologies/, policies/ and traces/.\n"
    "\n"
    "  TOPOLOGY  an hwloc XML file, an hwloc synthetic description\n"
    "            (\"pack:2 core:8 pu:2\"), or 'host'\n"
    "  POLICY    an Ipanema DSL policy (.ipa, docs/language.md) or a\n"
    "            Bossa one (.bossa, docs/bossa.md), run interpreted or,\n"
    "            with --mode=compiled, compiled to C; a C\n"
    "            policy (.c, docs/runtime-api.md, compiled and cached); or\n"
    "            a shared object (.so) built against the runtime API;\n"
    "            a .ipa of 'classes = {...}' composes policies on the\n"
    "            same cores, ranked or sharing them by weight\n"
    "            (edf_over_cfs.ipa, edf_over_shares.ipa, docs/language.md).\n"
    "            'CPULIST:POLICY' runs it on those cores only, and\n"
    "            --policy may repeat to partition the machine\n"
    "  TRACE     told apart by content: a native JSON trace\n"
    "            (docs/trace-format.md); an rt-app workload file (JSON);\n"
    "            a kernel trace with sched_* events: the text of\n"
    "            'trace-cmd report' (with or without -R), trace_pipe,\n"
    "            a systrace HTML page, or 'perf script'; or a periodic\n"
    "            task-set CSV (id,period_ms,wcet_us, jobs up to 1s).\n"
    "            'ipasim convert' writes all but the first as native\n"
    "            traces\n"
    "\n"
    "--plot, --perfetto and --ascii record the run as it goes (only then:\n"
    "a run without them pays nothing); --ascii prints the timeline after\n"
    "the summary, or alone with --quiet.\n"
    "\n"
    "Output files appear whole or not at all, and --plot replaces only the\n"
    "files it wrote; an output that names an input or another output is\n"
    "refused before the run (docs/robustness.md, \"Output files\").\n"
    "A run with a C or .so policy is supervised by a parent process:\n"
    "whatever the policy does (exit, abort, hang, memory), the run ends\n"
    "with exit status 1 and a message (docs/robustness.md).\n"
    "\n"
    "Exit status: 0 ok; 1 a policy fault or stall, or flagged intervals\n"
    "with --fail-on-wc; 2 bad usage or unreadable input.";

struct run_options {
    char *topo, *trace, *recorded_on;
    struct ipa_outputs out;
    char **policies, **params;
    char *until, *balance, *threshold, *stall, *cs_cost, *migration_cost;
    char *watchdog, *mode, *deadline_miss, *max_memory, *max_input;
    gint64 seed, hz, max_events, spin_limit, numa_slowdown, threads,
        step_limit;
    double trylock_fail;
    gboolean fail_on_wc;
};

static bool config_from(const struct run_options *o,
                        struct ipa_sim_config *c, GError **error)
{
    ipa_sim_config_defaults(c);
    const struct {
        const char *flag, *text;
        uint64_t *out;
    } durations[] = {
        {"--until", o->until, &c->until_ns},
        {"--balance-interval", o->balance, &c->balance_ns},
        {"--wc-threshold", o->threshold, &c->wc_threshold_ns},
        {"--stall-limit", o->stall, &c->stall_ns},
        {"--watchdog", o->watchdog, &c->watchdog_ns},
        {"--cs-cost", o->cs_cost, &c->cs_cost_ns},
        {"--migration-cost", o->migration_cost, &c->migration_cost_ns},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(durations); i++)
        if (!ipa_setup_duration(durations[i].flag, durations[i].text,
                                durations[i].out, error))
            return false;
    if (!ipa_setup_max_input(o->max_input, error))
        return false;
    const char *bad = NULL;
    if (o->hz < 1 || o->hz > 1000000)
        bad = "--hz must be between 1 and 1000000";
    else if (!c->balance_ns)
        bad = "--balance-interval must be positive";
    else if (o->seed < 0)
        bad = "--seed must not be negative";
    else if (o->max_events < 0)
        bad = "--max-events must not be negative";
    else if (o->spin_limit < 0)
        bad = "--spin-limit must not be negative";
    else if (o->numa_slowdown < 100 || o->numa_slowdown > 1000)
        bad = "--numa-slowdown is a percentage from 100 to 1000";
    else if (o->trylock_fail < 0 || o->trylock_fail > 1)
        bad = "--trylock-fail is a probability from 0 to 1";
    else if (o->deadline_miss && strcmp(o->deadline_miss, "continue") &&
             strcmp(o->deadline_miss, "abort"))
        bad = "--deadline-miss is 'continue' or 'abort'";
    if (bad) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT, "%s", bad);
        return false;
    }
    c->hz = (uint64_t)o->hz;
    c->seed = (uint64_t)o->seed;
    c->max_events = (uint64_t)o->max_events;
    c->spin_limit = (uint64_t)o->spin_limit;
    c->numa_slowdown_pct = (uint32_t)o->numa_slowdown;
    c->trylock_fail_ppm = (uint32_t)(o->trylock_fail * 1e6);
    c->abort_late_jobs =
        o->deadline_miss && !strcmp(o->deadline_miss, "abort");
    return true;
}

/* Refuses, before anything is simulated, outputs that would overwrite an
 * input or each other. */
static bool check_outputs(const struct run_options *o, GError **error)
{
    struct ipa_named_file outputs[4];
    int nr_outputs = ipa_outputs_named(&o->out, outputs);
    GArray *inputs = g_array_new(FALSE, FALSE, sizeof(struct ipa_named_file));
    const struct ipa_named_file trace = {"the trace", o->trace};
    const struct ipa_named_file topo = {"the topology", o->topo};
    g_array_append_val(inputs, trace);
    g_array_append_val(inputs, topo);
    char **policies = ipa_setup_policy_paths(o->policies);
    for (char **p = policies; *p; p++) {
        const struct ipa_named_file policy = {"a policy", *p};
        g_array_append_val(inputs, policy);
    }
    bool ok = ipa_check_outputs(outputs, nr_outputs,
                                (const struct ipa_named_file *)(void *)
                                    inputs->data,
                                (int)inputs->len, error);
    g_array_free(inputs, TRUE);
    g_strfreev(policies);
    return ok;
}

/* The parent's side of a supervised run (cli/supervise.h): the child's
 * exit status when it ended as a command does; else the fault is
 * reported here, with the JSON report when one was asked for. */
static int supervise(struct ipa_supervisor *sup, const struct run_options *o,
                     const struct ipa_topo *topo)
{
    char **names = ipa_setup_policy_names(o->policies);
    struct ipa_supervise_fault fault;
    int code = ipa_supervise_wait(sup, names, &fault);
    if (code >= 0) {
        g_strfreev(names);
        return code;
    }
    fprintf(stderr, "ipasim: %s\n", fault.message);
    code = IPA_EXIT_FAIL;
    if (o->out.json) {
        char *topo_name = g_path_get_basename(o->topo);
        char *trace_name = g_path_get_basename(o->trace);
        char *label = g_strjoinv(" ", o->policies);
        struct ipa_report_info info = {
            .topology = topo_name, .trace = trace_name, .policies = label};
        GError *error = NULL;
        if (!ipa_report_json_fault(&info, topo->nr_cores, fault.message,
                                   &fault.where, o->out.json, &error)) {
            fprintf(stderr, "ipasim: error: %s\n", error->message);
            g_error_free(error);
        }
        g_free(topo_name);
        g_free(trace_name);
        g_free(label);
    }
    g_free(fault.message);
    g_strfreev(names);
    return code;
}

static int fail(GError *error)
{
    int code = error->code == IPA_ERROR_POLICY ? IPA_EXIT_FAIL : IPA_EXIT_USAGE;
    fprintf(stderr, "ipasim: error: %s\n", error->message);
    g_error_free(error);
    return code;
}

static int run(struct run_options *o)
{
    GError *error = NULL;
    struct ipa_sim_config config;
    struct ipa_topo *topo = NULL;
    struct ipa_trace *trace = NULL;
    struct ipa_sim *sim = NULL;
    struct ipa_setup setup = {0};
    char *trace_path = NULL;
    struct ipa_recording_machine machine = {0};
    int code = IPA_EXIT_USAGE;
    struct ipa_supervisor sup = {.pid = -1};

    if (!config_from(o, &config, &error))
        goto out;
    if (!ipa_outputs_setup(&o->out, 1000000000ull / config.hz, &error))
        goto out;
    if (!ipa_setup_topology(o->topo, &topo, &error))
        goto out;
    trace_path = ipa_find_shipped(o->trace, "trace", "traces", &error);
    if (!trace_path)
        goto out;
    if (o->recorded_on &&
        !ipa_setup_recording_machine(o->recorded_on, &machine, &error))
        goto out;
    if (!(o->recorded_on
              ? ipa_trace_load_on(trace_path, &machine, &trace, &error)
              : ipa_trace_load(trace_path, &trace, &error)))
        goto out;
    if (o->step_limit < 0) {
        g_set_error(&error, IPA_ERROR, IPA_ERROR_INPUT,
                    "--step-limit must be positive");
        goto out;
    }
    bool compiled;
    if (!ipa_setup_mode(o->mode, &compiled, &error))
        goto out;
    struct ipa_interp_options dsl = {
        (const char *const *)o->params,
        o->params ? (int)g_strv_length(o->params) : 0,
        (uint64_t)o->step_limit, compiled};
    sup.watchdog_ns = config.watchdog_ns;
    sup.max_memory = ipa_supervise_default_memory();
    if (o->max_memory && !ipa_size_parse(o->max_memory, &sup.max_memory)) {
        g_set_error(&error, IPA_ERROR, IPA_ERROR_INPUT,
                    "--max-memory: expected a size like '512M' or '4G', "
                    "got '%s'",
                    o->max_memory);
        goto out;
    }
    if (!check_outputs(o, &error))
        goto out;
    /* Outputs are opened before the policies are loaded, so that the
     * supervisor holds them too: it removes what a dead child left. */
    if (!ipa_outputs_open(&o->out, &error))
        goto out;
    if (ipa_supervise_wanted(o->policies)) {
        if (!ipa_supervise_fork(&sup, &error))
            goto out;
        if (sup.pid > 0) {
            code = supervise(&sup, o, topo);
            goto out;
        }
    }
    if (!ipa_setup_policies(&setup, o->policies, &dsl, &error))
        goto out;
    if (sup.pid == 0)
        ipa_supervise_child_limit(&sup);
    sim = ipa_sim_new(topo, trace, &config);
    ipa_outputs_observe(&o->out, sim);
    if (!ipa_setup_partitions(&setup, sim, &error))
        goto out;

    gint64 t0 = g_get_monotonic_time();
    if (!ipa_sim_run(sim, &error))
        goto out;
    double wall = (double)(g_get_monotonic_time() - t0) / 1e6;

    char *topo_name = g_path_get_basename(o->topo);
    char *trace_name = g_path_get_basename(o->trace);
    struct ipa_report_info info = {
        .topology = topo_name,
        .trace = trace_name,
        .policies = setup.label,
        .wall_seconds = wall,
        .max_threads = (int)o->threads,
    };
    bool json_ok = ipa_outputs_write(&o->out, sim, &info, &error);
    g_free(topo_name);
    g_free(trace_name);
    if (!json_ok)
        goto out;

    enum ipa_sim_exit kind = ipa_sim_exit_kind(sim);
    code = IPA_EXIT_OK;
    switch (kind) {
    case IPA_SIM_FAULT:
    case IPA_SIM_STALL:
        fprintf(stderr, "ipasim: %s\n", ipa_sim_exit_message(sim));
        code = IPA_EXIT_FAIL;
        break;
    case IPA_SIM_TRACE_ERROR:
        fprintf(stderr, "ipasim: error: %s\n", ipa_sim_exit_message(sim));
        code = IPA_EXIT_USAGE;
        break;
    case IPA_SIM_DEADLOCK:
    case IPA_SIM_MAX_EVENTS:
        fprintf(stderr, "ipasim: warning: %s\n", ipa_sim_exit_message(sim));
        break;
    default:
        break;
    }
    if (code == IPA_EXIT_OK && o->fail_on_wc) {
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
    if (error)
        code = fail(error);
    ipa_sim_free(sim);
    ipa_setup_fini(&setup);
    if (trace)
        ipa_trace_free(trace);
    if (topo)
        ipa_topo_free(topo);
    g_free(trace_path);
    ipa_setup_recording_machine_fini(&machine);
    if (sup.pid == 0)
        ipa_supervise_child_done(&sup);
    ipa_supervise_fini(&sup);
    return code;
}

int ipa_cmd_run(int argc, char **argv)
{
    gboolean help = FALSE;
    struct run_options o = {
        .seed = 1, .hz = 1000, .numa_slowdown = 100, .threads = 64,
        .spin_limit = IPA_SIM_SPIN_LIMIT,
    };
    GOptionEntry entries[] = {
        {"topo", 0, 0, G_OPTION_ARG_STRING, &o.topo, "machine topology",
         "TOPOLOGY"},
        {"policy", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.policies,
         "scheduling policy (repeatable)", "[CPULIST:]POLICY"},
        {"trace", 0, 0, G_OPTION_ARG_FILENAME, &o.trace, "workload trace",
         "TRACE"},
        {"recorded-on", 0, 0, G_OPTION_ARG_STRING, &o.recorded_on,
         "the machine a kernel trace was recorded on: its cores' "
         "capacities turn recorded time into work (as convert "
         "--recorded-on)",
         "TOPOLOGY"},
        {"param", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.params,
         "set a constant of the DSL policies (repeatable)", "NAME=VALUE"},
        {"mode", 0, 0, G_OPTION_ARG_STRING, &o.mode,
         "run DSL policies interpreted (the default) or compiled to C",
         "interpreted|compiled"},
        {"step-limit", 0, 0, G_OPTION_ARG_INT64, &o.step_limit,
         "fault when a DSL handler takes more steps in one event "
         "(default 100000000)",
         "N"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    /* then the output options (cli/outputs.c), then these */
    GOptionEntry more[] = {
        {"seed", 0, 0, G_OPTION_ARG_INT64, &o.seed,
         "seed of random durations and probabilities (default 1)", "N"},
        {"hz", 0, 0, G_OPTION_ARG_INT64, &o.hz,
         "ticks per second on busy cores (default 1000)", "N"},
        {"balance-interval", 0, 0, G_OPTION_ARG_STRING, &o.balance,
         "period of balancing_select on each core (default 4ms)", "DUR"},
        {"wc-threshold", 0, 0, G_OPTION_ARG_STRING, &o.threshold,
         "flag violations at least this long (default 20ms)", "DUR"},
        {"fail-on-wc", 0, 0, G_OPTION_ARG_NONE, &o.fail_on_wc,
         "exit 1 if any work-conservation interval is flagged", NULL},
        {"until", 0, 0, G_OPTION_ARG_STRING, &o.until,
         "stop at this simulated time", "DUR"},
        {"max-events", 0, 0, G_OPTION_ARG_INT64, &o.max_events,
         "stop after this many events, or when one event runs this many "
         "operations",
         "N"},
        {"max-input-size", 0, 0, G_OPTION_ARG_STRING, &o.max_input,
         "largest input file read (default 256M for kernel trace text, 64M "
         "for other files, 16M for rt-app files)",
         "SIZE"},
        {"spin-limit", 0, 0, G_OPTION_ARG_INT64, &o.spin_limit,
         "end the run as a trace error when one event runs N operations "
         "(a zero-time loop; default 10000000; 0 disables)",
         "N"},
        {"stall-limit", 0, 0, G_OPTION_ARG_STRING, &o.stall,
         "fault when threads are ready and no core runs for this long "
         "(default 5s; 0 disables)",
         "DUR"},
        {"watchdog", 0, 0, G_OPTION_ARG_STRING, &o.watchdog,
         "fault when one policy callback runs this long (wall-clock time; "
         "default 2s; 0 disables)",
         "DUR"},
        {"max-memory", 0, 0, G_OPTION_ARG_STRING, &o.max_memory,
         "fault when a run with a C or .so policy uses more memory "
         "(default half the machine's; 0 disables)",
         "SIZE"},
        {"cs-cost", 0, 0, G_OPTION_ARG_STRING, &o.cs_cost,
         "cost of a context switch (default 0)", "DUR"},
        {"migration-cost", 0, 0, G_OPTION_ARG_STRING, &o.migration_cost,
         "extra cost when a thread changes core (default 0)", "DUR"},
        {"numa-slowdown", 0, 0, G_OPTION_ARG_INT64, &o.numa_slowdown,
         "work off the thread's home node runs at PCT% of the time "
         "(default 100)",
         "PCT"},
        {"trylock-fail", 0, 0, G_OPTION_ARG_DOUBLE, &o.trylock_fail,
         "probability that a remote trylock fails (default 0)", "P"},
        {"deadline-miss", 0, 0, G_OPTION_ARG_STRING, &o.deadline_miss,
         "a job unfinished at its deadline goes on (the default) or is "
         "dropped, its thread skipping to its next activation",
         "continue|abort"},
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
                            "(default one tick)");
    g_option_context_add_main_entries(ctx, more, NULL);
    g_option_context_set_help_enabled(ctx, FALSE);
    GError *error = NULL;
    int code;
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        fprintf(stderr, "ipasim: error: %s\nTry 'ipasim --help'.\n",
                error->message);
        g_error_free(error);
        code = IPA_EXIT_USAGE;
    } else if (help) {
        ipa_cli_print_help(ctx, run_usage, stdout);
        code = IPA_EXIT_OK;
    } else if (argc > 1) {
        fprintf(stderr,
                "ipasim: error: unexpected argument '%s'\nTry 'ipasim "
                "--help'.\n",
                argv[1]);
        code = IPA_EXIT_USAGE;
    } else if (!o.topo || !o.policies || !o.trace) {
        fprintf(stderr,
                "ipasim: error: --topo, --policy and --trace are required\n"
                "%s\nTry 'ipasim --help'.\n", run_usage);
        code = IPA_EXIT_USAGE;
    } else {
        code = run(&o);
    }
    g_option_context_free(ctx);
    g_free(o.topo);
    g_free(o.trace);
    g_free(o.recorded_on);
    ipa_outputs_fini(&o.out);
    g_strfreev(o.policies);
    g_strfreev(o.params);
    g_free(o.until);
    g_free(o.balance);
    g_free(o.threshold);
    g_free(o.stall);
    g_free(o.watchdog);
    g_free(o.max_memory);
    g_free(o.mode);
    g_free(o.deadline_miss);
    g_free(o.cs_cost);
    g_free(o.migration_cost);
    g_free(o.max_input);
    return code;
}
