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

/* A woken thread goes back to the core it was pinned to. */
static int pinned_unblock_prepare(struct ipa_rt *rt,
                                  struct ipa_process_event *e)
{
    (void)rt;
    return ipa_thread_core(e->target);
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

IPA_POLICY_DEFINE(.name = "pinned",
                  .thread_data_size = sizeof(struct pinned_thread),
                  .core_rqs = pinned_rqs, .nr_core_rqs = 1,
                  .new_prepare = pinned_new_prepare,
                  .new_place = pinned_enqueue,
                  .unblock_prepare = pinned_unblock_prepare,
                  .unblock_place = pinned_enqueue, .tick = pinned_tick,
                  .yield = pinned_enqueue, .block = pinned_block,
                  .terminate = pinned_terminate,
                  .schedule = pinned_schedule);
