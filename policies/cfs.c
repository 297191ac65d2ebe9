/*
 * cfs.c - a simplified Linux CFS (Completely Fair Scheduler), hand-written
 * against the ipasim runtime API (include/ipasim/runtime.h). It keeps, on
 * purpose, the Linux heuristics that "The Linux Scheduler: a Decade of
 * Wasted Cores" (Lozi et al., EuroSys 2016) showed to leave cores idle
 * while threads wait, so that the monitor has something to catch.
 *
 * Fairness on one core. Every thread has a virtual runtime: the CPU time
 * it used, scaled by NICE_0_LOAD / weight, so a heavy thread (low nice)
 * ages slowly and a light one quickly. Each core keeps its waiting threads
 * ordered by lowest vruntime and runs the first. A core's min_vruntime
 * follows the smallest vruntime on it and never goes back. At a tick, the
 * running thread is preempted when it has used up its slice (SCHED_LATENCY
 * shared by the threads of the core, at least MIN_GRANULARITY) and some
 * waiting thread has a lower vruntime. Over time each thread gets CPU time
 * in proportion to its weight.
 *
 * Arrivals and wake-ups. A new or woken thread is placed at
 * max(its vruntime, min_vruntime - SLEEPER_CREDIT): a sleeper may not
 * hoard credit, but gets a little so that it runs soon. It preempts the
 * running thread at once if its vruntime is lower by more than
 * WAKEUP_GRANULARITY. A thread that changes core keeps its vruntime
 * relative to the min_vruntime of the core it leaves.
 *
 * Load. A core's load is the sum of its threads' loads. A thread's load is
 * its weight, but the weight of a group-labelled thread is shared by the
 * live threads of its group (weight / group size), as Linux autogroups do:
 * one thread of a two-thread group weighs as much as 32 threads of a
 * 64-thread one.
 *
 * Balancing. Periodically (every level has its own interval, longer
 * higher up) and when a core is about to go idle, a core walks its
 * scheduling domains from the smallest up. In each domain it compares the
 * AVERAGE load of its own group with that of the busiest other group that
 * has a waiting thread, and pulls threads from that group's busiest core,
 * about half their load difference, only when its own average is lower by
 * IMBALANCE_PCT.
 *
 * The wasteful heuristics (what cfs_cwc.ipa fixes):
 * - Group Imbalance: averages hide idle cores. A node with one heavy
 *   thread (a two-thread group: load 512) and seven idle cores has an
 *   average load (64) above that of a node whose eight cores each run a
 *   make job and queue more (load 15 each: average 30), so the idle cores
 *   never pull the waiting jobs.
 * - Overload-on-Wakeup: a woken thread looks for an idle core only in the
 *   waker's node; if there is none it goes back to its previous core,
 *   busy or not, while other nodes may have idle cores. New threads go to
 *   the least loaded core of their parent's node.
 * - Balancing is periodic and rare at the upper levels, so a wrong
 *   placement lasts.
 *
 * This file is the reference for policies/cfs.ipa, so it uses only what
 * the DSL has: per-thread, per-core and per-domain attributes, one ordered
 * queue, loads recomputed when read (lazy attributes), walks over domain
 * levels, groups and cores, and integer arithmetic.
 */
#include <ipasim/runtime.h>

#define NICE_0_LOAD 1024
#define SCHED_LATENCY_NS 6000000      /* period shared by a core's threads */
#define MIN_GRANULARITY_NS 750000     /* shortest slice */
#define WAKEUP_GRANULARITY_NS 1000000 /* vruntime lead a wakee needs */
#define SLEEPER_CREDIT_NS 3000000     /* SCHED_LATENCY / 2, as Linux */
#define IMBALANCE_PCT 125             /* pull if 25% less loaded */
#define AVG_SCALE 1024                /* fixed point of average loads */

struct cfs_thread {
    int64_t vruntime;
    uint64_t accounted_ns;   /* runtime already turned into vruntime */
    uint64_t slice_start_ns; /* runtime when last elected */
};

struct cfs_core {
    int64_t min_vruntime;
};

/* Balancing periods left before this (core, level) is balanced again. */
struct cfs_domain {
    int wait;
};

enum { READY_Q };

static int cmp_vruntime(const struct ipa_thread *a, const struct ipa_thread *b,
                        void *arg);

static const struct ipa_rq_desc cfs_rqs[] = {
    [READY_Q] = {.name = "ready",
                 .state = IPA_STATE_READY,
                 .cmp = cmp_vruntime,
                 .shared = true},
};

static struct cfs_thread *data_of(const struct ipa_thread *t)
{
    return ipa_thread_data(t);
}

static struct cfs_core *core_of(struct ipa_rt *rt, int core)
{
    return ipa_core_data(rt, core);
}

static struct ipa_rq *ready(struct ipa_rt *rt, int core)
{
    return ipa_core_rq(rt, core, READY_Q);
}

static int cmp_vruntime(const struct ipa_thread *a, const struct ipa_thread *b,
                        void *arg)
{
    (void)arg;
    int64_t va = data_of(a)->vruntime, vb = data_of(b)->vruntime;
    return (va > vb) - (va < vb);
}

/* ---- load ---------------------------------------------------------------- */

/* Weight, shared among the live threads of the thread's group. */
static int64_t thread_load(struct ipa_rt *rt, const struct ipa_thread *t)
{
    int64_t load = ipa_thread_weight(t);
    int group = ipa_thread_group(t);
    if (group >= 0 && ipa_group_size(rt, group) > 1)
        load /= ipa_group_size(rt, group);
    return load > 0 ? load : 1;
}

static int64_t core_load(struct ipa_rt *rt, int core)
{
    struct ipa_rq *rq = ready(rt, core);
    struct ipa_thread *cur = ipa_core_current(rt, core);
    int64_t load = cur ? thread_load(rt, cur) : 0;
    for (struct ipa_thread *t = ipa_rq_first(rq); t; t = ipa_rq_next(rq, t))
        load += thread_load(rt, t);
    return load;
}

/* Sum of the online cores' loads per online core, times AVG_SCALE; 0 when
 * no core of the group is online. */
static int64_t group_avg_load(struct ipa_rt *rt,
                              const struct ipa_sched_group *g)
{
    int64_t sum = 0;
    int online = 0;
    for (int i = 0; i < g->nr_cores; i++) {
        if (!ipa_core_online(rt, g->cores[i]))
            continue;
        sum += core_load(rt, g->cores[i]);
        online++;
    }
    return online ? sum * AVG_SCALE / online : 0;
}

/* A group is worth stealing from when one of its cores has a thread
 * waiting (the Ipanema talk's is_stealable). */
static bool group_stealable(struct ipa_rt *rt, const struct ipa_sched_group *g)
{
    for (int i = 0; i < g->nr_cores; i++)
        if (ipa_rq_count(ready(rt, g->cores[i])) > 0)
            return true;
    return false;
}

/* ---- vruntime ------------------------------------------------------------ */

/* Turns the CPU time @t used since last accounted into vruntime. */
static void update_curr(struct ipa_thread *t)
{
    struct cfs_thread *d = data_of(t);
    uint64_t now = ipa_thread_runtime_ns(t);
    d->vruntime +=
        (int64_t)(now - d->accounted_ns) * NICE_0_LOAD / ipa_thread_weight(t);
    d->accounted_ns = now;
}

/* min_vruntime moves up to the smallest vruntime on the core, never down. */
static void update_min_vruntime(struct ipa_rt *rt, int core)
{
    struct cfs_core *cd = core_of(rt, core);
    struct ipa_thread *cur = ipa_core_current(rt, core);
    struct ipa_thread *first = ipa_rq_first(ready(rt, core));
    if (!cur && !first)
        return;
    int64_t vr = cur ? data_of(cur)->vruntime : data_of(first)->vruntime;
    if (first && data_of(first)->vruntime < vr)
        vr = data_of(first)->vruntime;
    if (vr > cd->min_vruntime)
        cd->min_vruntime = vr;
}

/* The vruntime @t gets on @core: rebased from the core it last was on,
 * then max(vruntime, min_vruntime - SLEEPER_CREDIT). */
static void place_vruntime(struct ipa_rt *rt, struct ipa_thread *t, int core,
                           bool is_new)
{
    struct cfs_thread *d = data_of(t);
    int64_t min_vr = core_of(rt, core)->min_vruntime;
    int prev = ipa_thread_core(t);
    if (!is_new && prev >= 0 && prev != core)
        d->vruntime += min_vr - core_of(rt, prev)->min_vruntime;
    if (d->vruntime < min_vr - SLEEPER_CREDIT_NS)
        d->vruntime = min_vr - SLEEPER_CREDIT_NS;
}

/* ---- placement ----------------------------------------------------------- */

/* The least loaded online core allowed for @t, in @node (-1: anywhere),
 * other than @skip. */
static int least_loaded(struct ipa_rt *rt, struct ipa_thread *t, int node,
                        int skip)
{
    int best = -1;
    int64_t best_load = 0;
    for (int i = 0; i < ipa_nr_cores(rt); i++) {
        int c = ipa_core_at(rt, i);
        if (c == skip || (node >= 0 && ipa_core_node(rt, c) != node) ||
            !ipa_thread_allowed(t, c) || !ipa_core_online(rt, c))
            continue;
        int64_t load = core_load(rt, c);
        if (best < 0 || load < best_load) {
            best = c;
            best_load = load;
        }
    }
    return best;
}

/* New threads: the least loaded core of the parent's node. */
static int cfs_new_prepare(struct ipa_rt *rt, struct ipa_process_event *e)
{
    int node = e->source_core >= 0 ? ipa_core_node(rt, e->source_core) : -1;
    int c = least_loaded(rt, e->target, node, -1);
    return c >= 0 ? c : least_loaded(rt, e->target, -1, -1);
}

/* Wake-ups: an idle core of the waker's node (the previous core first),
 * else the previous core even if it is busy: Overload-on-Wakeup. */
static int cfs_unblock_prepare(struct ipa_rt *rt, struct ipa_process_event *e)
{
    struct ipa_thread *t = e->target;
    int prev = ipa_thread_core(t);
    int from = e->source_core >= 0 ? e->source_core : prev;
    int node = from >= 0 ? ipa_core_node(rt, from) : -1;
    bool prev_ok =
        prev >= 0 && ipa_thread_allowed(t, prev) && ipa_core_online(rt, prev);
    if (prev_ok && ipa_core_idle(rt, prev) && ipa_core_node(rt, prev) == node)
        return prev;
    for (int c = ipa_next_idle_core(rt, 0); c >= 0;
         c = ipa_next_idle_core(rt, c + 1))
        if (ipa_core_node(rt, c) == node && ipa_thread_allowed(t, c))
            return c;
    if (prev_ok)
        return prev;
    return least_loaded(rt, t, -1, -1);
}

/* Queues @t on e->core, and lets it preempt the running thread there when
 * its vruntime is lower by more than WAKEUP_GRANULARITY. */
static void enqueue(struct ipa_rt *rt, struct ipa_process_event *e, bool is_new)
{
    struct ipa_thread *t = e->target;
    struct ipa_rq *rq = ready(rt, e->core);
    place_vruntime(rt, t, e->core, is_new);
    data_of(t)->accounted_ns = ipa_thread_runtime_ns(t);
    ipa_change_state(rt, t, IPA_STATE_READY, e->core, rq);
    struct ipa_thread *cur = ipa_core_current(rt, e->core);
    if (!cur)
        return;
    update_curr(cur);
    update_min_vruntime(rt, e->core);
    if (data_of(cur)->vruntime - data_of(t)->vruntime > WAKEUP_GRANULARITY_NS)
        ipa_change_state(rt, cur, IPA_STATE_READY, e->core, rq);
}

static void cfs_new_place(struct ipa_rt *rt, struct ipa_process_event *e)
{
    enqueue(rt, e, true);
}

static void cfs_unblock_place(struct ipa_rt *rt, struct ipa_process_event *e)
{
    enqueue(rt, e, false);
}

/* ---- the running thread -------------------------------------------------- */

/* Preempts when the slice is used up and someone waiting is behind in
 * vruntime. */
static void cfs_tick(struct ipa_rt *rt, struct ipa_process_event *e)
{
    struct ipa_thread *t = e->target;
    struct ipa_rq *rq = ready(rt, e->core);
    update_curr(t);
    update_min_vruntime(rt, e->core);
    struct ipa_thread *first = ipa_rq_first(rq);
    if (!first)
        return;
    uint64_t slice = SCHED_LATENCY_NS / (uint64_t)(ipa_rq_count(rq) + 1);
    if (slice < MIN_GRANULARITY_NS)
        slice = MIN_GRANULARITY_NS;
    uint64_t ran = data_of(t)->accounted_ns - data_of(t)->slice_start_ns;
    if (ran >= slice && data_of(first)->vruntime < data_of(t)->vruntime)
        ipa_change_state(rt, t, IPA_STATE_READY_TICK, e->core, rq);
}

static void cfs_yield(struct ipa_rt *rt, struct ipa_process_event *e)
{
    update_curr(e->target);
    ipa_change_state(rt, e->target, IPA_STATE_READY, e->core,
                     ready(rt, e->core));
}

static void cfs_block(struct ipa_rt *rt, struct ipa_process_event *e)
{
    update_curr(e->target);
    ipa_change_state(rt, e->target, IPA_STATE_BLOCKED, e->core, NULL);
}

static void cfs_terminate(struct ipa_rt *rt, struct ipa_process_event *e)
{
    update_curr(e->target);
    ipa_change_state(rt, e->target, IPA_STATE_TERMINATED, e->core, NULL);
}

static void cfs_schedule(struct ipa_rt *rt, struct ipa_core_event *e)
{
    struct ipa_thread *next = ipa_rq_first(ready(rt, e->target));
    if (!next)
        return;
    /* accounted_ns is the runtime it left the core with, since every
     * move out of RUNNING accounts first (the runtime's figure for a
     * thread elected but not yet started is not to be trusted). */
    data_of(next)->slice_start_ns = data_of(next)->accounted_ns;
    ipa_change_state(rt, next, IPA_STATE_RUNNING, e->target, NULL);
    update_min_vruntime(rt, e->target);
}

/* ---- balancing ----------------------------------------------------------- */

/* Moves READY thread @t from its core to @to's queue, keeping its lead
 * over min_vruntime. Both cores are locked. */
static void migrate(struct ipa_rt *rt, struct ipa_thread *t, int to)
{
    int from = ipa_thread_core(t);
    ipa_change_state(rt, t, IPA_STATE_MIGRATING, to, NULL);
    data_of(t)->vruntime +=
        core_of(rt, to)->min_vruntime - core_of(rt, from)->min_vruntime;
    ipa_change_state(rt, t, IPA_STATE_READY, to, ready(rt, to));
}

/* Pulls threads allowed on @self from @from's queue, until about @imbalance
 * load has moved (a thread more than twice what is left is skipped). The
 * remote core is locked best-effort: on failure, give up. */
static bool pull(struct ipa_rt *rt, int self, int from, int64_t imbalance)
{
    if (!ipa_trylock(rt, from))
        return false;
    struct ipa_rq *src = ready(rt, from);
    bool moved = false;
    struct ipa_thread *t = ipa_rq_first(src);
    while (t && imbalance > 0) {
        struct ipa_thread *next = ipa_rq_next(src, t);
        int64_t load = thread_load(rt, t);
        if (ipa_thread_allowed(t, self) && load / 2 <= imbalance) {
            migrate(rt, t, self);
            imbalance -= load;
            moved = true;
        }
        t = next;
    }
    ipa_unlock(rt, from);
    return moved;
}

/* One balancing step in @self's domain at @level: the busiest group is
 * the other group with the highest average load among those with a
 * waiting thread; if its average exceeds the local group's by
 * IMBALANCE_PCT, pull half the load difference between its busiest core
 * with queued threads and @self. Averages only: an idle core beside a
 * heavy thread does not look idle (Group Imbalance). */
static bool balance_domain(struct ipa_rt *rt, int self, int level)
{
    const struct ipa_sched_domain *sd = ipa_core_domain(rt, self, level);
    int64_t local_avg = group_avg_load(rt, &sd->groups[sd->local_group]);
    int busiest_group = -1;
    int64_t busiest_avg = 0;
    for (int g = 0; g < sd->nr_groups; g++) {
        if (g == sd->local_group || !group_stealable(rt, &sd->groups[g]))
            continue;
        int64_t avg = group_avg_load(rt, &sd->groups[g]);
        if (avg > busiest_avg) {
            busiest_group = g;
            busiest_avg = avg;
        }
    }
    if (busiest_group < 0 || busiest_avg * 100 <= local_avg * IMBALANCE_PCT)
        return false;
    const struct ipa_sched_group *g = &sd->groups[busiest_group];
    int busiest = -1;
    int64_t busiest_load = 0;
    for (int i = 0; i < g->nr_cores; i++) {
        int c = g->cores[i];
        int64_t load = core_load(rt, c);
        if (ipa_rq_count(ready(rt, c)) > 0 && load > busiest_load) {
            busiest = c;
            busiest_load = load;
        }
    }
    int64_t imbalance = (busiest_load - core_load(rt, self)) / 2;
    if (busiest < 0 || imbalance <= 0)
        return false;
    return pull(rt, self, busiest, imbalance);
}

/* Level l is balanced every l balancing periods, so the machine-wide
 * level is looked at least often. */
static void cfs_balancing_select(struct ipa_rt *rt, struct ipa_core_event *e)
{
    for (int level = 1; level <= ipa_nr_levels(rt); level++) {
        struct cfs_domain *dd = ipa_domain_data(rt, e->target, level);
        if (dd->wait > 0) {
            dd->wait--;
            continue;
        }
        dd->wait = level - 1;
        balance_domain(rt, e->target, level);
    }
}

/* About to go idle: the same average-load test, level by level, until a
 * level yields a thread. */
static void cfs_newly_idle(struct ipa_rt *rt, struct ipa_core_event *e)
{
    for (int level = 1; level <= ipa_nr_levels(rt); level++)
        if (balance_domain(rt, e->target, level))
            return;
}

/* A core goes offline (already out of every placement): its threads, the
 * running one included, go to the least loaded cores that may run them,
 * their vruntime carried over as in a migration. Locks do not fail during
 * a hot-plug. */
static void cfs_core_exit(struct ipa_rt *rt, struct ipa_core_event *e)
{
    int self = e->target;
    struct ipa_thread *cur = ipa_core_current(rt, self);
    if (cur) {
        update_curr(cur);
        int to = least_loaded(rt, cur, -1, self);
        if (to >= 0 && ipa_trylock(rt, to)) {
            data_of(cur)->vruntime +=
                core_of(rt, to)->min_vruntime - core_of(rt, self)->min_vruntime;
            ipa_change_state(rt, cur, IPA_STATE_READY, to, ready(rt, to));
            ipa_unlock(rt, to);
        }
    }
    struct ipa_rq *rq = ready(rt, self);
    struct ipa_thread *t = ipa_rq_first(rq);
    while (t) {
        struct ipa_thread *next = ipa_rq_next(rq, t);
        int to = least_loaded(rt, t, -1, self);
        if (to >= 0 && ipa_trylock(rt, to)) {
            migrate(rt, t, to);
            ipa_unlock(rt, to);
        }
        t = next;
    }
}

IPA_POLICY_DEFINE(.name = "cfs",
                  .thread_data_size = sizeof(struct cfs_thread),
                  .core_data_size = sizeof(struct cfs_core),
                  .domain_data_size = sizeof(struct cfs_domain),
                  .core_rqs = cfs_rqs, .nr_core_rqs = 1,
                  .new_prepare = cfs_new_prepare, .new_place = cfs_new_place,
                  .tick = cfs_tick, .yield = cfs_yield, .block = cfs_block,
                  .unblock_prepare = cfs_unblock_prepare,
                  .unblock_place = cfs_unblock_place,
                  .terminate = cfs_terminate, .schedule = cfs_schedule,
                  .newly_idle = cfs_newly_idle,
                  .balancing_select = cfs_balancing_select,
                  .core_exit = cfs_core_exit);
