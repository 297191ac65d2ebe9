/* Spreads threads over the cores but has no core_exit: a core that goes
 * offline under a running thread must be reported, not ignored. */
#include <ipasim/runtime.h>

static const struct ipa_rq_desc rqs[] = {{.name = "ready", .state = IPA_STATE_READY}};

static int spread(struct ipa_rt *rt, struct ipa_process_event *e)
{
    return ipa_core_at(rt, ipa_thread_id(e->target) % ipa_nr_cores(rt));
}

static void place(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_READY, e->core, ipa_core_rq(rt, e->core, 0));
}

static void leave(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_TERMINATED, e->core, NULL);
}

static void block(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_BLOCKED, e->core, NULL);
}

static void schedule(struct ipa_rt *rt, struct ipa_core_event *e)
{
    struct ipa_thread *t = ipa_rq_first(ipa_core_rq(rt, e->target, 0));
    if (t)
        ipa_change_state(rt, t, IPA_STATE_RUNNING, e->target, NULL);
}

IPA_POLICY_DEFINE(.name = "no_core_exit", .core_rqs = rqs, .nr_core_rqs = 1,
                  .new_prepare = spread, .new_place = place,
                  .unblock_place = place, .block = block, .terminate = leave,
                  .schedule = schedule);
