/*
 * supervise.h - a native policy cannot take ipasim down.
 *
 * A C or .so policy runs inside the simulation's process; the guard
 * (engine/guard.c) ends the run cleanly when a callback crashes or does not
 * return. What a process cannot survive of code it runs (exit(), abort(),
 * a heap it corrupted, signals it blocked, memory without end, crashing
 * constructors, a signal handler it replaced) is caught one level up:
 * `ipasim run` forks, the child simulates exactly as before, and the
 * parent watches it through a shared page (struct ipa_sim_watch): a
 * wall-clock watchdog on each policy call, a memory bound, and the way
 * the child ended (docs/robustness.md).
 */
#ifndef IPA_CLI_SUPERVISE_H
#define IPA_CLI_SUPERVISE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <glib.h>

#include "engine/sim.h"
#include "report/report.h"

struct ipa_supervisor {
    pid_t pid;                    /* the child; 0 in the child itself */
    struct ipa_sim_watch *watch;  /* shared with the child */
    uint64_t watchdog_ns;         /* per policy call, wall-clock; 0: none */
    uint64_t max_memory;          /* bytes the child may use; 0: none */
};

/* The default --max-memory: half the machine's physical memory. */
uint64_t ipa_supervise_default_memory(void);
/* True when @specs (--policy values, "CPULIST:FILE" or "FILE") name a
 * native policy (.c or .so), whose runs are supervised. */
bool ipa_supervise_wanted(char *const *specs);
/* Forks. Returns in both processes: sup->pid is 0 in the child, which
 * runs as if unsupervised and calls ipa_supervise_child_done() at the
 * very end; the parent calls ipa_supervise_wait(). False (*error set)
 * when the child cannot be made. */
bool ipa_supervise_fork(struct ipa_supervisor *sup, GError **error);
/* In the child, once its policies are loaded (the C compiler, a child
 * of its own, is not bounded): the memory bound as an address-space
 * limit, where the build has no AddressSanitizer (which reserves
 * terabytes of shadow memory; the parent's resident-size watch holds
 * there). */
void ipa_supervise_child_limit(const struct ipa_supervisor *sup);
/* In the child: the command returned (@code is its exit status). */
void ipa_supervise_child_done(struct ipa_supervisor *sup);

/* What the parent saw of a child that a policy took down. */
struct ipa_supervise_fault {
    struct ipa_report_fault where;
    char *message; /* as printed: "policy fault in x.c: ..." */
};

/* In the parent: waits for the child. Returns its exit status when it
 * ended as a command does; otherwise -1 with @fault filled (free its
 * message), the child gone. @policies are the policies' names, by
 * partition index. */
int ipa_supervise_wait(struct ipa_supervisor *sup, char *const *policies,
                       struct ipa_supervise_fault *fault);
void ipa_supervise_fini(struct ipa_supervisor *sup);

#endif
