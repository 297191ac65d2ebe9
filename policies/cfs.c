/*
 * cfs.c - a simplified Linux CFS (Completely Fair Scheduler), hand-written
 * against the ipasim runtime API (include/ipasim/runtime.h). It keeps, on
 * purpose, the Linux heuristics that "The Linux Scheduler: a Decade of
 * Wasted Cores" (Lozi et al., EuroSys 2016) showed to leave cores idle
 * while threads wait, so that the monitor has something to catch.
 *
 * This file and policies/cfs.ipa are the same policy, decision for
 * decision: run both with `--log FILE` on any shipped trace and topology
 * and the two event logs are byte-identical. cfs.ipa is the reference;
 * where C could do more cheaply what the DSL does by walking a set, this
 * file does, but only where the result is the same (see "Mirroring the
 * DSL" below).
 *
 * Fairness on one core. Every thread has a virtual runtime: the CPU time
 * it used, scaled by NICE_0_LOAD / weight, so a heavy thread (low nice)
 * ages slowly and a light one quickly. Each core keeps its waiting threads
 * ordered by lowest vruntime and runs the first. A core's min_vruntime
 * follows the smallest vruntime on it and never goes back. At a tick, the
 * running thread's CPU time is turned into vruntime, and it is preempted
 * when it has used up its slice (SCHED_LATENCY shared by the threads of
 * the core, at least MIN_GRANULARITY) and some waiting thread has a lower
 * vruntime. Over time each thread gets CPU time in proportion to its
 * weight. A woken thread preempts the running one at once (ipa_preempt)
 * when it is behind the running thread's up-to-date vruntime by more than
 * WAKEUP_GRANULARITY scaled by NICE_0_LOAD / its weight, as Linux's
 * check_preempt_wakeup; new threads do not (Linux places them a slice
 * ahead, which this does not).
 *
 * Arrivals and wake-ups. A new or woken thread is placed at
 * max(its vruntime, min_vruntime - SLEEPER_CREDIT): a sleeper may not
 * hoard credit, but gets a little so that it runs soon. A thread that
 * changes core keeps its lead over the min_vruntime of the core it
 * leaves.
 *
 * Load. A core's load is the sum of its threads' loads (the running one
 * and the queued ones). A thread's load is its weight, but the weight of a
 * group-labelled thread is shared by the live threads of its group
 * (weight / group size), as Linux autogroups do: one thread of a
 * two-thread group weighs as much as 32 threads of a 64-thread one.
 *
 * Balancing. Periodically (level l of the domain hierarchy every l
 * balancing periods) and when a core is about to go idle, a core walks its
 * scheduling domains from the smallest up. At the period, only one core
 * of each group balances a domain, as Linux's should_we_balance has it:
 * the group's first idle core, or its first core when none is idle; the
 * others would read the same averages. In each domain it compares the
 * AVERAGE load of its own group with that of the busiest other group that
 * has a waiting thread, and pulls threads from that group's busiest core,
 * about half their load difference, only when the busiest group's average
 * exceeds its own by IMBALANCE_PCT.
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
 * - Balancing is periodic and rare at the upper levels, and done by one
 *   core of a group, which pulls only for itself: a wrong placement
 *   lasts.
 *
 * Mirroring the DSL. What makes the two files decide alike:
 * - `foreach (c in cores)` walks cores in ascending id order, as
 *   ipa_core_at() and ipa_next_idle_core() do; a domain's groups and a
 *   group's cores are ascending too (struct ipa_sched_domain);
 * - a selection keeps the earlier element on a tie: every "best so far"
 *   below is replaced only by a strictly better one;
 * - a thread whose vruntime changes while queued goes behind the threads
 *   of equal vruntime (the DSL re-inserts it): here the vruntime changes
 *   while the thread is MIGRATING, so it is inserted afresh likewise;
 * - vruntime is accounted only where cfs.ipa calls update_curr(): at
 *   ticks, when the running thread leaves RUNNING through the policy
 *   (yield, block, terminate), and at schedule for a queue head left
 *   unaccounted (preempted at a wake-up, or requeued by core_exit);
 * - the balancing interval of a level follows the DSL's numbering of a
 *   core's domains, which differs from the runtime's levels on some
 *   partitions (same_level(), alone_first()).
 */
#include <stddef.h>

#include <ipasim/runtime.h>

#define NICE_0_LOAD 1024
#define SCHED_LATENCY_NS 6000000  /* period shared by a core's threads */
#define MIN_GRANULARITY_NS 750000 /* shortest slice */
#define SLEEPER_CREDIT_NS 3000000 /* SCHED_LATENCY / 2, as Linux */
#define WAKEUP_GRANULARITY_NS 1000000 /* lead a woken thread needs to preempt */
#define IMBALANCE_PCT 125         /* pull if 25% less loaded */
#define AVG_SCALE 1024            /* fixed point of average loads */

struct cfs_thread {
    int64_t vruntime;
    int64_t accounted_ns;   /* runtime already turned into vruntime */
    int64_t slice_start_ns; /* accounted_ns when last elected */
};

struct cfs_core {
    int64_t min_vruntime;
};

/* Balancing periods left before this (core, level) is balanced again. */
struct cfs_domain {
    int wait;
};

enum { READY_Q };
enum { LOAD_SUM }; /* the ipa_rq_sum slot of queue loads */

static const struct ipa_rq_desc cfs_rqs[] = {
    [READY_Q] = {.name = "ready",
                 .state = IPA_STATE_READY,
                 /* lowest vruntime first, ties in order of arrival:
                  * compared by the runtime, without a call per step */
                 .nr_keys = 1,
                 .key_offset = offsetof(struct cfs_thread, vruntime),
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

/* @core if it is one of this policy's cores, else -1: a waker or parent
 * running under another policy (a partition) is no source, as in the
 * DSL. Without partitions every core is; else ipa_core_at() is
 * ascending, so a binary search finds it. */
static int own_core(struct ipa_rt *rt, int core)
{
    int n = ipa_nr_cores(rt);
    if (n == ipa_machine_cores(rt))
        return core;
    int lo = 0, hi = n - 1;
    while (core >= 0 && lo <= hi) {
        int mid = lo + (hi - lo) / 2, c = ipa_core_at(rt, mid);
        if (c == core)
            return core;
        if (c < core)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* ---- load ---------------------------------------------------------------- */

/* Weight, shared among the live threads of the thread's group; at least 1.
 * It reads only what ipa_rq_sum allows, so the runtime keeps the queues'
 * sums of it (and recomputes them when a group's size changes). */
static int64_t thread_load(struct ipa_rt *rt, const struct ipa_thread *t,
                           void *arg)
{
    (void)arg;
    int64_t load = ipa_thread_weight(t);
    int group = ipa_thread_group(t);
    if (group >= 0) {
        int size = ipa_group_size(rt, group);
        if (size > 1)
            load /= size;
    }
    return load > 0 ? load : 1;
}

/* The running thread's load plus the queued threads'. */
static int64_t core_load(struct ipa_rt *rt, int core)
{
    struct ipa_rq *rq = ready(rt, core);
    struct ipa_thread *cur = ipa_core_current(rt, core);
    int64_t load = cur ? thread_load(rt, cur, NULL) : 0;
    return load + ipa_rq_sum(rt, rq, LOAD_SUM, thread_load, NULL);
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
    return sum * AVG_SCALE / (online > 0 ? online : 1);
}

/* A group is worth stealing from when one of its cores, online or not,
 * has a thread waiting (the Ipanema talk's is_stealable). */
static bool group_stealable(struct ipa_rt *rt, const struct ipa_sched_group *g)
{
    return ipa_cores_next(ipa_waiting_cores(rt), g->mask,
                          ipa_span_end(g->cores, g->nr_cores),
                          g->cores[0]) >= 0;
}

/* ---- vruntime ------------------------------------------------------------ */

/* Turns the CPU time @t used since last accounted into vruntime. For a
 * queued thread, ipa_rq_reorder() must follow: the queue's order reads
 * vruntime. */
static void update_curr(struct ipa_thread *t)
{
    struct cfs_thread *d = data_of(t);
    int64_t now = (int64_t)ipa_thread_runtime_ns(t);
    d->vruntime += (now - d->accounted_ns) * NICE_0_LOAD / ipa_thread_weight(t);
    d->accounted_ns = now;
}

/* min_vruntime follows the smallest vruntime on the core, never back. */
static void advance_min_vruntime(struct ipa_rt *rt, int core, int64_t vr)
{
    struct cfs_core *cd = core_of(rt, core);
    if (vr > cd->min_vruntime)
        cd->min_vruntime = vr;
}

/* Moves READY thread @t from its core to @to's queue, keeping its lead
 * over min_vruntime. The vruntime changes while the thread is MIGRATING,
 * in no queue, so it enters @to's queue at its new place, behind the
 * threads of equal vruntime. Both cores are locked. */
static void migrate(struct ipa_rt *rt, struct ipa_thread *t, int to)
{
    int from = ipa_thread_core(t);
    ipa_change_state(rt, t, IPA_STATE_MIGRATING, to, NULL);
    data_of(t)->vruntime +=
        core_of(rt, to)->min_vruntime - core_of(rt, from)->min_vruntime;
    ipa_change_state(rt, t, IPA_STATE_READY, to, ready(rt, to));
}

/* ---- placement ----------------------------------------------------------- */

/* The least loaded online core allowed for @t, in @node (-1: anywhere),
 * other than @skip; the lowest id on a tie. Loads are never negative, so
 * an empty core ends the search: no later core can be strictly less
 * loaded. */
static int least_loaded(struct ipa_rt *rt, struct ipa_thread *t, int node,
                        int skip)
{
    int best = -1;
    int64_t best_load = 0;
    for (int i = 0; i < ipa_nr_cores(rt) && (best < 0 || best_load > 0); i++) {
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

/* Where a thread goes when no online core may run it: the core the DSL's
 * unqualified `ready` names (its own core, else the source's, else the
 * first core); the runtime then reports the problem. */
static int nowhere(struct ipa_rt *rt, int own, int source)
{
    if (own_core(rt, own) >= 0)
        return own;
    return source >= 0 ? source : ipa_core_at(rt, 0);
}

/* New threads: the least loaded core of the parent's node, else of the
 * machine. */
static int cfs_new_prepare(struct ipa_rt *rt, struct ipa_process_event *e)
{
    int parent = own_core(rt, e->source_core);
    int c = -1;
    if (parent >= 0)
        c = least_loaded(rt, e->target, ipa_core_node(rt, parent), -1);
    if (c < 0)
        c = least_loaded(rt, e->target, -1, -1);
    return c >= 0 ? c : nowhere(rt, -1, parent);
}

/* Wake-ups: an idle core of the waker's node (the previous core first),
 * else the previous core even if it is busy: Overload-on-Wakeup. Only
 * idle cores are visited for the first choice. */
static int cfs_unblock_prepare(struct ipa_rt *rt, struct ipa_process_event *e)
{
    struct ipa_thread *t = e->target;
    int prev = ipa_thread_core(t);
    int waker = own_core(rt, e->source_core);
    int from = waker >= 0 ? waker : prev;
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
    int c = least_loaded(rt, t, -1, -1);
    return c >= 0 ? c : nowhere(rt, prev, waker);
}

/* Queues @t on e->core at max(vruntime, min_vruntime - SLEEPER_CREDIT),
 * after rebasing a woken thread from the core it last ran on. Its CPU
 * time so far is not vruntime: it was accounted when it left RUNNING. */
static void enqueue(struct ipa_rt *rt, struct ipa_process_event *e, bool is_new)
{
    struct ipa_thread *t = e->target;
    struct cfs_thread *d = data_of(t);
    int64_t min_vr = core_of(rt, e->core)->min_vruntime;
    int prev = ipa_thread_core(t);
    if (!is_new && prev >= 0 && prev != e->core)
        d->vruntime += min_vr - core_of(rt, prev)->min_vruntime;
    if (d->vruntime < min_vr - SLEEPER_CREDIT_NS)
        d->vruntime = min_vr - SLEEPER_CREDIT_NS;
    d->accounted_ns = (int64_t)ipa_thread_runtime_ns(t);
    ipa_change_state(rt, t, IPA_STATE_READY, e->core, ready(rt, e->core));
}

static void cfs_new_place(struct ipa_rt *rt, struct ipa_process_event *e)
{
    enqueue(rt, e, true);
}

/* Linux's wakeup_preempt_entity: woken @t preempts @curr when it is
 * behind curr's up-to-date vruntime by more than the wake-up granularity
 * scaled by t's weight (wakeup_gran). As in cfs.ipa, whose unblock handler
 * may read but not write the remote running thread, curr's CPU time since
 * last accounted is turned into vruntime in a local. */
static bool wakeup_preempts(const struct ipa_thread *curr,
                            const struct ipa_thread *t)
{
    if (!curr)
        return false;
    const struct cfs_thread *cd = data_of(curr);
    int64_t vr = cd->vruntime + ((int64_t)ipa_thread_runtime_ns(curr) -
                                 cd->accounted_ns) *
                                    NICE_0_LOAD / ipa_thread_weight(curr);
    return vr - data_of(t)->vruntime >
           (int64_t)WAKEUP_GRANULARITY_NS * NICE_0_LOAD / ipa_thread_weight(t);
}

static void cfs_unblock_place(struct ipa_rt *rt, struct ipa_process_event *e)
{
    enqueue(rt, e, false);
    if (wakeup_preempts(ipa_core_current(rt, e->core), e->target))
        ipa_preempt(rt, e->core, ready(rt, e->core));
}

/* ---- the running thread -------------------------------------------------- */

/* Accounts the running thread, then preempts it when its slice is used up
 * and the first waiting thread is behind it in vruntime. */
static void cfs_tick(struct ipa_rt *rt, struct ipa_process_event *e)
{
    struct ipa_thread *t = e->target;
    struct cfs_thread *d = data_of(t);
    struct ipa_rq *rq = ready(rt, e->core);
    update_curr(t);
    struct ipa_thread *head = ipa_rq_first(rq);
    int64_t vr = d->vruntime;
    if (head && data_of(head)->vruntime < vr)
        vr = data_of(head)->vruntime;
    advance_min_vruntime(rt, e->core, vr);
    if (!head)
        return;
    int64_t slice = SCHED_LATENCY_NS / (ipa_rq_count(rq) + 1);
    if (slice < MIN_GRANULARITY_NS)
        slice = MIN_GRANULARITY_NS;
    if (d->accounted_ns - d->slice_start_ns >= slice &&
        data_of(head)->vruntime < d->vruntime)
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

/* Elects the thread of lowest vruntime. It is the smallest on the core,
 * so min_vruntime moves up to it. */
static void cfs_schedule(struct ipa_rt *rt, struct ipa_core_event *e)
{
    struct ipa_rq *rq = ready(rt, e->target);
    struct ipa_thread *next = ipa_rq_first(rq);
    if (!next)
        return;
    /* a thread preempted at a wake-up (or requeued by core_exit) left
     * RUNNING unaccounted: account it, which may put it behind others */
    if (data_of(next)->accounted_ns != (int64_t)ipa_thread_runtime_ns(next)) {
        update_curr(next);
        ipa_rq_reorder(rq, next);
        next = ipa_rq_first(rq);
    }
    /* accounted_ns is the runtime it left its core with, since every
     * move out of RUNNING through the policy accounts first (the
     * runtime's figure for a thread elected but not yet started is not
     * to be trusted). */
    data_of(next)->slice_start_ns = data_of(next)->accounted_ns;
    ipa_change_state(rt, next, IPA_STATE_RUNNING, e->target, NULL);
    advance_min_vruntime(rt, e->target, data_of(next)->vruntime);
}

/* ---- balancing ----------------------------------------------------------- */

/* Pulls threads allowed on @self from @from's queue, lowest vruntime
 * first, until about @imbalance load has moved (a thread more than twice
 * what is left is skipped). The remote core is locked best-effort: on
 * failure, give up. Returns whether a thread moved. */
static bool pull(struct ipa_rt *rt, int self, int from, int64_t imbalance)
{
    if (!ipa_trylock(rt, from))
        return false;
    struct ipa_rq *src = ready(rt, from);
    bool moved = false;
    struct ipa_thread *t = ipa_rq_first(src);
    while (t && imbalance > 0) {
        struct ipa_thread *next = ipa_rq_next(src, t);
        int64_t load = thread_load(rt, t, NULL);
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

/* Whether a core of @sd has a thread waiting. When none has, no group is
 * stealable: the domain's words of the waiting set say so without a look
 * at each group (64 of them on 1,024 cores), as in cfs.ipa. */
static bool domain_waiting(struct ipa_rt *rt, const struct ipa_sched_domain *sd)
{
    return ipa_cores_next(ipa_waiting_cores(rt), sd->mask,
                          ipa_span_end(sd->cores, sd->nr_cores),
                          sd->cores[0]) >= 0;
}

/* Linux's should_we_balance: one core per group balances a domain at its
 * period, for the whole group: the group's first idle core, or its first
 * online core when none is idle (offline cores are not in the idle set).
 * The other cores' periodic look would read the same averages again. */
static bool balances_for_group(struct ipa_rt *rt, int self,
                               const struct ipa_sched_domain *sd)
{
    const struct ipa_sched_group *g = &sd->groups[sd->local_group];
    int first_idle =
        ipa_cores_next(ipa_idle_cores(rt), g->mask,
                       ipa_span_end(g->cores, g->nr_cores), g->cores[0]);
    if (first_idle >= 0)
        return first_idle == self;
    for (int i = 0; i < g->nr_cores; i++)
        if (ipa_core_online(rt, g->cores[i]))
            return g->cores[i] == self;
    return false;
}

/* One balancing step in domain @sd of @self: the busiest group is the
 * other group with the highest average load among those with a waiting
 * thread (the first one on a tie); if its average exceeds the local
 * group's by IMBALANCE_PCT, pull half the load difference between its
 * busiest core with queued threads and @self. Averages only: an idle core
 * beside a heavy thread does not look idle (Group Imbalance). */
static bool balance_domain(struct ipa_rt *rt, int self,
                           const struct ipa_sched_domain *sd)
{
    if (!domain_waiting(rt, sd))
        return false;
    int busiest = -1;
    int64_t busiest_avg = 0;
    for (int g = 0; g < sd->nr_groups; g++) {
        if (g == sd->local_group || !group_stealable(rt, &sd->groups[g]))
            continue;
        int64_t avg = group_avg_load(rt, &sd->groups[g]);
        if (busiest < 0 || avg > busiest_avg) {
            busiest = g;
            busiest_avg = avg;
        }
    }
    if (busiest < 0 ||
        busiest_avg * 100 <=
            group_avg_load(rt, &sd->groups[sd->local_group]) * IMBALANCE_PCT)
        return false;
    const struct ipa_sched_group *g = &sd->groups[busiest];
    int from = -1;
    int64_t from_load = 0;
    /* only cores with a thread waiting, by id as the group lists them */
    const uint64_t *waiting = ipa_waiting_cores(rt);
    int end = ipa_span_end(g->cores, g->nr_cores);
    for (int c = ipa_cores_next(waiting, g->mask, end, g->cores[0]); c >= 0;
         c = ipa_cores_next(waiting, g->mask, end, c + 1)) {
        int64_t load = core_load(rt, c);
        if (from < 0 || load > from_load) {
            from = c;
            from_load = load;
        }
    }
    if (from < 0)
        return false;
    int64_t imbalance = (from_load - core_load(rt, self)) / 2;
    return imbalance > 0 && pull(rt, self, from, imbalance);
}

/* The DSL numbers a core's domains 1, 2, ... as the distinct sets "cores
 * within distance rank d of self" for d = 1, 2, ...; the runtime's levels
 * are the ranks present among the policy's cores. They differ only on
 * asymmetric machines and partitions, where the balancing interval must
 * still follow the DSL's numbers: a level that adds no core to the one
 * below is no level of the DSL (same_level), and when no core is at rank
 * 1 from @self but the first level has others, the DSL's first domain is
 * @self alone (alone_first). */
static bool same_level(struct ipa_rt *rt, int self, int level)
{
    return level > 1 && ipa_core_domain(rt, self, level)->nr_cores ==
                            ipa_core_domain(rt, self, level - 1)->nr_cores;
}

static bool alone_first(struct ipa_rt *rt, int self)
{
    const struct ipa_sched_domain *sd = ipa_core_domain(rt, self, 1);
    for (int i = 0; i < sd->nr_cores; i++)
        if (sd->cores[i] != self && ipa_distance(rt, self, sd->cores[i]) <= 1)
            return false;
    return sd->nr_cores > 1;
}

/* Level l (the DSL's number) is balanced every l balancing periods, so
 * the machine-wide level is looked at least often; by one core of each
 * group. */
static void cfs_balancing_select(struct ipa_rt *rt, struct ipa_core_event *e)
{
    int self = e->target;
    int l = alone_first(rt, self) ? 1 : 0;
    for (int level = 1; level <= ipa_nr_levels(rt); level++) {
        if (same_level(rt, self, level))
            continue;
        l++;
        struct cfs_domain *dd = ipa_domain_data(rt, self, level);
        if (dd->wait > 0) {
            dd->wait--;
            continue;
        }
        dd->wait = l - 1;
        const struct ipa_sched_domain *sd = ipa_core_domain(rt, self, level);
        if (balances_for_group(rt, self, sd))
            balance_domain(rt, self, sd);
    }
}

/* About to go idle: the same average-load test, level by level, until a
 * level yields a thread. */
static void cfs_newly_idle(struct ipa_rt *rt, struct ipa_core_event *e)
{
    for (int level = 1; level <= ipa_nr_levels(rt); level++)
        if (balance_domain(rt, e->target,
                           ipa_core_domain(rt, e->target, level)))
            return;
}

/* A core goes offline (it is already offline and out of the idle set):
 * the running thread goes back to its queue first, unaccounted, as the
 * DSL does before its core_exit handler; then every queued thread, lowest
 * vruntime first, goes to the least loaded core that may run it, with its
 * vruntime carried over as in a migration. Locks do not fail during a
 * hot-plug. */
static void cfs_core_exit(struct ipa_rt *rt, struct ipa_core_event *e)
{
    int self = e->target;
    struct ipa_rq *rq = ready(rt, self);
    struct ipa_thread *cur = ipa_core_current(rt, self);
    if (cur)
        ipa_change_state(rt, cur, IPA_STATE_READY, self, rq);
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
