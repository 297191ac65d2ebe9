/*
 * pinned.c - places each thread on one core when it arrives and never
 * moves it: round-robin within a core, no stealing, no balancing.
 *
 * Deliberately NOT work-conserving: when the threads pinned to one core
 * wait for it while another core has nothing left, the other core idles.
 * That is what the work-conservation monitor is there to catch; run it
 * with --fail-on-wc to see the flagged intervals.
 */
#include <ipasim/runtime.h>

#define SLICE_TICKS 4

struct pinned_thread {
    int slice;
};

static const struct ipa_rq_desc pinned_rqs[] = {
    {.name = "ready", .state = IPA_STATE_READY},
};

static int next_online(struct ipa_rt *rt, struct ipa_thread *t, int self);

/* Thread n goes to the n-th allowed core, wrapping around: a fixed,
 * load-blind placement. */
static int pinned_new_prepare(struct ipa_rt *rt, struct ipa_process_event *e)
{
    int allowed = 0;
    for (int i = 0; i < ipa_nr_cores(rt); i++)
        allowed += ipa_thread_allowed(e->target, ipa_core_at(rt, i));
    int pick = ipa_thread_id(e->target) % allowed;
    for (int i = 0; i < ipa_nr_cores(rt); i++) {
        int c = ipa_core_at(rt, i);
        if (ipa_thread_allowed(e->target, c) && pick-- == 0)
            return c;
    }
    return -1; /* unreachable: some core is allowed */
}

/* A woken thread goes back to the core it was pinned to (unless that
 * core went offline while it slept). */
static int pinned_unblock_prepare(struct ipa_rt *rt,
                                  struct ipa_process_event *e)
{
    int core = ipa_thread_core(e->target);
    return ipa_core_online(rt, core) ? core : next_online(rt, e->target, core);
}

static void pinned_enqueue(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ((struct pinned_thread *)ipa_thread_data(e->target))->slice = SLICE_TICKS;
    ipa_change_state(rt, e->target, IPA_STATE_READY, e->core,
                     ipa_core_rq(rt, e->core, 0));
}

static void pinned_tick(struct ipa_rt *rt, struct ipa_process_event *e)
{
    struct pinned_thread *d = ipa_thread_data(e->target);
    if (--d->slice > 0)
        return;
    d->slice = SLICE_TICKS;
    if (ipa_rq_count(ipa_core_rq(rt, e->core, 0)) > 0)
        ipa_change_state(rt, e->target, IPA_STATE_READY_TICK, e->core,
                         ipa_core_rq(rt, e->core, 0));
}

static void pinned_block(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_BLOCKED, e->core, NULL);
}

static void pinned_terminate(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_TERMINATED, e->core, NULL);
}

static void pinned_schedule(struct ipa_rt *rt, struct ipa_core_event *e)
{
    struct ipa_thread *next = ipa_rq_first(ipa_core_rq(rt, e->target, 0));
    if (next)
        ipa_change_state(rt, next, IPA_STATE_RUNNING, e->target, NULL);
}

/* The next online core after @self (in the policy's order) that @t may
 * run on, or -1. */
static int next_online(struct ipa_rt *rt, struct ipa_thread *t, int self)
{
    int n = ipa_nr_cores(rt), at = 0;
    while (at < n && ipa_core_at(rt, at) != self)
        at++;
    for (int i = 1; i <= n; i++) {
        int c = ipa_core_at(rt, (at + i) % n);
        if (ipa_thread_allowed(t, c) && ipa_core_online(rt, c))
            return c;
    }
    return -1;
}

/* Even pinned threads must leave a core that goes offline: each moves to
 * the next online core it may run on, and stays pinned there. */
static void pinned_core_exit(struct ipa_rt *rt, struct ipa_core_event *e)
{
    int self = e->target;
    struct ipa_rq *rq = ipa_core_rq(rt, self, 0);
    struct ipa_thread *cur = ipa_core_current(rt, self);
    if (cur) {
        int to = next_online(rt, cur, self);
        if (to >= 0 && ipa_trylock(rt, to))
            ipa_change_state(rt, cur, IPA_STATE_READY, to,
                             ipa_core_rq(rt, to, 0));
    }
    struct ipa_thread *t = ipa_rq_first(rq);
    while (t) {
        struct ipa_thread *next = ipa_rq_next(rq, t);
        int to = next_online(rt, t, self);
        if (to >= 0 && ipa_trylock(rt, to))
            ipa_migrate(rt, t, to, ipa_core_rq(rt, to, 0));
        t = next;
    }
}

IPA_POLICY_DEFINE(.name = "pinned",
                  .thread_data_size = sizeof(struct pinned_thread),
                  .core_rqs = pinned_rqs, .nr_core_rqs = 1,
                  .new_prepare = pinned_new_prepare,
                  .new_place = pinned_enqueue,
                  .unblock_prepare = pinned_unblock_prepare,
                  .unblock_place = pinned_enqueue, .tick = pinned_tick,
                  .yield = pinned_enqueue, .block = pinned_block,
                  .terminate = pinned_terminate,
                  .schedule = pinned_schedule, .core_exit = pinned_core_exit);
