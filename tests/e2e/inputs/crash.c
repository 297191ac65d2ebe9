/* A policy that crashes in the callback named by CRASH_IN at compile time
 * of each variant below; ipasim must end the run with a policy fault, not
 * die. The variants are selected by the file that includes this one. */
#define _POSIX_C_SOURCE 200809L /* sigprocmask, sleep under -std=c11 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ipasim/runtime.h>

static const struct ipa_rq_desc rqs[] = {{.name = "ready", .state = IPA_STATE_READY}};

static volatile int zero, seven = 7;
static void *volatile kept; /* an allocation the compiler cannot drop */

#ifdef CRASH_RECURSE
static int recurse(int n)
{
    volatile char frame[512];
    frame[0] = (char)n;
    return recurse(n + 1) + frame[0];
}
#endif

#ifndef THREAD_DATA_SIZE
#define THREAD_DATA_SIZE 8
#endif
#ifndef NR_CORE_RQS
#define NR_CORE_RQS 1
#endif

static void misbehave(struct ipa_thread *t)
{
    (void)t;
#if defined(CRASH_NULL)
    *(volatile int *)(unsigned long)zero = 1;
#elif defined(CRASH_DIV)
    zero = seven / zero; /* not 1 / x: compilers turn that into compares */
#elif defined(CRASH_SPIN)
    for (;;)
        zero++;
#elif defined(CRASH_RECURSE)
    zero = recurse(0);
#elif defined(CRASH_EXIT)
    exit(zero);
#elif defined(CRASH__EXIT)
    _exit(seven - 4);
#elif defined(CRASH_ABORT)
    abort();
#elif defined(CRASH_DOUBLE_FREE)
    char *volatile p = malloc(64);
    free(p);
    free(p);
#elif defined(CRASH_OVERRUN)
    /* far past its 8 bytes: the records of other threads, the engine's */
    memset(ipa_thread_data(t), 0x5a, 1 << 16);
#elif defined(CRASH_SLEEP)
    sleep(100);
#elif defined(CRASH_BLOCKED)
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);
    for (;;)
        zero++;
#elif defined(CRASH_ALLOC)
    for (;;) {
        char *p = malloc(1 << 20);
        memset(p, seven, 1 << 20);
        kept = p;
    }
#elif defined(CRASH_SEGV_RESET)
    signal(SIGSEGV, SIG_DFL);
    *(volatile int *)(unsigned long)zero = 1;
#endif
}

#ifdef CRASH_DTOR_SPIN
__attribute__((destructor)) static void at_unload(void)
{
    for (;;)
        zero++;
}
#endif

#if defined(CRASH_CTOR) || defined(CRASH_CTOR_SPIN)
__attribute__((constructor)) static void at_load(void)
{
#ifdef CRASH_CTOR
    *(volatile int *)(unsigned long)zero = 1;
#else
    for (;;)
        zero++;
#endif
}
#endif

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
    misbehave(e->target);
}

IPA_POLICY_DEFINE(.name = "crash", .core_rqs = rqs, .nr_core_rqs = NR_CORE_RQS,
                  .thread_data_size = THREAD_DATA_SIZE,
                  .new_place = place, .unblock_place = place, .block = block,
                  .terminate = terminate, .schedule = schedule, .tick = tick);
