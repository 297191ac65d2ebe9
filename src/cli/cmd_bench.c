/*
 * cmd_bench.c - `ipasim bench`: simulated events per second on a large
 * generated workload. Prints figures; asserts nothing (speed is measured
 * here, never in tests).
 *
 * The workload mixes CPU-bound threads (long runs with short sleeps) and
 * wake-up-heavy pairs (ping-pong over two channels), so that ticks,
 * preemptions, wake-ups, placements and balancing all weigh in.
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "cli/commands.h"
#include "cli/setup.h"
#include "engine/sim.h"
#include "topo/topo.h"
#include "trace/trace.h"
#include "util/common.h"
#include "util/duration.h"

static struct ipa_op op(enum ipa_op_kind kind)
{
    struct ipa_op o = {.kind = kind, .prob_ppm = 1000000};
    return o;
}

static struct ipa_op run_op(uint64_t lo, uint64_t hi)
{
    struct ipa_op o = op(IPA_OP_RUN);
    o.dur.kind = lo == hi ? IPA_DUR_FIXED : IPA_DUR_UNIFORM;
    o.dur.a_ns = lo;
    o.dur.b_ns = hi;
    return o;
}

static void add_spec(struct ipa_trace *tr, const char *name, int group,
                     const struct ipa_op *ops, int n)
{
    struct ipa_thread_spec *s = ipa_thread_spec_new(name);
    s->group = group;
    s->ops = g_new(struct ipa_op, n);
    memcpy(s->ops, ops, sizeof *ops * (size_t)n);
    s->nr_ops = n;
    s->loop_depth = 1;
    g_ptr_array_add(tr->threads, s);
}

/* @threads threads: half CPU-bound, half in ping-pong pairs. */
static struct ipa_trace *generate(int threads)
{
    struct ipa_trace *tr = ipa_trace_new("bench");
    int cpu_group = ipa_trace_intern(tr->groups, "cpu");
    int io_group = ipa_trace_intern(tr->groups, "pingpong");
    int n_cpu = threads / 2, n_pairs = (threads - n_cpu) / 2;
    for (int i = 0; i < n_cpu; i++) {
        struct ipa_op ops[4] = {op(IPA_OP_LOOP), run_op(2000000, 8000000),
                                op(IPA_OP_SLEEP), op(IPA_OP_END_LOOP)};
        ops[0].count = 1000000;
        ops[0].jump = 3;
        ops[2].dur.kind = IPA_DUR_UNIFORM;
        ops[2].dur.a_ns = 100000;
        ops[2].dur.b_ns = 1000000;
        ops[3].jump = 0;
        char *name = g_strdup_printf("cpu.%d", i);
        add_spec(tr, name, cpu_group, ops, 4);
        g_free(name);
    }
    for (int i = 0; i < n_pairs; i++) {
        char *ping = g_strdup_printf("ping.%d", i);
        char *pong = g_strdup_printf("pong.%d", i);
        int a = ipa_trace_intern(tr->channels, ping);
        int b = ipa_trace_intern(tr->channels, pong);
        int64_t zero = 0;
        g_array_append_val(tr->channel_tokens, zero);
        g_array_append_val(tr->channel_tokens, zero);
        /* ping: work, wake pong, wait for its answer; pong mirrors it */
        struct ipa_op p[5] = {op(IPA_OP_LOOP), run_op(20000, 200000),
                              op(IPA_OP_SIGNAL), op(IPA_OP_WAIT),
                              op(IPA_OP_END_LOOP)};
        p[0].count = 1000000;
        p[0].jump = 4;
        p[2].obj = b;
        p[2].count = 1;
        p[3].obj = a;
        p[4].jump = 0;
        add_spec(tr, ping, io_group, p, 5);
        struct ipa_op q[5] = {op(IPA_OP_LOOP), op(IPA_OP_WAIT),
                              run_op(20000, 200000), op(IPA_OP_SIGNAL),
                              op(IPA_OP_END_LOOP)};
        q[0].count = 1000000;
        q[0].jump = 4;
        q[1].obj = b;
        q[3].obj = a;
        q[3].count = 1;
        q[4].jump = 0;
        add_spec(tr, pong, io_group, q, 5);
        g_free(ping);
        g_free(pong);
    }
    return tr;
}

int ipa_cmd_bench(int argc, char **argv)
{
    char *topo_arg = NULL, *until = NULL;
    char **policies = NULL;
    gint64 threads = 1000;
    GOptionEntry entries[] = {
        {"topo", 0, 0, G_OPTION_ARG_STRING, &topo_arg,
         "topology (default 64core.xml)", "TOPOLOGY"},
        {"policy", 0, 0, G_OPTION_ARG_STRING_ARRAY, &policies,
         "policy to measure, repeatable (default fifo.c)", "POLICY"},
        {"threads", 0, 0, G_OPTION_ARG_INT64, &threads,
         "threads in the workload (default 1000)", "N"},
        {"until", 0, 0, G_OPTION_ARG_STRING, &until,
         "simulated time (default 10s)", "DUR"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    GOptionContext *ctx = g_option_context_new("- simulated events per second");
    g_option_context_add_main_entries(ctx, entries, NULL);
    GError *error = NULL;
    int code = IPA_EXIT_USAGE;
    uint64_t until_ns = UINT64_C(10000000000);
    struct ipa_topo *topo = NULL;
    struct ipa_trace *trace = NULL;

    if (!g_option_context_parse(ctx, &argc, &argv, &error))
        goto out;
    if (until && !ipa_duration_parse(until, &until_ns)) {
        g_set_error(&error, IPA_ERROR, IPA_ERROR_INPUT,
                    "--until: expected a duration, got '%s'", until);
        goto out;
    }
    if (threads < 2 || threads > 1000000) {
        g_set_error(&error, IPA_ERROR, IPA_ERROR_INPUT,
                    "--threads must be between 2 and 1000000");
        goto out;
    }
    if (!ipa_setup_topology(topo_arg ? topo_arg : "64core.xml", &topo, &error))
        goto out;
    trace = generate((int)threads);
    char *fallback[] = {"fifo.c", NULL};
    char **specs = policies ? policies : fallback;

    printf("workload: %lld threads (half CPU-bound, half ping-pong pairs), "
           "%s simulated, %d cores\n",
           (long long)threads, until ? until : "10s", topo->nr_cores);
    printf("%-12s %12s %10s %14s %10s\n", "policy", "events", "wall s",
           "events/s", "peak MB");
    for (char **s = specs; *s; s++) {
        struct ipa_setup setup = {0};
        char *one[] = {*s, NULL};
        struct ipa_sim_config config;
        ipa_sim_config_defaults(&config);
        config.until_ns = until_ns;
        config.stall_ns = 0;
        if (!ipa_setup_policies(&setup, one, NULL, &error)) {
            ipa_setup_fini(&setup);
            goto out;
        }
        struct ipa_sim *sim = ipa_sim_new(topo, trace, &config);
        bool ok = ipa_setup_partitions(&setup, sim, &error);
        gint64 t0 = g_get_monotonic_time();
        ok = ok && ipa_sim_run(sim, &error);
        double wall = (double)(g_get_monotonic_time() - t0) / 1e6;
        if (ok) {
            struct rusage ru;
            getrusage(RUSAGE_SELF, &ru);
            uint64_t events = ipa_sim_events(sim);
            printf("%-12s %12llu %10.3f %14.0f %10.1f\n", setup.label,
                   (unsigned long long)events, wall,
                   wall > 0 ? (double)events / wall : 0,
                   (double)ru.ru_maxrss / 1024.0);
            if (ipa_sim_exit_message(sim))
                printf("  (%s: %s)\n",
                       ipa_sim_exit_name(ipa_sim_exit_kind(sim)),
                       ipa_sim_exit_message(sim));
        }
        ipa_sim_free(sim);
        ipa_setup_fini(&setup);
        if (!ok)
            goto out;
    }
    code = IPA_EXIT_OK;
out:
    if (error) {
        fprintf(stderr, "ipasim bench: error: %s\n", error->message);
        code = error->code == IPA_ERROR_POLICY ? IPA_EXIT_FAIL : IPA_EXIT_USAGE;
        g_error_free(error);
    }
    if (trace)
        ipa_trace_free(trace);
    if (topo)
        ipa_topo_free(topo);
    g_option_context_free(ctx);
    g_free(topo_arg);
    g_free(until);
    g_strfreev(policies);
    return code;
}
