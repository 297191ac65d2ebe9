/*
 * fifo.c - a work-conserving FIFO policy, hand-written against the ipasim
 * runtime API (include/ipasim/runtime.h). An example to copy.
 *
 * Each core has one FIFO run queue. A thread runs for a time slice of
 * SLICE_TICKS ticks, then goes to the back of its core's queue if anyone
 * waits there. Threads are placed on an idle core when there is one (their
 * previous core first), else on their previous core. A core about to go
 * idle steals from the busiest core it can find, nearest domains first,
 * and every core balances periodically across the domain hierarchy,
 * larger domains less often.
 */
#include <ipasim/runtime.h>

#define SLICE_TICKS 4

/* Per-thread data: what is left of the time slice. */
struct fifo_thread {
    int slice;
};

enum { READY_Q }; /* index of the per-core queue in core_rqs below */

static const struct ipa_rq_desc fifo_rqs[] = {
    [READY_Q] = {.name = "ready", .state = IPA_STATE_READY, .shared = true},
};

static struct fifo_thread *data_of(const struct ipa_thread *t)
{
    return ipa_thread_data(t);
}

/* Load of a core: its running thread plus the threads queued on it. */
static int load(struct ipa_rt *rt, int core)
{
    return ipa_rq_count(ipa_core_rq(rt, core, READY_Q)) +
           (ipa_core_current(rt, core) != NULL);
}

/* An idle allowed core (the previous one first), else the previous core:
 * balancing evens out the rest, so a wake-up never scans busy cores. */
static int pick_core(struct ipa_rt *rt, struct ipa_thread *t, int prev)
{
    if (prev >= 0 && ipa_thread_allowed(t, prev) && ipa_core_idle(rt, prev))
        return prev;
    for (int c = ipa_next_idle_core(rt, 0); c >= 0;
         c = ipa_next_idle_core(rt, c + 1))
        if (ipa_thread_allowed(t, c))
            return c;
    if (prev >= 0 && ipa_thread_allowed(t, prev) && ipa_core_online(rt, prev))
        return prev;
    for (int i = 0; i < ipa_nr_cores(rt); i++) {
        int c = ipa_core_at(rt, i);
        if (ipa_thread_allowed(t, c) && ipa_core_online(rt, c))
            return c;
    }
    return -1; /* no online core allowed: the runtime reports it */
}

static void enqueue(struct ipa_rt *rt, struct ipa_process_event *e)
{
    data_of(e->target)->slice = SLICE_TICKS;
    ipa_change_state(rt, e->target, IPA_STATE_READY, e->core,
                     ipa_core_rq(rt, e->core, READY_Q));
}

static int fifo_new_prepare(struct ipa_rt *rt, struct ipa_process_event *e)
{
    return pick_core(rt, e->target, e->source_core);
}

static int fifo_unblock_prepare(struct ipa_rt *rt, struct ipa_process_event *e)
{
    return pick_core(rt, e->target, ipa_thread_core(e->target));
}

static void fifo_tick(struct ipa_rt *rt, struct ipa_process_event *e)
{
    struct fifo_thread *d = data_of(e->target);
    if (--d->slice > 0)
        return;
    d->slice = SLICE_TICKS;
    struct ipa_rq *rq = ipa_core_rq(rt, e->core, READY_Q);
    if (ipa_rq_count(rq) > 0) /* preempt only if someone waits */
        ipa_change_state(rt, e->target, IPA_STATE_READY_TICK, e->core, rq);
}

static void fifo_yield(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_READY, e->core,
                     ipa_core_rq(rt, e->core, READY_Q));
}

static void fifo_block(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_BLOCKED, e->core, NULL);
}

static void fifo_terminate(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_TERMINATED, e->core, NULL);
}

static void fifo_schedule(struct ipa_rt *rt, struct ipa_core_event *e)
{
    struct ipa_thread *next = ipa_rq_first(ipa_core_rq(rt, e->target, READY_Q));
    if (next)
        ipa_change_state(rt, next, IPA_STATE_RUNNING, e->target, NULL);
}

/* Moves up to @n threads that may run on @self from @from's queue. The
 * remote queue is locked best-effort: if that fails, give up. */
static int steal(struct ipa_rt *rt, int self, int from, int n)
{
    if (!ipa_trylock(rt, from))
        return 0;
    struct ipa_rq *src = ipa_core_rq(rt, from, READY_Q);
    struct ipa_rq *dst = ipa_core_rq(rt, self, READY_Q);
    int moved = 0;
    struct ipa_thread *t = ipa_rq_first(src);
    while (t && moved < n) {
        struct ipa_thread *next = ipa_rq_next(src, t);
        if (ipa_thread_allowed(t, self)) {
            ipa_migrate(rt, t, self, dst);
            moved++;
        }
        t = next;
    }
    ipa_unlock(rt, from);
    return moved;
}

/* The core of @sd with the most queued threads that is not @self. */
static int busiest_core(struct ipa_rt *rt, const struct ipa_sched_domain *sd,
                        int self)
{
    int busiest = -1, most = 0;
    /* a core with none waiting is never the busiest: skip those */
    const uint64_t *waiting = ipa_waiting_cores(rt);
    int end = ipa_span_end(sd->cores, sd->nr_cores);
    for (int c = ipa_cores_next(waiting, sd->mask, end, sd->cores[0]); c >= 0;
         c = ipa_cores_next(waiting, sd->mask, end, c + 1)) {
        int queued = ipa_rq_count(ipa_core_rq(rt, c, READY_Q));
        if (c != self && queued > most) {
            busiest = c;
            most = queued;
        }
    }
    return busiest;
}

static void fifo_newly_idle(struct ipa_rt *rt, struct ipa_core_event *e)
{
    for (int level = 1; level <= ipa_nr_levels(rt); level++) {
        const struct ipa_sched_domain *sd =
            ipa_core_domain(rt, e->target, level);
        int busiest = busiest_core(rt, sd, e->target);
        if (busiest >= 0 && steal(rt, e->target, busiest, 1))
            return;
    }
}

/* Per (core, domain level) data: periods left before balancing that
 * domain again. Larger domains are balanced less often, as in Linux,
 * where a domain's interval grows with its size: level l every 2^(l-1)
 * balancing periods. */
struct fifo_domain {
    int wait;
};

/* Periodic balancing: at each level due, even out the load with the
 * busiest core of the domain by taking half the difference. */
static void fifo_balancing_select(struct ipa_rt *rt, struct ipa_core_event *e)
{
    int self = e->target;
    for (int level = 1; level <= ipa_nr_levels(rt); level++) {
        struct fifo_domain *dd = ipa_domain_data(rt, self, level);
        if (dd->wait-- > 0)
            continue;
        dd->wait = (1 << (level - 1)) - 1;
        const struct ipa_sched_domain *sd = ipa_core_domain(rt, self, level);
        int busiest = busiest_core(rt, sd, self);
        if (busiest < 0)
            continue;
        int gap = load(rt, busiest) - load(rt, self);
        if (gap >= 2 || (gap >= 1 && load(rt, self) == 0))
            steal(rt, self, busiest, gap / 2 > 0 ? gap / 2 : 1);
    }
}

/* A core goes offline (it is already out of the idle set and offline):
 * the running thread goes to the back of its queue, as the DSL does
 * before its core_exit handler (so fifo.ipa matches), then every queued
 * thread moves to the core pick_core chooses. Locks do not fail during a
 * hot-plug. */
static void fifo_core_exit(struct ipa_rt *rt, struct ipa_core_event *e)
{
    int self = e->target;
    struct ipa_rq *rq = ipa_core_rq(rt, self, READY_Q);
    struct ipa_thread *cur = ipa_core_current(rt, self);
    if (cur)
        ipa_change_state(rt, cur, IPA_STATE_READY, self, rq);
    struct ipa_thread *t = ipa_rq_first(rq);
    while (t) {
        struct ipa_thread *next = ipa_rq_next(rq, t);
        int to = pick_core(rt, t, -1);
        if (to >= 0 && ipa_trylock(rt, to))
            ipa_migrate(rt, t, to, ipa_core_rq(rt, to, READY_Q));
        t = next;
    }
}

IPA_POLICY_DEFINE(.name = "fifo",
                  .thread_data_size = sizeof(struct fifo_thread),
                  .domain_data_size = sizeof(struct fifo_domain),
                  .core_rqs = fifo_rqs, .nr_core_rqs = 1,
                  .new_prepare = fifo_new_prepare, .new_place = enqueue,
                  .tick = fifo_tick, .yield = fifo_yield,
                  .block = fifo_block,
                  .unblock_prepare = fifo_unblock_prepare,
                  .unblock_place = enqueue, .terminate = fifo_terminate,
                  .schedule = fifo_schedule, .newly_idle = fifo_newly_idle,
                  .balancing_select = fifo_balancing_select,
                  .core_exit = fifo_core_exit);
