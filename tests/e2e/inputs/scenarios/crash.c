/* Kills the process that runs it (as the OOM killer would; a fault inside
 * a callback is caught by the engine), to check that `ipasim test` gets
 * the supervisor's fault report of such a run. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <unistd.h>

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
    kill(getpid(), SIGKILL);
}

IPA_POLICY_DEFINE(.name = "crash", .core_rqs = rqs, .nr_core_rqs = 1,
                  .new_place = place, .unblock_place = place, .block = block,
                  .terminate = terminate, .schedule = schedule);
