/* Faults: new_place forgets the thread (it stays NOT_QUEUED). */
#include <ipasim/runtime.h>

static void place(struct ipa_rt *rt, struct ipa_process_event *e)
{
    (void)rt;
    (void)e;
}

static void block(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_BLOCKED, e->core, NULL);
}

static void schedule(struct ipa_rt *rt, struct ipa_core_event *e)
{
    (void)rt;
    (void)e;
}

IPA_POLICY_DEFINE(.name = "lose_thread", .new_place = place,
                  .unblock_place = place, .block = block, .terminate = block,
                  .schedule = schedule);
