/*
 * cmd_bench.c - `ipasim bench`: simulated events per second on a large
 * generated workload. Prints figures; asserts nothing (speed is measured
 * here, never in tests).
 *
 * The workload mixes CPU-bound threads (long runs with short sleeps) and
 * wake-up-heavy pairs (ping-pong over two channels), so that ticks,
 * preemptions, wake-ups, placements and balancing all weigh in.
 *
 * Each measurement runs in a child process, so that its peak memory is
 * its own. Without --policy, the same policy written by hand in C and in
 * the DSL are measured side by side (fifo, cfs) with their ratios;
 * --scale measures the cost per event and memory per thread as cores and
 * threads grow. --workload rt measures global EDF (gedf.c, gedf.ipa) on
 * a periodic task set, the workload of real-time simulators like SimSo.
 */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/setup.h"
#include "cli/supervise.h"
#include "engine/sim.h"
#include "interp/interp.h"
#include "topo/topo.h"
#include "trace/import.h"
#include "trace/taskset.h"
#include "trace/trace.h"
#include "util/common.h"
#include "util/duration.h"

static struct ipa_op op(enum ipa_op_kind kind)
{
    struct ipa_op o = {.kind = (uint8_t)kind, .prob_ppm = 1000000};
    return o;
}

static struct ipa_op run_op(uint64_t lo, uint64_t hi)
{
    struct ipa_op o = op(IPA_OP_RUN);
    o.dur_kind = lo == hi ? IPA_DUR_FIXED : IPA_DUR_UNIFORM;
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
    int cpu_group = ipa_trace_intern(tr, tr->groups, "cpu");
    int io_group = ipa_trace_intern(tr, tr->groups, "pingpong");
    int n_cpu = threads / 2, n_pairs = (threads - n_cpu) / 2;
    for (int i = 0; i < n_cpu; i++) {
        struct ipa_op ops[4] = {op(IPA_OP_LOOP), run_op(2000000, 8000000),
                                op(IPA_OP_SLEEP), op(IPA_OP_END_LOOP)};
        ops[0].count = 1000000;
        ops[0].jump = 3;
        ops[2].dur_kind = IPA_DUR_UNIFORM;
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
        int a = ipa_trace_intern(tr, tr->channels, ping);
        int b = ipa_trace_intern(tr, tr->channels, pong);
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

/* The total utilisation of generate_rt's task sets: 0.8 x cores, at most
 * 0.2 a task on average, else UUniFast-discard would discard almost
 * every draw (few tasks, many cores). */
static double rt_utilisation(int tasks, int cores)
{
    return MIN(0.8 * cores, 0.2 * tasks);
}

/* @tasks periodic tasks for @cores cores, as the shared task sets are
 * made and `ipasim gen taskset` makes them (trace/taskset.h): total
 * utilisation rt_utilisation() split by UUniFast-discard, periods of 10,
 * 20, 50 or 100 ms, implicit deadlines, all released at 0, jobs up to
 * @horizon_ns. NULL (*error set) when the draw fails. */
static struct ipa_trace *generate_rt(int tasks, int cores, uint64_t horizon_ns,
                                     GError **error)
{
    static const uint64_t periods[] = {10000000, 20000000, 50000000,
                                       100000000};
    const struct ipa_taskset_params p = {
        .nr_cpus = cores,
        .nr_tasks = tasks,
        .utilisation = rt_utilisation(tasks, cores),
        .periods = periods,
        .nr_periods = G_N_ELEMENTS(periods),
        .seed = 42,
        .method = IPA_TASKSET_UUNIFAST,
    };
    GArray *set = ipa_taskset_generate(&p, error);
    if (!set)
        return NULL;
    struct json_object *root =
        ipa_taskset_trace(set, horizon_ns, "bench-rt", NULL);
    char *json = ipa_trace_json_text(root);
    struct ipa_trace *tr = NULL;
    if (!ipa_trace_parse_json("bench-rt", json, strlen(json), &tr, error))
        tr = NULL;
    g_free(json);
    json_object_put(root);
    ipa_taskset_free(set);
    return tr;
}

/* What one measurement yields (written by the child into a pipe). */
struct figures {
    bool ok;
    uint64_t events;
    double cpu;  /* the run's CPU time: what the rates and ratios divide */
    double wall; /* of the same run */
    long maxrss_kb;
    size_t sim_bytes; /* the simulation's heap, at the end of its run */
    char message[256];
};

/* How each measurement runs: the simulation's settings (--until or
 * --scale-events, --watchdog) and --repeat, the runs per measurement of
 * which the fastest is reported, as the others also measure the
 * machine's other work (measure_in_turns). */
struct runs {
    struct ipa_sim_config config;
    int repeats;
};

/* CPU time rather than wall time: on a shared or virtual machine, time
 * spent running others (or stolen by the host) is not the policy's. */
static double thread_cpu_seconds(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return (double)g_get_monotonic_time() / 1e6;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Bytes the allocator has handed out and not taken back. What a run
 * adds to it is what the run holds, whatever pages the process had
 * before: a forked child inherits its parent's peak, and ru_maxrss would
 * report that instead (0 where the C library does not tell). */
static size_t heap_in_use(void)
{
#ifdef __GLIBC__
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
#else
    return 0;
#endif
}

/* One run of @setup's policy; false (@f's message set) on failure. */
static bool run_once(const struct ipa_topo *topo,
                     const struct ipa_trace *trace, struct ipa_setup *setup,
                     const struct ipa_sim_config *config, struct figures *f)
{
    GError *error = NULL;
    size_t heap0 = heap_in_use();
    struct ipa_sim *sim = ipa_sim_new(topo, trace, config);
    bool ok = ipa_setup_partitions(setup, sim, &error);
    double cpu0 = thread_cpu_seconds();
    gint64 t0 = g_get_monotonic_time();
    ok = ok && ipa_sim_run(sim, &error);
    f->wall = (double)(g_get_monotonic_time() - t0) / 1e6;
    f->cpu = thread_cpu_seconds() - cpu0;
    f->sim_bytes = heap_in_use() - heap0 + ipa_sim_mapped_bytes(sim);
    if (ok) {
        f->events = ipa_sim_events(sim);
        enum ipa_sim_exit why = ipa_sim_exit_kind(sim);
        if (why != IPA_SIM_UNTIL && why != IPA_SIM_MAX_EVENTS &&
            ipa_sim_exit_message(sim))
            g_snprintf(f->message, sizeof f->message, "%s: %s",
                       ipa_sim_exit_name(why), ipa_sim_exit_message(sim));
        /* a run the policy or the trace broke measures nothing */
        ok = why != IPA_SIM_FAULT && why != IPA_SIM_TRACE_ERROR;
    } else {
        g_snprintf(f->message, sizeof f->message, "%s", error->message);
        g_error_free(error);
    }
    ipa_sim_free(sim);
    return ok;
}

/* Folds another run of the same measurement into @f: the fastest time
 * is kept; a run that failed, or that counted other events, fails it. */
static void keep_fastest(struct figures *f, const struct figures *again)
{
    if (!f->ok)
        return;
    if (!again->ok) {
        *f = *again;
    } else if (again->events != f->events) {
        f->ok = false;
        g_snprintf(f->message, sizeof f->message,
                   "runs of the same workload differ (%llu and %llu events)",
                   (unsigned long long)f->events,
                   (unsigned long long)again->events);
    } else {
        if (again->cpu < f->cpu) {
            f->cpu = again->cpu;
            f->wall = again->wall;
        }
        if (again->maxrss_kb > f->maxrss_kb)
            f->maxrss_kb = again->maxrss_kb;
        if (again->sim_bytes > f->sim_bytes)
            f->sim_bytes = again->sim_bytes;
    }
}

/* A DSL policy @compiled is generated and built before the clock starts. */
static void measure_child(const struct ipa_topo *topo,
                          const struct ipa_trace *trace, const char *spec,
                          bool compiled, const struct ipa_sim_config *config,
                          struct figures *f)
{
    struct ipa_interp_options dsl = {.compiled = compiled};
    GError *error = NULL;
    struct ipa_setup setup = {0};
    char *one[] = {(char *)spec, NULL};
    if (!ipa_setup_policies(&setup, one, &dsl, &error)) {
        g_snprintf(f->message, sizeof f->message, "%s", error->message);
        g_error_free(error);
        ipa_setup_fini(&setup);
        return;
    }
    f->ok = run_once(topo, trace, &setup, config, f);
    ipa_setup_fini(&setup);
}

/* Runs one policy once on the workload in a child process; a native
 * one's child is supervised as `ipasim run`'s is (cli/supervise.h), so
 * that a policy that exits, blocks signals and spins, or eats memory is
 * a failed measurement, not a hung or dead bench. */
static struct figures measure(const struct ipa_topo *topo,
                              const struct ipa_trace *trace, const char *spec,
                              bool compiled,
                              const struct ipa_sim_config *config)
{
    struct figures f = {0};
    char *one[] = {(char *)spec, NULL};
    struct ipa_supervisor sup = {.pid = -1,
                                 .watchdog_ns = config->watchdog_ns,
                                 .max_memory = ipa_supervise_default_memory()};
    bool supervised = ipa_supervise_wanted(one);
    GError *error = NULL;
    int fd[2];
    fflush(stdout);
    if (pipe(fd) != 0) {
        g_snprintf(f.message, sizeof f.message, "pipe: %s", g_strerror(errno));
        return f;
    }
    pid_t pid;
    if (!supervised)
        pid = fork();
    else if (ipa_supervise_fork(&sup, &error))
        pid = sup.pid;
    else
        pid = -1;
    if (pid == 0) {
        close(fd[0]);
        measure_child(topo, trace, spec, compiled, config, &f);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        f.maxrss_kb = ru.ru_maxrss;
        ssize_t n = write(fd[1], &f, sizeof f);
        if (supervised)
            ipa_supervise_child_done(&sup);
        _exit(n == (ssize_t)sizeof f ? 0 : 1);
    }
    close(fd[1]);
    struct ipa_supervise_fault fault = {0};
    bool died = false;
    if (pid > 0 && supervised) {
        /* the result fits the pipe's buffer: read once the child is gone */
        char **names = ipa_setup_policy_names(one);
        died = ipa_supervise_wait(&sup, names, &fault) < 0;
        g_strfreev(names);
    }
    ssize_t n = pid > 0 && !died ? read(fd[0], &f, sizeof f) : -1;
    close(fd[0]);
    int status = 0;
    if (pid > 0 && !supervised)
        waitpid(pid, &status, 0);
    if (n != (ssize_t)sizeof f) {
        memset(&f, 0, sizeof f);
        g_snprintf(f.message, sizeof f.message, "the measurement died (%s)",
                   fault.message ? fault.message
                   : error       ? error->message
                   : pid < 0     ? g_strerror(errno)
                                 : "no result");
    }
    g_free(fault.message);
    if (error)
        g_error_free(error);
    ipa_supervise_fini(&sup);
    return f;
}

static void print_row(const char *label, const struct figures *f)
{
    if (!f->ok) {
        printf("%-18s failed: %s\n", label, f->message);
        return;
    }
    printf("%-18s %12llu %9.3f %9.3f %12.0f %9.0f %9.1f\n", label,
           (unsigned long long)f->events, f->cpu, f->wall,
           f->cpu > 0 ? (double)f->events / f->cpu : 0,
           f->events ? f->cpu * 1e9 / (double)f->events : 0,
           (double)f->maxrss_kb / 1024.0);
    if (f->message[0])
        printf("  (%s)\n", f->message);
}

static double per_event(const struct figures *f)
{
    return f->ok && f->events ? f->cpu / (double)f->events : 0;
}

static void print_ratio(const char *what, const struct figures *a,
                        const struct figures *b)
{
    if (a->ok && b->ok)
        printf("  %s: %.2fx the time per event%s\n", what,
               per_event(a) / per_event(b),
               a->events == b->events ? "" : " (event counts differ)");
}

/* One row of the table: a policy, how DSL ones run, and its figures. */
struct measurement {
    const char *spec;
    bool compiled;
    uint64_t max_events; /* the runs stop after these, 0: the runs' own */
    char *label;
    struct figures f;
};

/* Measures @m (@n) taking turns, one run each per round, so that a slower
 * spell of the machine weighs on all of them alike rather than on one:
 * their ratios are what a table is for. Whether all of them succeeded. */
static bool measure_in_turns(const struct ipa_topo *topo,
                             const struct ipa_trace *trace,
                             struct measurement *m, size_t n,
                             const struct runs *runs)
{
    for (int r = 0; r < runs->repeats; r++) {
        for (size_t k = 0; k < n; k++) {
            struct ipa_sim_config config = runs->config;
            if (m[k].max_events)
                config.max_events = m[k].max_events;
            struct figures f = measure(topo, trace, m[k].spec,
                                       m[k].compiled, &config);
            if (r == 0)
                m[k].f = f;
            else
                keep_fastest(&m[k].f, &f);
        }
    }
    bool ok = true;
    for (size_t k = 0; k < n; k++)
        ok = ok && m[k].f.ok;
    return ok;
}

static void print_rows(const struct measurement *m, size_t n)
{
    for (size_t k = 0; k < n; k++)
        print_row(m[k].label, &m[k].f);
}

/* The same policy by hand in C and in the DSL, interpreted and compiled. */
static bool bench_pairs(const struct ipa_topo *topo,
                        const struct ipa_trace *trace, const struct runs *runs,
                        bool rt)
{
    static const char *const mixed[][2] = {{"fifo.c", "fifo.ipa"},
                                           {"cfs.c", "cfs.ipa"}};
    static const char *const realtime[][2] = {{"gedf.c", "gedf.ipa"}};
    const char *const(*pairs)[2] = rt ? realtime : mixed;
    size_t nr_pairs = rt ? G_N_ELEMENTS(realtime) : G_N_ELEMENTS(mixed);
    bool ok = true;
    for (size_t i = 0; i < nr_pairs; i++) {
        struct measurement m[] = {
            {pairs[i][0], false, 0, g_strdup(pairs[i][0]), {0}},
            {pairs[i][1], false, 0,
             g_strdup_printf("%s interp", pairs[i][1]), {0}},
            {pairs[i][1], true, 0,
             g_strdup_printf("%s compiled", pairs[i][1]), {0}}};
        ok = measure_in_turns(topo, trace, m, G_N_ELEMENTS(m), runs) && ok;
        print_rows(m, G_N_ELEMENTS(m));
        print_ratio("compiled / hand-written C", &m[2].f, &m[0].f);
        print_ratio("interpreted / compiled", &m[1].f, &m[2].f);
        for (size_t k = 0; k < G_N_ELEMENTS(m); k++)
            g_free(m[k].label);
    }
    return ok;
}

/* Cost per event and memory per thread as the machine and the workload
 * grow: flat rows mean the engine and the policy scale. A cell is two
 * measurements of the same workload: one stopped once every thread has
 * arrived (the first events, all at time 0: making @threads threads and
 * placing them at once), one that goes on for max_events more. Their
 * difference is the steady state, what ns/event reports; the start, which
 * a trace would spread over its run, is reported per thread beside it
 * instead of being averaged into the events. */
static bool bench_scale(const char *spec, bool compiled,
                        const struct runs *runs)
{
    uint64_t max_events = runs->config.max_events;
    static const int cores[] = {64, 256, 1024};
    static const int threads[] = {1000, 10000, 100000};
    printf("scale: %s, %llu events per run after the threads' arrivals, "
           "synthetic machines of 16-core packages\n",
           spec, (unsigned long long)max_events);
    printf("%7s %8s %12s %10s %16s %11s %12s\n", "cores", "threads",
           "events", "ns/event", "start us/thread", "peak MB", "KB/thread");
    bool ok = true;
    for (size_t i = 0; i < G_N_ELEMENTS(cores); i++) {
        char *desc = g_strdup_printf("pack:%d core:16 pu:1", cores[i] / 16);
        struct ipa_topo *topo = NULL;
        GError *error = NULL;
        if (!ipa_topo_load(desc, &topo, &error)) {
            printf("%7d failed: %s\n", cores[i], error->message);
            g_error_free(error);
            g_free(desc);
            ok = false;
            continue;
        }
        struct figures first = {0};
        for (size_t j = 0; j < G_N_ELEMENTS(threads); j++) {
            struct ipa_trace *trace = generate(threads[j]);
            /* in turns: their difference is the figure */
            uint64_t arrivals = (uint64_t)threads[j];
            struct measurement m[] = {
                {spec, compiled, arrivals, NULL, {0}},
                {spec, compiled, arrivals + max_events, NULL, {0}}};
            measure_in_turns(topo, trace, m, G_N_ELEMENTS(m), runs);
            ipa_trace_free(trace);
            const struct figures *a = &m[0].f, *f = &m[1].f;
            if (!a->ok || !f->ok) {
                printf("%7d %8d failed: %s\n", cores[i], threads[j],
                       a->ok ? f->message : a->message);
                ok = false;
                continue;
            }
            if (j == 0)
                first = *f;
            uint64_t events = f->events - a->events;
            /* a difference of two noisy times: too few events after the
             * arrivals, and it says nothing (shown as -) */
            char ns_text[32] = "-";
            if (events && f->cpu > a->cpu)
                g_snprintf(ns_text, sizeof ns_text, "%.0f",
                           (f->cpu - a->cpu) * 1e9 / (double)events);
            /* memory per thread: the simulation's growth over the
             * smallest workload, per thread added */
            double kb = j == 0 ? 0
                               : ((double)f->sim_bytes -
                                  (double)first.sim_bytes) /
                                     1024.0 / (threads[j] - threads[0]);
            char kb_text[32] = "-";
            if (j > 0 && f->sim_bytes && first.sim_bytes)
                g_snprintf(kb_text, sizeof kb_text, "%.2f", kb);
            printf("%7d %8d %12llu %10s %16.2f %11.1f %12s\n", cores[i],
                   threads[j], (unsigned long long)events, ns_text,
                   a->cpu * 1e6 / threads[j],
                   (double)f->maxrss_kb / 1024.0, kb_text);
        }
        ipa_topo_free(topo);
        g_free(desc);
    }
    return ok;
}

static const char bench_help[] =
    "Measures how fast the simulator runs: each policy simulates a\n"
    "generated workload (half CPU-bound threads, half ping-pong pairs) on\n"
    "the topology, --repeat times, and the fastest run is reported. By\n"
    "default it measures fifo and cfs, each by hand in C and in the DSL,\n"
    "and prints how the DSL's time per event compares with C's.\n"
    "\n"
    "Columns:\n"
    "  policy    the policy measured (\"interp\"/\"compiled\": how a DSL\n"
    "            policy ran)\n"
    "  events    engine events the run handled (the same for every run of\n"
    "            one policy: the simulation is deterministic)\n"
    "  cpu s     CPU time of the simulation, in seconds (the figure the\n"
    "            others derive from: it leaves out time the machine gave\n"
    "            to other processes)\n"
    "  wall s    elapsed time, in seconds\n"
    "  events/s  events per CPU second\n"
    "  ns/event  CPU nanoseconds per event\n"
    "  peak MB   the measuring process's peak resident memory\n"
    "\n"
    "With --scale, one row per machine size and thread count:\n"
    "  cores, threads   the synthetic machine (16-core packages) and the\n"
    "                   threads of the workload\n"
    "  events           events measured after every thread has arrived\n"
    "                   (--scale-events)\n"
    "  ns/event         CPU nanoseconds per event of those, the difference\n"
    "                   of two runs ('-' when too few to tell)\n"
    "  start us/thread  CPU microseconds per thread to set up and start\n"
    "  peak MB          peak resident memory\n"
    "  KB/thread        the simulation's memory growth per thread added\n"
    "                   over the smallest workload\n"
    "\n"
    "Other processes make the figures noisy: compare runs made on an idle\n"
    "machine.\n"
    "\n"
    "Exit status: 0 ok; 1 a policy failed; 2 bad usage.";

int ipa_cmd_bench(int argc, char **argv)
{
    gboolean help = FALSE;
    char *topo_arg = NULL, *until = NULL, *watchdog = NULL;
    char **policies = NULL;
    gint64 threads = 1000, scale_events = 2000000;
    gboolean scale = FALSE;
    char *mode = NULL, *workload = NULL;
    struct runs runs = {.repeats = 3};
    ipa_sim_config_defaults(&runs.config);
    runs.config.until_ns = UINT64_C(10000000000);
    runs.config.stall_ns = 0;
    GOptionEntry entries[] = {
        {"mode", 0, 0, G_OPTION_ARG_STRING, &mode,
         "how --policy and --scale run DSL policies (default interpreted)",
         "interpreted|compiled"},
        {"topo", 0, 0, G_OPTION_ARG_STRING, &topo_arg,
         "topology (default 64core.xml)", "TOPOLOGY"},
        {"policy", 0, 0, G_OPTION_ARG_STRING_ARRAY, &policies,
         "policy to measure, repeatable (default: fifo and cfs, by hand in C "
         "and in the DSL)",
         "POLICY"},
        {"workload", 0, 0, G_OPTION_ARG_STRING, &workload,
         "mixed: CPU-bound threads and ping-pong pairs (default); rt: "
         "periodic tasks (total utilisation 0.8 x cores) under global EDF, "
         "gedf.c and gedf.ipa by default",
         "mixed|rt"},
        {"threads", 0, 0, G_OPTION_ARG_INT64, &threads,
         "threads in the workload, tasks for rt (default 1000)", "N"},
        {"until", 0, 0, G_OPTION_ARG_STRING, &until,
         "simulated time (default 10s)", "DUR"},
        {"scale", 0, 0, G_OPTION_ARG_NONE, &scale,
         "cost per event from 64 to 1024 cores and 1,000 to 100,000 threads "
         "(with the first --policy, default cfs.c)",
         NULL},
        {"scale-events", 0, 0, G_OPTION_ARG_INT64, &scale_events,
         "events per --scale run after the threads arrive (default "
         "2000000)",
         "N"},
        {"repeat", 0, 0, G_OPTION_ARG_INT, &runs.repeats,
         "runs per measurement, the fastest reported (default 3)", "N"},
        {"watchdog", 0, 0, G_OPTION_ARG_STRING, &watchdog,
         "wall-clock time a callback may take, 0 for no limit (default 2s; "
         "raise it under valgrind)",
         "DUR"},
        {"help", 'h', 0, G_OPTION_ARG_NONE, &help, "this help", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    GOptionContext *ctx = g_option_context_new(NULL);
    g_option_context_set_summary(ctx, bench_help);
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_help_enabled(ctx, FALSE);
    GError *error = NULL;
    int code = IPA_EXIT_USAGE;
    struct ipa_topo *topo = NULL;
    struct ipa_trace *trace = NULL;

    if (!g_option_context_parse(ctx, &argc, &argv, &error))
        goto out;
    if (help) {
        ipa_cli_print_help(ctx, "usage: ipasim bench [options]", stdout);
        code = IPA_EXIT_OK;
        goto out;
    }
    if (!ipa_setup_duration("--until", until, &runs.config.until_ns,
                            &error) ||
        !ipa_setup_duration("--watchdog", watchdog, &runs.config.watchdog_ns,
                            &error))
        goto out;
    if (threads < 2 || threads > 1000000) {
        g_set_error(&error, IPA_ERROR, IPA_ERROR_INPUT,
                    "--threads must be between 2 and 1000000");
        goto out;
    }
    bool compiled;
    if (!ipa_setup_mode(mode, &compiled, &error))
        goto out;
    bool rt = workload && !strcmp(workload, "rt");
    if (workload && !rt && strcmp(workload, "mixed")) {
        g_set_error(&error, IPA_ERROR, IPA_ERROR_INPUT,
                    "--workload must be mixed or rt, not '%s'", workload);
        goto out;
    }
    if (runs.repeats < 1 || runs.repeats > 100) {
        g_set_error(&error, IPA_ERROR, IPA_ERROR_INPUT,
                    "--repeat must be between 1 and 100");
        goto out;
    }
    if (scale_events < 1) {
        g_set_error(&error, IPA_ERROR, IPA_ERROR_INPUT,
                    "--scale-events must be positive");
        goto out;
    }
    if (scale) {
        /* a count of events, not a time, fixes a scale run */
        runs.config.until_ns = 0;
        runs.config.max_events = (uint64_t)scale_events;
        code = bench_scale(policies ? policies[0] : "cfs.c", compiled, &runs)
                   ? IPA_EXIT_OK
                   : IPA_EXIT_FAIL;
        goto out;
    }
    if (!ipa_setup_topology(topo_arg ? topo_arg : "64core.xml", &topo, &error))
        goto out;
    if (rt) {
        trace = generate_rt((int)threads, topo->nr_cores,
                            runs.config.until_ns, &error);
        if (!trace)
            goto out;
        printf("workload: %lld periodic tasks (utilisation %.1f, periods "
               "10-100ms), %s simulated, %d cores\n",
               (long long)threads,
               rt_utilisation((int)threads, topo->nr_cores),
               until ? until : "10s", topo->nr_cores);
    } else {
        trace = generate((int)threads);
        printf("workload: %lld threads (half CPU-bound, half ping-pong "
               "pairs), %s simulated, %d cores\n",
               (long long)threads, until ? until : "10s", topo->nr_cores);
    }
    printf("%-18s %12s %9s %9s %12s %9s %9s\n", "policy", "events", "cpu s",
           "wall s", "events/s", "ns/event", "peak MB");
    bool ok = true;
    if (!policies) {
        ok = bench_pairs(topo, trace, &runs, rt);
    } else {
        size_t n = g_strv_length(policies);
        struct measurement *m = g_new0(struct measurement, n);
        for (size_t k = 0; k < n; k++)
            m[k] = (struct measurement){policies[k], compiled, 0,
                                        g_strdup(policies[k]), {0}};
        ok = measure_in_turns(topo, trace, m, n, &runs);
        print_rows(m, n);
        for (size_t k = 0; k < n; k++)
            g_free(m[k].label);
        g_free(m);
    }
    code = ok ? IPA_EXIT_OK : IPA_EXIT_FAIL;
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
    g_free(watchdog);
    g_free(mode);
    g_free(workload);
    g_strfreev(policies);
    return code;
}
