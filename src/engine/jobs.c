/*
 * jobs.c - real-time jobs: what a thread with a `deadline` or `period`
 * attribute was asked to do and when it did it (docs/report-format.md).
 *
 * A job is one activation (arrival, wake-up, or a periodic timer whose
 * boundary has already passed) up to the thread's next block or exit; its
 * absolute deadline is its release plus the `deadline` attribute, else
 * the `period`. An activation that blocks or exits without running any
 * work is no job: the wake-up that ends a periodic task's last period
 * only exits. Figures are counted per thread at release and at the end
 * of each job; groups and totals are summed when asked for.
 *
 * With --deadline-miss abort each job arms an event at its deadline; a
 * job still unfinished then is dropped: its thread skips its remaining
 * run ops up to the op that ends the job (docs/trace-format.md).
 */
#include <string.h>

#include "engine/internal.h"
#include "util/common.h"

static int attr_named(const struct ipa_trace *trace, const char *name)
{
    for (guint i = 0; i < trace->attrs->len; i++)
        if (!strcmp(g_ptr_array_index(trace->attrs, i), name))
            return (int)i;
    return -1;
}

static void jobs_free(gpointer p)
{
    struct ipa_jobs *j = p;
    ipa_sparse_hist_fini(&j->response);
    g_free(j);
}

void ipa_jobs_setup(struct ipa_sim *sim)
{
    sim->attr_deadline = attr_named(sim->trace, "deadline");
    sim->attr_period = attr_named(sim->trace, "period");
    sim->jobs = g_ptr_array_new_with_free_func(jobs_free);
}

void ipa_jobs_fini(struct ipa_sim *sim)
{
    if (sim->jobs)
        g_ptr_array_free(sim->jobs, TRUE);
}

static uint64_t spec_attr(const struct ipa_thread_spec *spec, int attr)
{
    for (int i = 0; attr >= 0 && i < spec->nr_attrs; i++)
        if (spec->attr_ids[i] == attr)
            return spec->attr_values[i] > 0 ? (uint64_t)spec->attr_values[i]
                                            : 0;
    return 0;
}

void ipa_jobs_attach(struct ipa_sim *sim, struct ipa_thread *t)
{
    uint64_t rel = spec_attr(t->spec, sim->attr_deadline);
    if (!rel)
        rel = spec_attr(t->spec, sim->attr_period);
    if (!rel)
        return;
    struct ipa_jobs *j = g_new0(struct ipa_jobs, 1);
    ipa_event_init(&j->deadline, EV_DEADLINE);
    j->thread = t;
    j->relative_ns = rel;
    j->lateness_max_ns = INT64_MIN;
    g_ptr_array_add(sim->jobs, j);
    t->jobs = j;
    t->has_jobs = true;
}

void ipa_jobs_release(struct ipa_sim *sim, struct ipa_thread *t,
                      uint64_t release_ns)
{
    struct ipa_jobs *j = t->jobs;
    IPA_ASSERT(!j->open, "a job released while another is open");
    j->open = true;
    j->released++;
    j->release_ns = release_ns;
    j->deadline_ns = release_ns + j->relative_ns;
    t->job_flags = 0;
    /* an absolute timer catching up releases jobs already late */
    if (sim->config.abort_late_jobs)
        ipa_evq_push(&sim->evq, &j->deadline,
                     MAX(j->deadline_ns, sim->now));
}

void ipa_jobs_end(struct ipa_sim *sim, struct ipa_thread *t)
{
    struct ipa_jobs *j = t->jobs;
    bool worked = t->job_flags & JOB_WORKED;
    t->job_flags = 0;
    if (!j->open)
        return; /* dropped at its deadline */
    j->open = false;
    ipa_evq_remove(&sim->evq, &j->deadline);
    if (!worked) {
        j->released--;
        return;
    }
    j->completed++;
    ipa_sparse_hist_add(&j->response, sim->now - j->release_ns);
    int64_t lateness = (int64_t)(sim->now - j->deadline_ns);
    if (lateness > j->lateness_max_ns)
        j->lateness_max_ns = lateness;
    if (sim->now > j->deadline_ns)
        j->missed++;
}

void ipa_jobs_deadline(struct ipa_sim *sim, struct ipa_event *ev)
{
    struct ipa_jobs *j = IPA_CONTAINER_OF(ev, struct ipa_jobs, deadline);
    struct ipa_thread *t = j->thread;
    /* work that ends at this very instant is on time: look again once it
     * has (this event now comes after its end of run) */
    if (t->pub.state == IPA_STATE_RUNNING && ipa_event_queued(&t->timer) &&
        t->timer.kind == EV_RUN_END && t->timer.time_ns == sim->now) {
        ipa_evq_push(&sim->evq, &j->deadline, sim->now);
        return;
    }
    j->open = false;
    j->missed++;
    j->aborted++;
    t->job_flags = JOB_SKIP;
    t->run_left_ns = 0;
    if (t->pub.state == IPA_STATE_RUNNING) {
        ipa_evq_remove(&sim->evq, &t->timer);
        ipa_program_advance(sim, t);
    }
    /* a READY thread skips when it next runs: its work left is gone */
}

/* ---- results ------------------------------------------------------------- */

/* Adds @j's figures into @out, and its responses into @response. */
static void add_jobs(const struct ipa_sim *sim, const struct ipa_jobs *j,
                     struct ipa_job_result *out, struct ipa_hist *response)
{
    out->released += j->released;
    out->completed += j->completed;
    out->missed += j->missed + (j->open && j->deadline_ns < sim->now);
    out->aborted += j->aborted;
    if (j->completed &&
        (!out->has_lateness || j->lateness_max_ns > out->lateness_max_ns)) {
        out->lateness_max_ns = j->lateness_max_ns;
        out->has_lateness = true;
    }
    ipa_sparse_hist_merge(response, &j->response);
}

static void finish(struct ipa_job_result *out, const struct ipa_hist *response)
{
    out->response_mean_ns = response->count ? response->sum / response->count
                                            : 0;
    out->response_p99_ns = ipa_hist_quantile(response, 0.99);
    out->response_max_ns = response->max;
    out->tardiness_max_ns = out->has_lateness && out->lateness_max_ns > 0
                                ? (uint64_t)out->lateness_max_ns
                                : 0;
}

bool ipa_sim_thread_jobs(const struct ipa_sim *sim, int tid,
                         struct ipa_job_result *out)
{
    const struct ipa_thread *t = g_ptr_array_index(sim->threads, tid);
    memset(out, 0, sizeof *out);
    if (!t->has_jobs)
        return false;
    struct ipa_hist *response = g_new0(struct ipa_hist, 1);
    add_jobs(sim, t->jobs, out, response);
    finish(out, response);
    out->relative_deadline_ns = t->jobs->relative_ns;
    g_free(response);
    return true;
}

bool ipa_sim_group_jobs(const struct ipa_sim *sim, int group,
                        struct ipa_job_result *out)
{
    memset(out, 0, sizeof *out);
    struct ipa_hist *response = g_new0(struct ipa_hist, 1);
    bool any = false;
    for (guint i = 0; sim->jobs && i < sim->jobs->len; i++) {
        const struct ipa_jobs *j = g_ptr_array_index(sim->jobs, i);
        if (group != IPA_SIM_ALL_GROUPS && j->thread->pub.group != group)
            continue;
        add_jobs(sim, j, out, response);
        any = true;
    }
    finish(out, response);
    g_free(response);
    return any;
}
