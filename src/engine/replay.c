/*
 * replay.c - a recorded schedule (trace/recorded.h) played through the
 * engine's own accounting: `ipasim analyze`.
 *
 * The recording decides every move a policy would: who runs where and
 * when, who wakes whom. Each of its events becomes the state change the
 * engine makes for a policy's move (ipa_rt_set_state) and the accounting
 * of a thread starting on a core (ipa_dispatch_account_start), observers
 * and the work-conservation monitor included. So a replay's results are
 * read, reported and compared exactly as a run's, and no report has a
 * second implementation for recordings.
 *
 * A thread the recording loses track of (a gap: lost or inconsistent
 * events) is BLOCKED until its next event: unknown, so neither waiting
 * nor running. A switch-in of a thread not seen waking makes it READY at
 * that instant (no wait, no wake-up counted).
 */
#include <string.h>

#include "engine/internal.h"
#include "trace/recorded.h"
#include "util/cpuset.h"

/* The partition's only queue: where a recorded thread waits, on the CPU
 * it was woken for, until the recording switches it in. */
static const struct ipa_rq_desc recorded_rqs[] = {
    {.name = "recorded", .state = IPA_STATE_READY},
};

/* The recording makes every decision; the engine never calls a policy
 * during a replay. */
static void never_move(struct ipa_rt *rt, struct ipa_process_event *e)
{
    (void)rt;
    (void)e;
    IPA_UNREACHABLE();
}

static void never_schedule(struct ipa_rt *rt, struct ipa_core_event *e)
{
    (void)rt;
    (void)e;
    IPA_UNREACHABLE();
}

static const struct ipa_policy_ops recorded_ops = {
    .abi = IPA_RUNTIME_ABI,
    .name = "recorded",
    .core_rqs = recorded_rqs,
    .nr_core_rqs = 1,
    .new_place = never_move,
    .unblock_place = never_move,
    .block = never_move,
    .terminate = never_move,
    .schedule = never_schedule,
};

struct replay {
    struct ipa_sim *sim;
    const struct ipa_recorded *rec;
    struct ipa_thread **threads; /* [recorded thread] or NULL before its
                                    arrival (templates) */
    GHashTable *specs;           /* name -> spec of the trace */
    uint64_t *pinned_sets;       /* [thread * words]: a per-CPU thread's
                                    affinity */
};

/* A per-CPU kernel thread may wait only for its own CPU: the monitor
 * must not count other idle CPUs against it. */
static void pin(struct replay *r, int i)
{
    int cpu = g_array_index(r->rec->pinned, int, i);
    struct ipa_thread *t = r->threads[i];
    if (cpu < 0 || cpu >= r->sim->nr_cores)
        return;
    uint64_t *set = r->pinned_sets + (size_t)i * (size_t)r->sim->words;
    ipa_cpuset_set(set, cpu);
    t->affinity = set;
    t->pub.allowed = set;
}

/* The schedule's thread @i, made on its first event when it is a
 * template (as a spawn makes one); every thread of the recording is in
 * the trace the same import wrote. */
static struct ipa_thread *thread_of(struct replay *r, int i)
{
    if (r->threads[i])
        return r->threads[i];
    const struct ipa_thread_spec *spec =
        g_hash_table_lookup(r->specs, g_ptr_array_index(r->rec->names, i));
    IPA_ASSERT(spec, "recorded thread missing from its trace");
    r->threads[i] = ipa_sim_new_thread(r->sim, spec);
    pin(r, i);
    return r->threads[i];
}

static void clear_resched(struct ipa_sim *sim)
{
    for (int i = 0; i < sim->nr_cores; i++)
        sim->cores[i].resched = false;
    sim->nr_resched = 0;
    sim->resched_head = 0;
}

static struct ipa_rq *rq_of(struct ipa_sim *sim, int core)
{
    return &sim->cores[core].rt->core_rqs[core][0];
}

/* The core whose queue a woken thread joins: the CPU the recording names
 * (a target CPU may lie beyond those the recording has events of), else
 * the waker's, else where it last ran, else the first. */
static int wake_core(const struct ipa_sim *sim,
                     const struct ipa_recorded_event *e,
                     const struct ipa_thread *t)
{
    if (e->cpu >= 0 && e->cpu < sim->nr_cores)
        return e->cpu;
    if (e->waker_cpu >= 0)
        return e->waker_cpu;
    if (t->last_ran_core >= 0)
        return t->last_ran_core;
    return sim->parts[0]->cores[0];
}

static void arrive(struct ipa_sim *sim, struct ipa_thread *t)
{
    t->started = true;
    t->start_ns = sim->now;
    t->wake_ns = sim->now;
    t->latency_pending = true;
    sim->state_count[IPA_STATE_NOT_QUEUED]++;
    if (t->pub.group >= 0)
        sim->group_live[t->pub.group]++;
}

/* @t becomes READY on @core; @wakeup: a wake-up (or arrival) the
 * recording shows, whose latency runs until @t's switch-in. */
static void make_ready(struct ipa_sim *sim, struct ipa_thread *t, int core,
                       int waker_core, bool wakeup)
{
    bool arrival = !t->started;
    if (arrival)
        arrive(sim, t);
    else if (wakeup) {
        t->nr_wakeups++;
        t->wake_ns = sim->now;
        t->latency_pending = true;
    }
    if (wakeup && sim->nr_observers)
        ipa_dispatch_observe_wakeup(sim, t, arrival, waker_core);
    if (!wakeup)
        t->latency_pending = false;
    ipa_rt_set_state(sim, t, IPA_STATE_READY, core, rq_of(sim, core));
}

/* @t stops running on its core, which idles unless another thread was
 * switched in there meanwhile. */
static void stop(struct ipa_sim *sim, struct ipa_thread *t,
                 enum ipa_state to)
{
    int core = t->pub.core;
    ipa_rt_set_state(sim, t, to, core,
                     to == IPA_STATE_READY ? rq_of(sim, core) : NULL);
    struct ipa_core *c = &sim->cores[core];
    if (!c->current)
        ipa_dispatch_core_idle(sim, c, true);
}

static void run(struct ipa_sim *sim, struct ipa_thread *t, int core)
{
    struct ipa_core *c = &sim->cores[core];
    if (c->current && c->current != t)
        stop(sim, c->current, IPA_STATE_BLOCKED);
    if (t->pub.state == IPA_STATE_RUNNING) {
        if (t->pub.core == core)
            return;
        stop(sim, t, IPA_STATE_BLOCKED);
    }
    if (t->pub.state != IPA_STATE_READY)
        make_ready(sim, t, core, -1, !t->started);
    ipa_dispatch_core_idle(sim, c, false);
    ipa_rt_set_state(sim, t, IPA_STATE_RUNNING, core, NULL);
    ipa_dispatch_account_start(sim, c, t);
}

static void terminate(struct ipa_sim *sim, struct ipa_thread *t)
{
    stop(sim, t, IPA_STATE_TERMINATED);
    t->end_ns = sim->now;
    sim->live--;
    sim->last_exit_ns = sim->now;
    if (t->pub.group >= 0)
        sim->group_live[t->pub.group]--;
}

static void apply(struct replay *r, const struct ipa_recorded_event *e)
{
    struct ipa_sim *sim = r->sim;
    struct ipa_thread *t = thread_of(r, e->thread);
    bool on_cpu = t->pub.state == IPA_STATE_RUNNING && t->pub.core == e->cpu;
    switch (e->kind) {
    case IPA_RECORDED_ARRIVE:
    case IPA_RECORDED_WAKE:
        if (t->pub.state == IPA_STATE_BLOCKED ||
            t->pub.state == IPA_STATE_NOT_QUEUED)
            make_ready(sim, t, wake_core(sim, e, t), e->waker_cpu, true);
        break;
    case IPA_RECORDED_RUN:
        run(sim, t, e->cpu);
        break;
    case IPA_RECORDED_PREEMPT:
        if (on_cpu)
            stop(sim, t, IPA_STATE_READY);
        break;
    case IPA_RECORDED_BLOCK:
    case IPA_RECORDED_GAP:
        if (on_cpu)
            stop(sim, t, IPA_STATE_BLOCKED);
        break;
    case IPA_RECORDED_EXIT:
        if (on_cpu)
            terminate(sim, t);
        break;
    default:
        IPA_UNREACHABLE();
    }
    clear_resched(sim);
}

/* A thread's CPU time is what the kernel billed it where the recording
 * says, as in the trace the same import writes (docs/trace-format.md, "CPU
 * time"); the timeline, busy time and monitor stay the switches'. */
static void bill(struct replay *r)
{
    for (guint i = 0; i < r->rec->billed->len; i++) {
        uint64_t billed = g_array_index(r->rec->billed, uint64_t, i);
        struct ipa_thread *t = r->threads[i];
        if (!t || billed == UINT64_MAX)
            continue;
        t->runtime_ns = billed;
        t->run_since_ns = r->sim->now;
    }
}

bool ipa_sim_replay(struct ipa_sim *sim, const struct ipa_recorded *rec,
                    GError **error)
{
    if (rec->nr_cpus > sim->nr_cores) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "the recording has %d CPUs, the topology only %d "
                    "core%s",
                    rec->nr_cpus, sim->nr_cores, sim->nr_cores == 1 ? "" : "s");
        return false;
    }
    if (!ipa_sim_add_partition(sim, "recorded", &recorded_ops, NULL, NULL, 0,
                               error))
        return false;
    struct replay r = {.sim = sim, .rec = rec};
    int n = (int)rec->names->len;
    r.threads = g_new0(struct ipa_thread *, (size_t)n);
    r.specs = g_hash_table_new(g_str_hash, g_str_equal);
    const struct ipa_trace *tr = sim->trace;
    for (guint i = 0; i < tr->threads->len; i++) {
        struct ipa_thread_spec *s = g_ptr_array_index(tr->threads, i);
        g_hash_table_insert(r.specs, s->name, s);
    }
    for (guint i = 0; i < tr->templates->len; i++) {
        struct ipa_thread_spec *s = g_ptr_array_index(tr->templates, i);
        g_hash_table_insert(r.specs, s->name, s);
    }

    ipa_sim_prepare(sim);
    /* the trace's threads were made in its order, as a run makes them */
    GHashTable *made = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < sim->threads->len; i++) {
        struct ipa_thread *t = g_ptr_array_index(sim->threads, i);
        g_hash_table_insert(made, t->spec->name, t);
    }
    r.pinned_sets = g_new0(uint64_t, (size_t)n * (size_t)sim->words);
    for (int i = 0; i < n; i++) {
        r.threads[i] =
            g_hash_table_lookup(made, g_ptr_array_index(rec->names, i));
        if (r.threads[i])
            pin(&r, i);
    }
    g_hash_table_unref(made);

    sim->cb = "recorded";
    for (guint i = 0; i < rec->events->len; i++) {
        const struct ipa_recorded_event *e =
            &g_array_index(rec->events, struct ipa_recorded_event, i);
        if (e->time_ns > sim->now) {
            ipa_wc_commit(sim->parts[0]->wc, sim->now);
            sim->now = e->time_ns;
        }
        apply(&r, e);
        sim->nr_events++;
    }
    ipa_wc_commit(sim->parts[0]->wc, sim->now);
    if (rec->end_ns > sim->now) {
        sim->now = rec->end_ns;
        ipa_wc_commit(sim->parts[0]->wc, sim->now);
    }
    sim->cb = NULL;
    int alive = 0;
    for (guint i = 0; i < sim->threads->len; i++) {
        const struct ipa_thread *t = g_ptr_array_index(sim->threads, i);
        if (t->started && t->pub.state != IPA_STATE_TERMINATED)
            alive++;
    }
    if (!alive) {
        sim->exit = IPA_SIM_DONE;
    } else {
        sim->exit = IPA_SIM_UNTIL;
        sim->exit_message = g_strdup_printf(
            "the recording ends at %llu ns with %d thread%s alive",
            (unsigned long long)sim->now, alive, alive == 1 ? "" : "s");
    }
    bill(&r);
    ipa_sim_finish(sim);
    /* the monitor has let go of the affinities: nothing reads them now */
    for (int i = 0; i < n; i++)
        if (r.threads[i] && g_array_index(rec->pinned, int, i) >= 0) {
            r.threads[i]->affinity = NULL;
            r.threads[i]->pub.allowed = sim->parts[0]->coreset;
        }
    g_free(r.pinned_sets);
    g_free(r.threads);
    g_hash_table_unref(r.specs);
    return true;
}
