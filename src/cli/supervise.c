#include "cli/supervise.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "util/common.h"
#include "util/duration.h"
#include "util/size.h"

/* How often the parent looks at the child: the resolution of the
 * watchdog and the memory bound's overshoot (about what the child can
 * touch in this time). */
#define TICK_MS 10
/* A callback past the watchdog is first asked to stop (SIGALRM, which
 * the guard turns into a fault with the run's full report); one that
 * does not answer within this time (signals blocked) is killed. */
#define ANSWER_MS 500
/* After the guard ended a run, the child writes its outputs; a heap the
 * policy corrupted may hang it there instead. */
#define REPORT_MS 60000

#if defined(__SANITIZE_ADDRESS__)
#define ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASAN 1
#endif
#endif

uint64_t ipa_supervise_default_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || size <= 0)
        return UINT64_C(4) << 30;
    return (uint64_t)pages * (uint64_t)size / 2;
}

bool ipa_supervise_wanted(char *const *specs)
{
    for (char *const *s = specs; s && *s; s++)
        if (g_str_has_suffix(*s, ".c") || g_str_has_suffix(*s, ".so"))
            return true;
    return false;
}

/* exit() called by policy code: nothing of the run is to be saved, and
 * handlers registered earlier (LeakSanitizer's check, which can take
 * seconds) must not hold the process past the watchdog, whose stop
 * request would then land in them. */
static void on_child_exit(int status, void *arg)
{
    struct ipa_sim_watch_view v;
    ipa_sim_watch_read(arg, &v);
    if (v.in_policy)
        _exit(status);
}

bool ipa_supervise_fork(struct ipa_supervisor *sup, GError **error)
{
    sup->watch = mmap(NULL, ipa_sim_watch_size(), PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sup->watch == MAP_FAILED) {
        sup->watch = NULL;
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "cannot map a page to supervise the policy: %s",
                    g_strerror(errno));
        return false;
    }
    fflush(NULL); /* what is buffered is written once, not by both */
    pid_t parent = getpid();
    sup->pid = fork();
    if (sup->pid < 0) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "cannot fork to supervise the policy: %s",
                    g_strerror(errno));
        return false;
    }
    if (sup->pid == 0) {
#ifdef __linux__
        /* a supervisor killed (a test's timeout) takes its child along */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(IPA_EXIT_FAIL);
#endif
        (void)parent;
        ipa_sim_watch_set(sup->watch);
        on_exit(on_child_exit, sup->watch);
    }
    return true;
}

void ipa_supervise_child_limit(const struct ipa_supervisor *sup)
{
#ifndef ASAN
    if (sup->max_memory) {
        struct rlimit lim = {sup->max_memory, sup->max_memory};
        setrlimit(RLIMIT_AS, &lim);
    }
#else
    (void)sup;
#endif
}

void ipa_supervise_child_done(struct ipa_supervisor *sup)
{
    fflush(NULL);
    sup->watch->finished = true;
}

/* Resident bytes of @pid, 0 when it cannot be read (gone). */
static uint64_t resident_bytes(pid_t pid)
{
    char path[64];
    g_snprintf(path, sizeof path, "/proc/%d/statm", (int)pid);
    FILE *f = fopen(path, "r");
    unsigned long long size = 0, resident = 0;
    if (!f)
        return 0;
    if (fscanf(f, "%llu %llu", &size, &resident) != 2)
        resident = 0;
    fclose(f);
    return resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

static const char *signal_name(int sig)
{
    static const struct {
        int sig;
        const char *name;
    } names[] = {
        {SIGABRT, "SIGABRT"}, {SIGSEGV, "SIGSEGV"}, {SIGBUS, "SIGBUS"},
        {SIGFPE, "SIGFPE"},   {SIGILL, "SIGILL"},   {SIGKILL, "SIGKILL"},
        {SIGTERM, "SIGTERM"}, {SIGALRM, "SIGALRM"}, {SIGTRAP, "SIGTRAP"},
        {SIGSYS, "SIGSYS"},   {SIGXCPU, "SIGXCPU"}, {SIGPIPE, "SIGPIPE"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
        if (names[i].sig == sig)
            return names[i].name;
    return "a signal";
}

/* What the child's end says, in the words of the guard's messages. */
static char *what_happened(const struct ipa_supervisor *sup,
                           const struct ipa_report_fault *f, int sig,
                           bool unanswered)
{
    GString *d = g_string_new(NULL);
    if (!strcmp(f->cause, "watchdog")) {
        ipa_duration_format(d, sup->watchdog_ns);
        char *s = g_strdup_printf(
            "did not return: it ran past the watchdog limit of %s of "
            "wall-clock time%s; --watchdog sets the limit",
            d->str,
            unanswered ? " and did not answer the watchdog (signals "
                         "blocked?)"
                       : "");
        g_string_free(d, TRUE);
        return s;
    }
    if (!strcmp(f->cause, "memory")) {
        ipa_size_format(d, sup->max_memory);
        char *s = g_strdup_printf("used more than %s of memory (allocating "
                                  "without end?); --max-memory sets the "
                                  "limit",
                                  d->str);
        g_string_free(d, TRUE);
        return s;
    }
    g_string_free(d, TRUE);
    if (!strcmp(f->cause, "exit"))
        return g_strdup_printf(
            "ended the process with exit status %d (exit() or _exit() in "
            "the policy, or a sanitizer's report above)",
            f->exit_status);
    const char *hint = sig == SIGABRT
                           ? "abort(), or memory the C library found "
                             "corrupted: a double free?"
                       : sig == SIGKILL ? "the system's out-of-memory killer?"
                       : sig == SIGSEGV || sig == SIGBUS
                           ? "a bad pointer, with ipasim's handler replaced "
                             "or bypassed"
                           : strsignal(sig);
    return g_strdup_printf("took the process down with %s (%s)",
                           signal_name(sig), hint);
}

static void describe(const struct ipa_supervisor *sup,
                     struct ipa_supervise_fault *fault, int sig,
                     bool unanswered)
{
    struct ipa_report_fault *f = &fault->where;
    char *what = what_happened(sup, f, sig, unanswered);
    bool outside = f->callback && (!strcmp(f->callback, "load") ||
                                   !strcmp(f->callback, "unload"));
    GString *msg = g_string_new(NULL);
    if (!f->policy) {
        g_string_append_printf(msg,
                               "policy fault: the simulation %s before any "
                               "policy code ran",
                               what);
    } else if (f->in_callback && outside) {
        g_string_append_printf(msg, "policy fault in %s: its code run at %s %s",
                               f->policy,
                               !strcmp(f->callback, "load")
                                   ? "load (a constructor)"
                                   : "unload (a destructor)",
                               what);
    } else if (f->in_callback) {
        g_string_append_printf(msg, "policy fault in %s: callback %s %s",
                               f->policy, f->callback, what);
    } else {
        g_string_append_printf(msg,
                               "policy fault in %s: the simulation %s after "
                               "a callback of the policy returned (did it "
                               "write memory it does not own, past its "
                               "thread data?)",
                               f->policy, what);
    }
    if (f->policy && !f->in_callback)
        g_string_append_printf(msg, "\n  time: %llu ns",
                               (unsigned long long)f->time_ns);
    else if (f->policy && !outside) {
        g_string_append_printf(msg, "\n  event: %s", f->callback);
        if (f->thread >= 0)
            g_string_append_printf(msg, "\n  thread: %d", f->thread);
        if (f->core >= 0)
            g_string_append_printf(msg, "\n  core: %d", f->core);
        g_string_append_printf(msg, "\n  time: %llu ns",
                               (unsigned long long)f->time_ns);
    }
    g_free(what);
    fault->message = g_string_free(msg, FALSE);
}

int ipa_supervise_wait(struct ipa_supervisor *sup, char *const *policies,
                       struct ipa_supervise_fault *fault)
{
    struct ipa_sim_watch *w = sup->watch;
    const char *cause = NULL;
    bool unanswered = false;
    uint64_t seen_seq = 0;
    gint64 since = g_get_monotonic_time(), asked = 0, faulted = 0;
    int status = 0;
    for (;;) {
        pid_t r = waitpid(sup->pid, &status, WNOHANG);
        if (r == sup->pid || (r < 0 && errno != EINTR))
            break;
        gint64 now = g_get_monotonic_time();
        struct ipa_sim_watch_view v;
        ipa_sim_watch_read(w, &v);
        uint64_t seq = v.seq;
        if (seq != seen_seq || !v.in_policy) {
            seen_seq = seq;
            since = now;
            asked = 0;
        } else if (sup->watchdog_ns && !cause && !faulted &&
                   (uint64_t)(now - since) * 1000 >= sup->watchdog_ns) {
            if (!asked) {
                w->stop_seq = seq;
                kill(sup->pid, SIGALRM);
                asked = now;
            } else if (now - asked >= ANSWER_MS * 1000) {
                cause = "watchdog";
                unanswered = true;
                kill(sup->pid, SIGKILL);
            }
        }
        if (!faulted && (w->faulted || w->dying))
            faulted = now;
        if (!cause && faulted && now - faulted >= REPORT_MS * 1000) {
            cause = "watchdog";
            kill(sup->pid, SIGKILL);
        }
        if (!cause && sup->max_memory &&
            resident_bytes(sup->pid) > sup->max_memory) {
            cause = "memory";
            kill(sup->pid, SIGKILL);
        }
        g_usleep(TICK_MS * 1000);
    }
    if (!cause && w->finished && WIFEXITED(status))
        return WEXITSTATUS(status);

    memset(fault, 0, sizeof *fault);
    struct ipa_report_fault *f = &fault->where;
    int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    if (cause) {
        f->cause = cause;
    } else if (asked && sig == SIGALRM) {
        f->cause = "watchdog"; /* SIGALRM's default action: at load */
    } else if (sig) {
        f->cause = "signal";
        f->signal = signal_name(sig);
    } else {
        f->cause = "exit";
        f->exit_status = WEXITSTATUS(status);
    }
    struct ipa_sim_watch_view v;
    ipa_sim_watch_read(w, &v);
    f->thread = v.tid;
    f->core = v.core;
    if (v.part >= 0) {
        int n = (int)g_strv_length((char **)policies);
        f->policy = v.part < n ? policies[v.part] : "?";
        f->callback = v.in_policy ? v.cb : NULL;
        f->in_callback = v.in_policy && v.cb;
        f->time_ns = v.now_ns;
    }
    describe(sup, fault, sig, unanswered);
    return -1;
}

void ipa_supervise_fini(struct ipa_supervisor *sup)
{
    /* the child's page stays: its exit handler reads it */
    if (sup->watch && sup->pid > 0)
        munmap(sup->watch, ipa_sim_watch_size());
    sup->watch = NULL;
}
