/* Faults: its block handler tries RUNNING -> MIGRATING, which the
 * runtime's transition table forbids. */
#include <ipasim/runtime.h>

static const struct ipa_rq_desc rqs[] = {{.name = "ready", .state = IPA_STATE_READY}};

static void place(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_READY, e->core, ipa_core_rq(rt, e->core, 0));
}

static void block(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_MIGRATING, e->core, NULL);
}

static void terminate(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_TERMINATED, e->core, NULL);
}

static void schedule(struct ipa_rt *rt, struct ipa_core_event *e)
{
    struct ipa_thread *t = ipa_rq_first(ipa_core_rq(rt, e->target, 0));
    if (t)
        ipa_change_state(rt, t, IPA_STATE_RUNNING, e->target, NULL);
}

IPA_POLICY_DEFINE(.name = "illegal_move", .core_rqs = rqs, .nr_core_rqs = 1,
                  .new_place = place, .unblock_place = place, .block = block,
                  .terminate = terminate, .schedule = schedule);
