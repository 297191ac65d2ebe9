/*
 * guard.c - a C policy that crashes or spins must not take ipasim down.
 *
 * While a run is in progress, SIGSEGV, SIGBUS, SIGFPE and SIGILL raised
 * inside a policy callback end the run with a policy fault instead of
 * killing the process (on an alternate stack, so that a runaway recursion
 * is caught too). A CPU-time interval timer checks that the callback being
 * run changes: one that runs for longer than the watchdog limit is ended
 * the same way. Nothing here costs anything per callback but two stores.
 */
#include <signal.h>
#include <string.h>
#include <sys/time.h>

#include "engine/internal.h"
#include "util/common.h"
#include "util/duration.h"

#define WATCHDOG_PERIOD_MS 250

/* Signal handlers cannot be given a context: the run in progress. */
static struct ipa_sim *volatile guarded;
static uint64_t watched_seq;
static uint64_t strikes;
static stack_t alt_stack;
static struct sigaction saved[5];
static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};

/* Ends the run from a signal handler: only async-signal-safe work before
 * the jump; the message is formatted once back in ipa_sim_run. */
static void stop_from_signal(struct ipa_sim *sim, int sig)
{
    sim->guard_signal = sig;
    siglongjmp(sim->fault_jmp, 1);
}

static void on_fatal(int sig)
{
    struct ipa_sim *sim = guarded;
    if (sim && sim->in_policy)
        stop_from_signal(sim, sig);
    /* Not the policy's fault: die as the signal would have. */
    signal(sig, SIG_DFL);
    raise(sig);
}

static void on_watchdog(int sig)
{
    struct ipa_sim *sim = guarded;
    if (!sim || !sim->in_policy || sim->cb_seq != watched_seq) {
        watched_seq = sim ? sim->cb_seq : 0;
        strikes = 0;
        return;
    }
    if (++strikes * WATCHDOG_PERIOD_MS * UINT64_C(1000000) >=
        sim->config.watchdog_ns)
        stop_from_signal(sim, sig);
}

void ipa_guard_install(struct ipa_sim *sim)
{
    guarded = sim;
    watched_seq = 0;
    strikes = 0;
    if (!alt_stack.ss_sp) {
        alt_stack.ss_size = 1 << 16;
        alt_stack.ss_sp = g_malloc(alt_stack.ss_size);
    }
    sigaltstack(&alt_stack, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal;
    sa.sa_flags = SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < G_N_ELEMENTS(fatal_signals); i++)
        sigaction(fatal_signals[i], &sa, &saved[i]);
    if (sim->config.watchdog_ns) {
        sa.sa_handler = on_watchdog;
        sa.sa_flags = SA_ONSTACK | SA_RESTART;
        sigaction(SIGVTALRM, &sa, &saved[4]);
        struct itimerval it = {{0, WATCHDOG_PERIOD_MS * 1000},
                               {0, WATCHDOG_PERIOD_MS * 1000}};
        setitimer(ITIMER_VIRTUAL, &it, NULL);
    }
}

void ipa_guard_remove(struct ipa_sim *sim)
{
    if (sim->config.watchdog_ns) {
        struct itimerval off = {{0, 0}, {0, 0}};
        setitimer(ITIMER_VIRTUAL, &off, NULL);
        /* A tick raised before the timer stopped may still be pending
         * (valgrind delivers signals late): take it before the old action,
         * often "terminate", comes back. */
        sigset_t vt, old;
        sigemptyset(&vt);
        sigaddset(&vt, SIGVTALRM);
        sigprocmask(SIG_BLOCK, &vt, &old);
        const struct timespec now = {0, 0};
        while (sigtimedwait(&vt, NULL, &now) == SIGVTALRM)
            ;
        sigaction(SIGVTALRM, &saved[4], NULL);
        sigprocmask(SIG_SETMASK, &old, NULL);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(fatal_signals); i++)
        sigaction(fatal_signals[i], &saved[i], NULL);
    guarded = NULL;
}

char *ipa_guard_message(struct ipa_sim *sim)
{
    const char *what;
    char *limit = NULL;
    switch (sim->guard_signal) {
    case SIGVTALRM: {
        GString *d = g_string_new(NULL);
        ipa_duration_format(d, sim->config.watchdog_ns);
        limit = g_strdup_printf("did not return: it ran past the watchdog "
                                "limit of %s of CPU time (an endless loop? "
                                "--watchdog sets the limit)",
                                d->str);
        g_string_free(d, TRUE);
        what = limit;
        break;
    }
    case SIGFPE:
        what = "crashed with SIGFPE (an arithmetic fault: division by "
               "zero?)";
        break;
    case SIGSEGV:
        what = "crashed with SIGSEGV (a bad pointer, or a stack overflow)";
        break;
    case SIGBUS:
        what = "crashed with SIGBUS (a bad memory access)";
        break;
    default:
        what = "crashed with SIGILL (an illegal instruction)";
        break;
    }
    GString *msg = g_string_new(NULL);
    struct ipa_rt *rt = sim->cb_rt;
    g_string_append_printf(msg, "policy fault in %s: callback %s %s\n",
                           rt ? rt->name : "?", sim->cb ? sim->cb : "?", what);
    g_string_append_printf(msg, "  event: %s\n", sim->cb ? sim->cb : "none");
    if (sim->cb_thread)
        g_string_append_printf(msg, "  thread: %d (%s), state %s\n",
                               sim->cb_thread->tid, sim->cb_thread->spec->name,
                               ipa_state_name(sim->cb_thread->pub.state));
    if (sim->cb_core >= 0)
        g_string_append_printf(msg, "  core: %d\n", sim->cb_core);
    g_string_append_printf(msg, "  time: %llu ns",
                           (unsigned long long)sim->now);
    g_free(limit);
    return g_string_free(msg, FALSE);
}
