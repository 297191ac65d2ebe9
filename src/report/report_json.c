/*
 * report_json.c - the JSON report (schema in docs/report-format.md).
 * Holds no wall-clock figure: two runs with the same inputs and seed give
 * the same bytes.
 */
#include <string.h>

#include <json-c/json.h>

#include "engine/sim.h"
#include "report/report.h"
#include "topo/topo.h"
#include "trace/trace.h"
#include "util/common.h"
#include "util/outfile.h"

static json_object *u64(uint64_t v)
{
    return json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v);
}

static json_object *int_array(const int *v, int n)
{
    json_object *a = json_object_new_array_ext(n);
    for (int i = 0; i < n; i++)
        json_object_array_add(a, json_object_new_int(v[i]));
    return a;
}

static json_object *latency(const struct ipa_hist *h)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "count", u64(h->count));
    json_object_object_add(o, "p50_ns", u64(ipa_hist_quantile(h, 0.5)));
    json_object_object_add(o, "p99_ns", u64(ipa_hist_quantile(h, 0.99)));
    json_object_object_add(o, "max_ns", u64(h->max));
    json_object_object_add(o, "mean_ns", u64(h->count ? h->sum / h->count : 0));
    return o;
}

/* Real-time figures; lateness is null while no job has completed. */
static json_object *jobs(const struct ipa_job_result *r)
{
    json_object *o = json_object_new_object();
    if (r->relative_deadline_ns)
        json_object_object_add(o, "relative_deadline_ns",
                               u64(r->relative_deadline_ns));
    json_object_object_add(o, "released", u64(r->released));
    json_object_object_add(o, "completed", u64(r->completed));
    json_object_object_add(o, "missed", u64(r->missed));
    json_object_object_add(o, "aborted", u64(r->aborted));
    json_object_object_add(o, "response_mean_ns", u64(r->response_mean_ns));
    json_object_object_add(o, "response_p99_ns", u64(r->response_p99_ns));
    json_object_object_add(o, "response_max_ns", u64(r->response_max_ns));
    json_object_object_add(o, "lateness_max_ns",
                           r->has_lateness
                               ? json_object_new_int64(r->lateness_max_ns)
                               : NULL);
    json_object_object_add(o, "tardiness_max_ns", u64(r->tardiness_max_ns));
    return o;
}

/* "jobs" and "jobs_by_group", when some thread has a deadline or period. */
static void add_jobs(const struct ipa_sim *sim, json_object *root)
{
    struct ipa_job_result r;
    if (!ipa_sim_group_jobs(sim, IPA_SIM_ALL_GROUPS, &r))
        return;
    json_object_object_add(root, "jobs", jobs(&r));
    const struct ipa_trace *trace = ipa_sim_trace(sim);
    json_object *groups = json_object_new_object();
    for (guint g = 0; g < trace->groups->len; g++)
        if (ipa_sim_group_jobs(sim, (int)g, &r))
            json_object_object_add(groups, g_ptr_array_index(trace->groups, g),
                                   jobs(&r));
    json_object_object_add(root, "jobs_by_group", groups);
}

static json_object *threads(const struct ipa_sim *sim)
{
    int n = ipa_sim_nr_threads(sim);
    json_object *a = json_object_new_array_ext(n);
    for (int i = 0; i < n; i++) {
        struct ipa_thread_result r;
        ipa_sim_thread_result(sim, i, &r);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "tid", json_object_new_int(r.tid));
        json_object_object_add(o, "name", json_object_new_string(r.name));
        json_object_object_add(o, "group", r.group ? json_object_new_string(r.group)
                                                   : NULL);
        json_object_object_add(o, "partition", json_object_new_int(r.partition));
        if (r.class_name)
            json_object_object_add(o, "class",
                                   json_object_new_string(r.class_name));
        json_object_object_add(
            o, "state",
            json_object_new_string(r.started ? ipa_state_name(r.state)
                                             : "PENDING"));
        json_object_object_add(o, "start_ns", u64(r.start_ns));
        json_object_object_add(o, "end_ns", u64(r.end_ns));
        json_object_object_add(o, "runtime_ns", u64(r.runtime_ns));
        json_object_object_add(o, "wait_ns", u64(r.wait_ns));
        json_object_object_add(o, "switches", u64(r.nr_switches));
        json_object_object_add(o, "migrations", u64(r.nr_migrations));
        json_object_object_add(o, "wakeups", u64(r.nr_wakeups));
        json_object_object_add(o, "latency_max_ns", u64(r.latency_max_ns));
        uint64_t arrivals = r.nr_wakeups + (r.started ? 1 : 0);
        json_object_object_add(
            o, "latency_mean_ns",
            u64(arrivals ? r.latency_sum_ns / arrivals : 0));
        struct ipa_job_result jr;
        if (ipa_sim_thread_jobs(sim, i, &jr))
            json_object_object_add(o, "jobs", jobs(&jr));
        if (r.blocked_on && r.state == IPA_STATE_BLOCKED)
            json_object_object_add(o, "blocked_on",
                                   json_object_new_string(r.blocked_on));
        json_object_array_add(a, o);
    }
    return a;
}

static json_object *cores(const struct ipa_sim *sim)
{
    int n = ipa_sim_nr_cores(sim);
    const struct ipa_topo *topo = ipa_sim_topo(sim);
    json_object *a = json_object_new_array_ext(n);
    for (int i = 0; i < n; i++) {
        struct ipa_core_result c;
        ipa_sim_core_result(sim, i, &c);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_int(c.id));
        json_object_object_add(o, "partition", json_object_new_int(c.partition));
        json_object_object_add(o, "busy_ns", u64(c.busy_ns));
        json_object_object_add(o, "idle_ns", u64(c.idle_ns));
        json_object_object_add(o, "switches", u64(c.nr_switches));
        /* only where it says something: reports of machines of equal
         * cores stay as they were */
        if (topo->heterogeneous)
            json_object_object_add(o, "capacity",
                                   json_object_new_int(topo->capacity[i]));
        json_object_array_add(a, o);
    }
    return a;
}

static json_object *wc_object(const struct ipa_wc_result *wc)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "violations", u64(wc->violations));
    json_object_object_add(o, "wasted_core_ns", u64(wc->wasted_core_ns));
    json_object_object_add(o, "longest_ns", u64(wc->longest_ns));
    json_object_object_add(o, "threshold_ns", u64(wc->threshold_ns));
    json_object *flagged = json_object_new_array();
    for (guint i = 0; i < wc->flagged->len; i++) {
        const struct ipa_wc_interval *iv =
            &g_array_index(wc->flagged, struct ipa_wc_interval, i);
        json_object *f = json_object_new_object();
        json_object_object_add(f, "start_ns", u64(iv->start_ns));
        json_object_object_add(f, "end_ns", u64(iv->end_ns));
        json_object_object_add(f, "wasted_core_ns", u64(iv->wasted_core_ns));
        json_object_object_add(f, "max_idle", json_object_new_int(iv->max_idle));
        json_object_object_add(f, "max_waiting",
                               json_object_new_int(iv->max_waiting));
        json_object_object_add(f, "cores", int_array(iv->cores, iv->nr_cores));
        json_object_object_add(f, "threads",
                               int_array(iv->threads, iv->nr_threads));
        json_object_array_add(flagged, f);
    }
    json_object_object_add(o, "flagged", flagged);
    return o;
}

/* Partitions each have a monitor; the top-level section adds them up. */
static void add_work_conservation(const struct ipa_sim *sim, json_object *root)
{
    const struct ipa_topo *topo = ipa_sim_topo(sim);
    json_object *parts = json_object_new_array();
    uint64_t violations = 0, wasted = 0, longest = 0, threshold = 0;
    json_object *all_flagged = json_object_new_array();
    json_object *migr = json_object_new_object();
    uint64_t *by_distance = g_new0(uint64_t, topo->nr_distances);
    for (int p = 0; p < ipa_sim_nr_partitions(sim); p++) {
        struct ipa_partition_result pr;
        ipa_sim_partition_result(sim, p, &pr);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "policy", json_object_new_string(pr.name));
        json_object_object_add(o, "cores", int_array(pr.cores, pr.nr_cores));
        json_object *wc = wc_object(pr.wc);
        json_object *flagged = json_object_object_get(wc, "flagged");
        for (size_t i = 0; i < json_object_array_length(flagged); i++) {
            json_object *f = json_object_array_get_idx(flagged, i);
            json_object *copy = NULL;
            json_object_deep_copy(f, &copy, NULL);
            json_object_object_add(copy, "partition", json_object_new_int(p));
            json_object_array_add(all_flagged, copy);
        }
        json_object_object_add(o, "work_conservation", wc);
        json_object_array_add(parts, o);
        violations += pr.wc->violations;
        wasted += pr.wc->wasted_core_ns;
        longest = MAX(longest, pr.wc->longest_ns);
        threshold = pr.wc->threshold_ns;
        for (int d = 0; d < topo->nr_distances; d++)
            by_distance[d] += pr.migrations_by_distance[d];
    }
    for (int d = 1; d < topo->nr_distances; d++)
        json_object_object_add(migr, topo->distance_names[d], u64(by_distance[d]));
    g_free(by_distance);
    json_object *wc = json_object_new_object();
    json_object_object_add(wc, "violations", u64(violations));
    json_object_object_add(wc, "wasted_core_ns", u64(wasted));
    json_object_object_add(wc, "longest_ns", u64(longest));
    json_object_object_add(wc, "threshold_ns", u64(threshold));
    json_object_object_add(wc, "flagged", all_flagged);
    json_object_object_add(root, "work_conservation", wc);
    json_object_object_add(root, "partitions", parts);
    json_object_object_add(root, "migrations_by_level", migr);
}

/* What every report starts with. */
static json_object *header(const struct ipa_report_info *info, int nr_cores)
{
    json_object *root = json_object_new_object();
    json_object_object_add(root, "ipasim_report", json_object_new_int(1));
    json_object_object_add(root, "version", json_object_new_string(IPASIM_VERSION));
    json_object_object_add(root, "topology", json_object_new_string(info->topology));
    json_object_object_add(root, "trace", json_object_new_string(info->trace));
    json_object_object_add(root, "policy", json_object_new_string(info->policies));
    json_object_object_add(root, "nr_cores", json_object_new_int(nr_cores));
    return root;
}

/* Writes @root (and frees it) atomically: a temporary file renamed. */
static bool write_report(json_object *root, const char *path, GError **error)
{
    const char *text = json_object_to_json_string_ext(
        root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                  JSON_C_TO_STRING_NOSLASHESCAPE);
    bool ok = ipa_write_file(path, text, strlen(text), error);
    json_object_put(root);
    return ok;
}

bool ipa_report_json(const struct ipa_sim *sim,
                     const struct ipa_report_info *info, const char *path,
                     GError **error)
{
    const struct ipa_topo *topo = ipa_sim_topo(sim);
    const struct ipa_trace *trace = ipa_sim_trace(sim);
    json_object *root = header(info, topo->nr_cores);
    enum ipa_sim_exit kind = ipa_sim_exit_kind(sim);
    json_object_object_add(root, "exit", json_object_new_string(ipa_sim_exit_name(kind)));
    if (ipa_sim_exit_message(sim))
        json_object_object_add(root, "exit_message",
                               json_object_new_string(ipa_sim_exit_message(sim)));
    json_object_object_add(root, "simulated_ns", u64(ipa_sim_now_ns(sim)));
    json_object_object_add(root, "makespan_ns", u64(ipa_sim_makespan_ns(sim)));
    json_object_object_add(root, "events", u64(ipa_sim_events(sim)));
    json_object_object_add(root, "latency", latency(ipa_sim_latency(sim)));
    json_object *groups = json_object_new_object();
    for (guint g = 0; g < trace->groups->len; g++)
        json_object_object_add(groups, g_ptr_array_index(trace->groups, g),
                               latency(ipa_sim_group_latency(sim, (int)g)));
    json_object_object_add(root, "latency_by_group", groups);
    add_jobs(sim, root);
    json_object_object_add(root, "threads", threads(sim));
    json_object_object_add(root, "cores", cores(sim));
    add_work_conservation(sim, root);

    return write_report(root, path, error);
}

static json_object *string_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

bool ipa_report_json_fault(const struct ipa_report_info *info, int nr_cores,
                           const char *message,
                           const struct ipa_report_fault *fault,
                           const char *path, GError **error)
{
    json_object *root = header(info, nr_cores);
    json_object_object_add(root, "exit", json_object_new_string("fault"));
    json_object_object_add(root, "exit_message", json_object_new_string(message));
    json_object_object_add(root, "simulated_ns", u64(fault->time_ns));
    json_object *f = json_object_new_object();
    json_object_object_add(f, "cause", json_object_new_string(fault->cause));
    if (fault->signal)
        json_object_object_add(f, "signal", json_object_new_string(fault->signal));
    if (!strcmp(fault->cause, "exit"))
        json_object_object_add(f, "exit_status",
                               json_object_new_int(fault->exit_status));
    json_object_object_add(f, "policy", string_or_null(fault->policy));
    json_object_object_add(f, "callback", string_or_null(fault->callback));
    json_object_object_add(f, "in_callback",
                           json_object_new_boolean(fault->in_callback));
    json_object_object_add(f, "thread", fault->thread >= 0
                                            ? json_object_new_int(fault->thread)
                                            : NULL);
    json_object_object_add(f, "core", fault->core >= 0
                                          ? json_object_new_int(fault->core)
                                          : NULL);
    json_object_object_add(f, "time_ns", u64(fault->time_ns));
    json_object_object_add(root, "fault", f);
    return write_report(root, path, error);
}
