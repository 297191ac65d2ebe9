/*
 * guard.c - a C policy that crashes or spins must not take ipasim down.
 *
 * While a run is in progress, SIGSEGV, SIGBUS, SIGFPE and SIGILL raised
 * inside a policy callback end the run with a policy fault instead of
 * killing the process (on an alternate stack, so that a runaway recursion
 * is caught too). A wall-clock interval timer checks that the callback
 * being run changes: one that runs for longer than the watchdog limit
 * (looping, sleeping, waiting) is ended the same way. Under a supervising
 * parent (cli/supervise.c) the parent keeps that clock and asks with
 * SIGALRM; what this process cannot survive (exit, abort, blocked signals,
 * memory) the parent reports, from the run's own fields: the run lies in
 * the page it shares (struct ipa_sim_watch). Per callback this costs a
 * few stores.
 */
#include <signal.h>
#include <stdalign.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

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
/* Shared with a supervising parent, which then keeps the watchdog. */
static struct ipa_sim_watch *shared_watch;

/* Where the run lies in the page: after the header, aligned for it. */
#define PLACED_SIM_OFFSET                                                     \
    ((sizeof(struct ipa_sim_watch) + alignof(struct ipa_sim) - 1) /           \
     alignof(struct ipa_sim) * alignof(struct ipa_sim))

size_t ipa_sim_watch_size(void)
{
    return PLACED_SIM_OFFSET + sizeof(struct ipa_sim);
}

/* AddressSanitizer's, present only in sanitized builds: whether it is
 * reporting an error, after which it ends the process. */
extern int __asan_report_present(void) __attribute__((weak));

/* Symbolising a sanitizer's report can take seconds, which a stop
 * request must not cut short: the parent is told to let it die. */
static bool sanitizer_reporting(void)
{
    if (!__asan_report_present || !__asan_report_present())
        return false;
    if (shared_watch)
        shared_watch->dying = true;
    return true;
}

/* A supervisor's stop request outside a run (a constructor that does not
 * return) ends the process, as SIGALRM would. */
static void on_stop_outside_run(int sig)
{
    if (sanitizer_reporting())
        return;
    signal(sig, SIG_DFL);
    raise(sig);
}

void ipa_sim_watch_set(struct ipa_sim_watch *watch)
{
    shared_watch = watch;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = watch ? on_stop_outside_run : SIG_DFL;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
}

struct ipa_sim *ipa_guard_place_sim(void)
{
    if (!shared_watch || shared_watch->sim)
        return NULL;
    struct ipa_sim *sim =
        (struct ipa_sim *)(void *)((char *)shared_watch + PLACED_SIM_OFFSET);
    memset(sim, 0, sizeof *sim);
    shared_watch->sim = sim;
    return sim;
}

bool ipa_guard_placed(const struct ipa_sim *sim)
{
    return shared_watch && sim == shared_watch->sim;
}

void ipa_sim_watch_policy(int index)
{
    if (shared_watch)
        shared_watch->load_part = index;
}

void ipa_sim_watch_outside(const char *what)
{
    if (!shared_watch)
        return;
    if (what)
        shared_watch->load_seq++;
    shared_watch->loading = what;
}

/* Loads all come before the run and unloads after it: else, once the run
 * has entered a callback, that is the latest policy code. */
void ipa_sim_watch_read(const struct ipa_sim_watch *w,
                        struct ipa_sim_watch_view *v)
{
    const struct ipa_sim *sim = w->sim;
    uint64_t calls = sim ? sim->cb_seq : 0;
    v->seq = w->load_seq + calls;
    v->tid = v->core = -1;
    v->now_ns = sim ? sim->now : 0;
    if (w->loading || !calls) {
        v->in_policy = w->loading;
        v->part = w->load_seq ? w->load_part : -1;
        v->cb = w->loading;
        return;
    }
    v->in_policy = sim->in_policy;
    v->part = sim->cb_part;
    v->cb = sim->cb;
    v->now_ns = sim->now;
    if (v->cb) {
        v->tid = sim->cb_tid;
        v->core = sim->cb_core;
    }
}

/* Ends the run from a signal handler: only async-signal-safe work before
 * the jump; the message is formatted once back in ipa_sim_run. */
static void stop_from_signal(struct ipa_sim *sim, int sig)
{
    sim->guard_signal = sig;
    if (shared_watch)
        shared_watch->faulted = true;
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

/* A supervisor asks once its wall-clock watchdog has run out on call
 * stop_seq; the run's own timer counts strikes of the same call. */
static void on_watchdog(int sig)
{
    struct ipa_sim *sim = guarded;
    if (sim && ipa_guard_placed(sim)) {
        if (sanitizer_reporting())
            return;
        if (sim->in_policy &&
            shared_watch->load_seq + sim->cb_seq == shared_watch->stop_seq)
            stop_from_signal(sim, sig);
        return;
    }
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
        sigaction(SIGALRM, &sa, &saved[4]);
        struct itimerval it = {{0, WATCHDOG_PERIOD_MS * 1000},
                               {0, WATCHDOG_PERIOD_MS * 1000}};
        if (!ipa_guard_placed(sim))
            setitimer(ITIMER_REAL, &it, NULL);
    }
}

void ipa_guard_remove(struct ipa_sim *sim)
{
    if (sim->config.watchdog_ns) {
        struct itimerval off = {{0, 0}, {0, 0}};
        if (!ipa_guard_placed(sim))
            setitimer(ITIMER_REAL, &off, NULL);
        /* A tick raised before the timer stopped may still be pending
         * (valgrind delivers signals late; a supervisor's request may
         * cross the callback's return): take it before the old action,
         * "terminate", comes back. */
        sigset_t alrm, old;
        sigemptyset(&alrm);
        sigaddset(&alrm, SIGALRM);
        sigprocmask(SIG_BLOCK, &alrm, &old);
        const struct timespec now = {0, 0};
        while (sigtimedwait(&alrm, NULL, &now) == SIGALRM)
            ;
        sigaction(SIGALRM, &saved[4], NULL);
        sigprocmask(SIG_SETMASK, &old, NULL);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(fatal_signals); i++)
        sigaction(fatal_signals[i], &saved[i], NULL);
    guarded = NULL;
}

/* A crash where the address space is nearly all spent is most likely a
 * failed allocation (--max-memory sets RLIMIT_AS): say so. */
static void append_memory_hint(GString *msg)
{
    struct rlimit lim;
    unsigned long long pages = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return;
    bool read = fscanf(f, "%llu", &pages) == 1;
    fclose(f);
    if (!read || getrlimit(RLIMIT_AS, &lim) != 0 ||
        lim.rlim_cur == RLIM_INFINITY)
        return;
    unsigned long long used = pages * (unsigned long long)getpagesize();
    if (used >= lim.rlim_cur / 10 * 9)
        g_string_append_printf(msg,
                               " (the process had used %llu MiB of its "
                               "%llu MiB address space: an allocation the "
                               "policy did not check? --max-memory sets "
                               "the limit)",
                               used >> 20,
                               (unsigned long long)lim.rlim_cur >> 20);
}

char *ipa_guard_message(struct ipa_sim *sim)
{
    const char *what;
    char *limit = NULL;
    switch (sim->guard_signal) {
    case SIGALRM: {
        GString *d = g_string_new(NULL);
        ipa_duration_format(d, sim->config.watchdog_ns);
        limit = g_strdup_printf("did not return: it ran past the watchdog "
                                "limit of %s of wall-clock time (an endless "
                                "loop, or a sleep? --watchdog sets the "
                                "limit)",
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
    struct ipa_rt *rt = sim->cb_seq ? sim->parts[sim->cb_part] : NULL;
    g_string_append_printf(msg, "policy fault in %s: callback %s %s",
                           rt ? rt->name : "?", sim->cb ? sim->cb : "?", what);
    if (sim->guard_signal != SIGALRM)
        append_memory_hint(msg);
    g_string_append_c(msg, '\n');
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
