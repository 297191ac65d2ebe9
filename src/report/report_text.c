/*
 * report_text.c - the summary printed after a run.
 */
#include <string.h>

#include "engine/sim.h"
#include "report/report.h"
#include "topo/topo.h"
#include "trace/trace.h"
#include "util/cpuset.h"
#include "util/duration.h"
#include "util/printable.h"

/* A duration in the short human form, in a rotating static buffer so a
 * printf can take several. */
static const char *dur(uint64_t ns)
{
    static char bufs[8][32];
    static int next;
    char *b = bufs[next++ % 8];
    GString *s = g_string_new(NULL);
    ipa_duration_format(s, ns);
    g_strlcpy(b, s->str, sizeof bufs[0]);
    g_string_free(s, TRUE);
    return b;
}

int ipa_report_flagged(const struct ipa_sim *sim)
{
    int n = 0;
    for (int p = 0; p < ipa_sim_nr_partitions(sim); p++) {
        struct ipa_partition_result pr;
        ipa_sim_partition_result(sim, p, &pr);
        n += (int)pr.wc->flagged->len;
    }
    return n;
}

static void print_threads(const struct ipa_sim *sim,
                          const struct ipa_report_info *info, FILE *out)
{
    int n = ipa_sim_nr_threads(sim);
    if (n > info->max_threads) {
        fprintf(out,
                "\nthreads: %d (per-thread figures are in the JSON report; "
                "--threads N lists up to N here)\n",
                n);
        return;
    }
    fprintf(out, "\nthreads: %d\n", n);
    fprintf(out, "  %-4s %-20s %-10s %10s %10s %8s %10s %8s %6s\n", "tid",
            "name", "state", "cpu", "wait", "wakeups", "lat max", "switches",
            "migr");
    for (int i = 0; i < n; i++) {
        struct ipa_thread_result r;
        ipa_sim_thread_result(sim, i, &r);
        char *name = ipa_printable(r.name);
        fprintf(out, "  %-4d %-20.20s %-10s %10s %10s %8llu %10s %8llu %6llu\n",
                r.tid, name, r.started ? ipa_state_name(r.state) : "PENDING",
                dur(r.runtime_ns), dur(r.wait_ns),
                (unsigned long long)r.nr_wakeups, dur(r.latency_max_ns),
                (unsigned long long)r.nr_switches,
                (unsigned long long)r.nr_migrations);
        g_free(name);
    }
}

/* A signed duration: lateness is negative for a job done early. */
static const char *signed_dur(int64_t ns)
{
    static char bufs[4][40];
    static int next;
    char *b = bufs[next++ % 4];
    uint64_t mag = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    g_snprintf(b, sizeof bufs[0], "%s%s", ns < 0 ? "-" : "", dur(mag));
    return b;
}

static void print_job_line(const struct ipa_job_result *r, FILE *out)
{
    fprintf(out,
            "%llu released, %llu completed, %llu missed (%llu aborted); "
            "response mean %s, p99 %s, max %s; lateness max %s, tardiness "
            "max %s\n",
            (unsigned long long)r->released, (unsigned long long)r->completed,
            (unsigned long long)r->missed, (unsigned long long)r->aborted,
            dur(r->response_mean_ns), dur(r->response_p99_ns),
            dur(r->response_max_ns),
            r->has_lateness ? signed_dur(r->lateness_max_ns) : "none",
            dur(r->tardiness_max_ns));
}

/* Threads with a deadline or period: their jobs, in total, per group and
 * one by one (as many as the thread list shows). */
static void print_jobs(const struct ipa_sim *sim,
                       const struct ipa_report_info *info, FILE *out)
{
    struct ipa_job_result r;
    if (!ipa_sim_group_jobs(sim, IPA_SIM_ALL_GROUPS, &r))
        return;
    fprintf(out, "real-time jobs: ");
    print_job_line(&r, out);
    const struct ipa_trace *trace = ipa_sim_trace(sim);
    for (guint g = 0; g < trace->groups->len; g++)
        if (ipa_sim_group_jobs(sim, (int)g, &r)) {
            fprintf(out, "  group %-12s ",
                    (const char *)g_ptr_array_index(trace->groups, g));
            print_job_line(&r, out);
        }
    int n = ipa_sim_nr_threads(sim);
    if (n > info->max_threads)
        return;
    fprintf(out, "  %-4s %-20s %8s %8s %6s %6s %10s %10s %10s %10s\n", "tid",
            "name", "released", "done", "missed", "abort", "resp mean",
            "resp p99", "resp max", "tardiness");
    for (int i = 0; i < n; i++) {
        if (!ipa_sim_thread_jobs(sim, i, &r))
            continue;
        struct ipa_thread_result t;
        ipa_sim_thread_result(sim, i, &t);
        fprintf(out, "  %-4d %-20.20s %8llu %8llu %6llu %6llu %10s %10s %10s "
                     "%10s\n",
                i, t.name, (unsigned long long)r.released,
                (unsigned long long)r.completed, (unsigned long long)r.missed,
                (unsigned long long)r.aborted, dur(r.response_mean_ns),
                dur(r.response_p99_ns), dur(r.response_max_ns),
                dur(r.tardiness_max_ns));
    }
}

static void print_cores(const struct ipa_sim *sim, FILE *out)
{
    uint64_t span = ipa_sim_makespan_ns(sim);
    int n = ipa_sim_nr_cores(sim);
    double sum = 0, lo = 2, hi = -1;
    int lo_core = 0, hi_core = 0, counted = 0;
    uint64_t switches = 0;
    fprintf(out, "\ncores: utilisation per core (%%)\n");
    if (ipa_sim_topo(sim)->heterogeneous) {
        GString *caps = g_string_new("  capacity ");
        ipa_topo_capacity_summary(caps, ipa_sim_topo(sim));
        fprintf(out, "%s\n", caps->str);
        g_string_free(caps, TRUE);
    }
    for (int i = 0; i < n; i++) {
        struct ipa_core_result c;
        ipa_sim_core_result(sim, i, &c);
        if (c.partition < 0)
            continue;
        double u = span ? (double)c.busy_ns / (double)span : 0;
        sum += u;
        counted++;
        switches += c.nr_switches;
        if (u < lo)
            lo = u, lo_core = i;
        if (u > hi)
            hi = u, hi_core = i;
        fprintf(out, "%s%4d:%5.1f", counted % 8 == 1 ? "  " : " ", i,
                100 * u);
        if (counted % 8 == 0)
            fputc('\n', out);
    }
    if (counted % 8)
        fputc('\n', out);
    if (counted)
        fprintf(out,
                "  average %.1f%%, lowest %.1f%% (core %d), highest %.1f%% "
                "(core %d); %llu context switches\n",
                100 * sum / counted, 100 * lo, lo_core, 100 * hi, hi_core,
                (unsigned long long)switches);
}

static void print_migrations(const struct ipa_sim *sim, FILE *out)
{
    const struct ipa_topo *topo = ipa_sim_topo(sim);
    fprintf(out, "migrations by domain level:");
    uint64_t total = 0;
    for (int d = 1; d < topo->nr_distances; d++) {
        uint64_t m = 0;
        for (int p = 0; p < ipa_sim_nr_partitions(sim); p++) {
            struct ipa_partition_result pr;
            ipa_sim_partition_result(sim, p, &pr);
            m += pr.migrations_by_distance[d];
        }
        total += m;
        fprintf(out, " %s %llu", topo->distance_names[d],
                (unsigned long long)m);
    }
    fprintf(out, " (total %llu)\n", (unsigned long long)total);
    /* The names are terse ("numa:16"); a reader should not need
     * docs/topologies.md to know what a level is. */
    GString *legend = g_string_new("  (");
    for (int d = 1; d < topo->nr_distances; d++) {
        g_string_append_printf(legend, "%s%s: ", d > 1 ? "; " : "",
                               topo->distance_names[d]);
        ipa_topo_distance_meaning(legend, topo->distance_names[d]);
    }
    if (topo->nr_distances > 1)
        fprintf(out, "%s)\n", legend->str);
    g_string_free(legend, TRUE);
}

static void print_interval(const struct ipa_sim *sim,
                           const struct ipa_wc_interval *iv, FILE *out)
{
    GString *cores = g_string_new(NULL);
    ipa_cpulist_format(cores, iv->cores, iv->nr_cores);
    fprintf(out, "    %s..%s (%s): idle cores %s; waiting threads", dur(iv->start_ns),
            dur(iv->end_ns), dur(iv->end_ns - iv->start_ns), cores->str);
    g_string_free(cores, TRUE);
    int shown = iv->nr_threads < 8 ? iv->nr_threads : 8;
    for (int i = 0; i < shown; i++) {
        struct ipa_thread_result r;
        ipa_sim_thread_result(sim, iv->threads[i], &r);
        char *name = ipa_printable(r.name);
        /* Threads of one program often share a name: the id tells them
         * apart and finds them in the JSON report and the log. */
        fprintf(out, "%s %s (tid %d)", i ? "," : "", name, r.tid);
        g_free(name);
    }
    if (shown < iv->nr_threads)
        fprintf(out, " and %d more", iv->nr_threads - shown);
    fputc('\n', out);
}

/* One line a reader can act on: is the policy work-conserving, and how
 * much of the machine did it waste (the terms are docs/monitor.md's). */
static void print_verdict(const struct ipa_wc_result *wc, int nr_cores,
                          uint64_t makespan_ns, FILE *out)
{
    fprintf(out, "  verdict: ");
    if (!wc->violations) {
        fprintf(out, "work-conserving: no core sat idle while a thread waited");
    } else {
        if (wc->flagged->len)
            fprintf(out,
                    "not work-conserving: %u interval%s of at least %s "
                    "flagged, the longest %s",
                    wc->flagged->len, wc->flagged->len == 1 ? "" : "s",
                    dur(wc->threshold_ns), dur(wc->longest_ns));
        else
            fprintf(out,
                    "no interval reached the %s threshold (the longest %s)",
                    dur(wc->threshold_ns), dur(wc->longest_ns));
        double capacity = (double)nr_cores * (double)makespan_ns;
        double share = capacity > 0
                           ? 100 * (double)wc->wasted_core_ns / capacity
                           : 0;
        fprintf(out, "; wasted %s%.1f%% of %d core%s x %s",
                share > 0 && share < 0.05 ? "<" : "",
                share > 0 && share < 0.05 ? 0.1 : share, nr_cores,
                nr_cores == 1 ? "" : "s", dur(makespan_ns));
    }
    fprintf(out, " (see docs/monitor.md)\n");
}

static void print_wc(const struct ipa_sim *sim, FILE *out)
{
    for (int p = 0; p < ipa_sim_nr_partitions(sim); p++) {
        struct ipa_partition_result pr;
        ipa_sim_partition_result(sim, p, &pr);
        GString *cores = g_string_new(NULL);
        ipa_cpulist_format(cores, pr.cores, pr.nr_cores);
        const struct ipa_wc_result *wc = pr.wc;
        char *name = ipa_printable(pr.name);
        fprintf(out, "\nwork conservation (%s on cores %s):\n", name,
                cores->str);
        g_free(name);
        g_string_free(cores, TRUE);
        fprintf(out,
                "  violations: %llu, longest %s, wasted core-time %s; "
                "%u flagged (at least %s)\n",
                (unsigned long long)wc->violations, dur(wc->longest_ns),
                dur(wc->wasted_core_ns), wc->flagged->len,
                dur(wc->threshold_ns));
        print_verdict(wc, pr.nr_cores, ipa_sim_makespan_ns(sim), out);
        guint shown = wc->flagged->len < 20 ? wc->flagged->len : 20;
        for (guint i = 0; i < shown; i++)
            print_interval(sim,
                           &g_array_index(wc->flagged, struct ipa_wc_interval, i),
                           out);
        if (shown < wc->flagged->len)
            fprintf(out, "    ... and %u more (see the JSON report)\n",
                    wc->flagged->len - shown);
    }
}

void ipa_report_text(const struct ipa_sim *sim,
                     const struct ipa_report_info *info, FILE *out)
{
    const struct ipa_topo *topo = ipa_sim_topo(sim);
    enum ipa_sim_exit kind = ipa_sim_exit_kind(sim);
    char *policies = ipa_printable(info->policies);
    char *topology = ipa_printable(info->topology);
    char *trace_name = ipa_printable(info->trace);
    fprintf(out, "ipasim %s: %s on %s (%d cores), trace %s\n", IPASIM_VERSION,
            policies, topology, topo->nr_cores, trace_name);
    g_free(policies);
    g_free(topology);
    g_free(trace_name);
    fprintf(out, "run: %s at %s simulated, makespan %s, %llu events",
            ipa_sim_exit_name(kind), dur(ipa_sim_now_ns(sim)),
            dur(ipa_sim_makespan_ns(sim)),
            (unsigned long long)ipa_sim_events(sim));
    if (info->wall_seconds > 0)
        fprintf(out, ", %.3fs wall (%.2fM events/s)", info->wall_seconds,
                (double)ipa_sim_events(sim) / info->wall_seconds / 1e6);
    fputc('\n', out);
    /* The message itself goes to standard error (cmd_run), where a fault
     * belongs; printing it here too showed it twice on a terminal. */
    if (ipa_sim_exit_message(sim))
        fprintf(out, "  (the reason is on standard error, and is exit_message "
                     "in --json)\n");

    print_threads(sim, info, out);
    const struct ipa_hist *h = ipa_sim_latency(sim);
    fprintf(out,
            "wake-up latency (ready to running): p50 %s, p99 %s, max %s over "
            "%llu arrivals and wake-ups\n",
            dur(ipa_hist_quantile(h, 0.5)), dur(ipa_hist_quantile(h, 0.99)),
            dur(h->max), (unsigned long long)h->count);
    const struct ipa_trace *trace = ipa_sim_trace(sim);
    for (guint g = 0; g < trace->groups->len; g++) {
        const struct ipa_hist *gh = ipa_sim_group_latency(sim, (int)g);
        if (gh->count)
            fprintf(out, "  group %-12s p50 %s, p99 %s, max %s over %llu\n",
                    (const char *)g_ptr_array_index(trace->groups, g),
                    dur(ipa_hist_quantile(gh, 0.5)),
                    dur(ipa_hist_quantile(gh, 0.99)), dur(gh->max),
                    (unsigned long long)gh->count);
    }
    print_jobs(sim, info, out);
    print_migrations(sim, out);
    print_cores(sim, out);
    print_wc(sim, out);
}
