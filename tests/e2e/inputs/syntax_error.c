/* A policy that does not compile: the compiler's message must reach the
 * user. */
#include <ipasim/runtime.h>

static void broken(struct ipa_rt *rt, struct ipa_process_event *e)
{
    ipa_change_state(rt, e->target, IPA_STATE_READY, e->core, NULL)
}
