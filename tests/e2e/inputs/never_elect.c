/* Queues threads but never elects one: the stall watchdog must end the
 * run. */
#include <ipasim/runtime.h>

static const struct ipa_rq_desc rqs[] = {{.name = "ready", .state = IPA_STATE_READY}};

static void place(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_READY, e->core, ipa_core_rq(rt, e->core, 0));
}

static void block(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_BLOCKED, e->core, NULL);
}

static void terminate(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_TERMINATED, e->core, NULL);
}

static void schedule(struct ipa_rt *rt, struct ipa_core_event *e)
{
    (void)rt;
    (void)e;
}

IPA_POLICY_DEFINE(.name = "never_elect", .core_rqs = rqs, .nr_core_rqs = 1,
                  .new_place = place, .unblock_place = place, .block = block,
                  .terminate = terminate, .schedule = schedule);
