/* A policy that crashes in the callback named by CRASH_IN at compile time
 * of each variant below; ipasim must end the run with a policy fault, not
 * die. The variants are selected by the file that includes this one. */
#include <ipasim/runtime.h>

static const struct ipa_rq_desc rqs[] = {{.name = "ready", .state = IPA_STATE_READY}};

static volatile int zero, seven = 7;

#ifdef CRASH_RECURSE
static int recurse(int n)
{
    volatile char frame[512];
    frame[0] = (char)n;
    return recurse(n + 1) + frame[0];
}
#endif

static void misbehave(void)
{
#if defined(CRASH_NULL)
    *(volatile int *)(unsigned long)zero = 1;
#elif defined(CRASH_DIV)
    zero = seven / zero; /* not 1 / x: compilers turn that into compares */
#elif defined(CRASH_SPIN)
    for (;;)
        zero++;
#elif defined(CRASH_RECURSE)
    zero = recurse(0);
#endif
}

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
    struct ipa_thread *t = ipa_rq_first(ipa_core_rq(rt, e->target, 0));
    if (t)
        ipa_change_state(rt, t, IPA_STATE_RUNNING, e->target, NULL);
}

static void tick(struct ipa_rt *rt, struct ipa_process_event *e)
{
    (void)rt;
    (void)e;
    misbehave();
}

IPA_POLICY_DEFINE(.name = "crash", .core_rqs = rqs, .nr_core_rqs = 1,
                  .new_place = place, .unblock_place = place, .block = block,
                  .terminate = terminate, .schedule = schedule, .tick = tick);
